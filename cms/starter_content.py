"""The shared starter playbook for e-commerce support, written for Shiftdesk (loaded by ``cms.demo``).

Each SOP is (slug, title, summary, tags, body). Section anchors match the default QA rubric's criteria where one
teaches a criterion (see ``CRITERION_SECTIONS``), so a lost point can link straight to the right place.
"""

from __future__ import annotations


def section(heading: str, anchor: str = "") -> tuple[str, dict]:
    return ("section", {"heading": heading, "anchor": anchor})


def step(title: str, detail: str = "") -> tuple[str, dict]:
    return ("step", {"title": title, "detail": detail})


def decision(condition: str, action: str, otherwise: str = "") -> tuple[str, dict]:
    return ("decision", {"condition": condition, "action": action, "otherwise": otherwise})


def reply(title: str, text: str) -> tuple[str, dict]:
    return ("canned_reply", {"title": title, "text": text})


def do_dont(do: list[str], dont: list[str]) -> tuple[str, dict]:
    return ("do_dont", {"do": do, "dont": dont})


def escalate(when: str, to_whom: str, within_hours: int, how: str = "") -> tuple[str, dict]:
    return ("escalation", {"when": when, "to_whom": to_whom, "within_hours": within_hours, "how": how})


def note(text: str, kind: str = "note") -> tuple[str, dict]:
    return ("note", {"kind": kind, "text": text})


STARTER_TITLE = "E-commerce support starter"
STARTER_SLUG = "ecommerce-support-starter"
STARTER_DESCRIPTION = (
    "A baseline for marketplace and web-shop support: answer fast, know the order before you reply, solve the "
    "problem in the first message where you can, and protect the seller's marketplace standing."
)

SOPS = [
    (
        "respond-within-24-hours",
        "Answer every buyer within 24 hours",
        "Marketplaces measure how fast sellers answer. Every buyer message gets a real reply within 24 hours, "
        "weekends and holidays included.",
        ["response time", "amazon", "metrics"],
        [
            section("Why it matters", "response-time"),
            note(
                "Amazon and other marketplaces track the share of buyer messages answered within 24 hours. "
                "A slow answer hurts the seller's account health even when the answer itself is perfect."
            ),
            section("Working the queue"),
            step("Sort the inbox by waiting time", "Oldest unanswered message first, not newest."),
            step("Reply to what you can solve now", "Aim to close the question in this one reply."),
            step(
                "Acknowledge what needs more time",
                "If you need the carrier, the warehouse or the seller, say so, say what you are doing and when "
                "the buyer will hear back.",
            ),
            step("Never leave a thread unanswered at the end of a shift", "Hand over open threads in the notes."),
            reply(
                "Holding reply while you investigate",
                "Hi {customer_name}, thanks for your message about order {order_id}. I am checking this with our "
                "team now and will update you within 24 hours with a clear answer. — {agent_name}",
            ),
            do_dont(
                ["Answer within 24 hours, every day", "Give a time for the next update", "Log every handover"],
                [
                    "Send an empty 'we received your message' with no next step",
                    "Mark a message as 'no response needed' to beat the clock",
                ],
            ),
        ],
    ),
    (
        "know-the-customer",
        "Know the customer and the order before replying",
        "Read the whole thread and look up the order first, then greet the buyer by name and answer their real "
        "question.",
        ["greeting", "order lookup"],
        [
            section("Before you type", "greeting"),
            step("Read the whole conversation", "Earlier messages often hold the real problem."),
            step(
                "Open the order",
                "Check items, ship date, carrier, tracking status, delivery estimate, and earlier returns or claims.",
            ),
            step("Greet the buyer by name", "Use the name on the order, spelled the way the buyer writes it."),
            section("Find the real need", "real-need"),
            step(
                "Restate the need in one sentence",
                "'You want the blue mug you ordered to arrive before Friday' — if you cannot, ask one clear question.",
            ),
            decision(
                "the buyer asks about something that is not in the order (wrong account, another seller)",
                "Explain kindly where to get help and offer what you can do from this store.",
            ),
            do_dont(
                ["Use the buyer's name", "Mention the order and item by name", "Answer the question actually asked"],
                ["Paste a template without reading the thread", "Ask for details that are already in the order"],
            ),
        ],
    ),
    (
        "late-or-missing-parcels",
        'Late or "delivered but not received" parcels',
        "Check tracking, set a clear expectation, and replace or refund when the carrier has failed — before the "
        "buyer needs to open a claim.",
        ["shipping", "delivery", "a-to-z"],
        [
            section("Check the facts", "correct-resolution"),
            step("Open the tracking page", "Note the last scan, its date and where it happened."),
            decision(
                "the parcel is in transit and still inside the delivery estimate",
                "Share the tracking link and the estimate, and promise a check-in the day after the estimate.",
            ),
            decision(
                "the parcel is past the delivery estimate with no scan for 3 or more days",
                "Open a carrier trace and offer a replacement or a refund now, within your authority.",
            ),
            decision(
                "tracking says delivered but the buyer has nothing",
                "Ask them to check with neighbours, the building's mail room and around the door; wait one day; "
                "then replace or refund.",
                "If it is the third 'missing' claim from the same address this year, escalate before refunding.",
            ),
            reply(
                "Delivered but not received",
                "Hi {customer_name}, I am sorry your parcel for order {order_id} has not reached you even though "
                "tracking ({tracking_number}) shows it as delivered. Could you check with neighbours and any "
                "mail room nearby? If it has not turned up by tomorrow, reply here and I will send a replacement "
                "or refund you in full, whichever you prefer.",
            ),
            section("Set expectations", "sets-expectations"),
            step("Always say what happens next and when", "A date beats 'soon'."),
            escalate(
                "The same address reports a third missing parcel, or the order value is above your refund limit",
                "The seller's support lead",
                24,
                "Order id, tracking link, what the buyer said, and what you propose.",
            ),
        ],
    ),
    (
        "damaged-items",
        "Damaged or faulty items",
        "Apologise, ask for one photo, and fix it in the same conversation: replacement or refund.",
        ["damage", "returns"],
        [
            step("Apologise and thank the buyer for telling you"),
            step("Ask for one photo of the item and one of the box", "Explain it helps improve packing."),
            step(
                "Offer the fix straight away",
                "Replacement if in stock, otherwise a full refund. Do not make the buyer wait for the photo to agree.",
            ),
            decision(
                "the item is low value (under your return threshold)",
                "Refund or replace without asking for the item back.",
                "Send a prepaid return label with the replacement.",
            ),
            reply(
                "Damaged item",
                "Hi {customer_name}, I am really sorry {product_name} arrived damaged. I can send a replacement "
                "right away or refund you in full — which would you prefer? If you can, please send a photo of the "
                "item and the box so we can improve our packing.",
            ),
            note("Record the damage photo and carrier in the order notes: the seller uses it for carrier claims."),
        ],
    ),
    (
        "returns-and-refunds",
        "Returns and refunds within your authority",
        "Know your limits, act inside them without asking, and escalate above them.",
        ["refunds", "returns", "policy"],
        [
            section("Your authority", "refund-authority"),
            note(
                "Each seller sets the refund amount an agent may approve alone; it is in the seller's own "
                "playbook. Without one, the limit is the item price of a single order line.",
                "warning",
            ),
            decision(
                "the request is inside the return window and within your limit",
                "Approve it in the same reply and send the return instructions.",
            ),
            decision(
                "the request is outside the window or above your limit",
                "Tell the buyer you are asking the seller today, and escalate.",
            ),
            escalate("A refund or goodwill gesture above your limit", "The seller's support lead", 24),
            reply(
                "Return approved",
                "Hi {customer_name}, your return for order {order_id} is approved. Here is what to do next: pack "
                "the item, attach the label I have sent, and drop it at any carrier point. Your refund is issued "
                "as soon as the parcel is scanned.",
            ),
            do_dont(
                ["Follow the marketplace's own return flow when there is one", "Confirm the refund amount in writing"],
                ["Promise a refund you are not allowed to give", "Ask the buyer to cancel a claim in exchange"],
            ),
        ],
    ),
    (
        "a-to-z-claim-prevention",
        "Preventing A-to-z guarantee claims",
        "A buyer opens a claim when they feel ignored. Answer fast, solve early, and never argue.",
        ["a-to-z", "amazon", "claims"],
        [
            note(
                "Order defects (negative feedback, A-to-z claims, chargebacks) count against the seller. At around "
                "1 % of orders a marketplace can suspend the account.",
                "warning",
            ),
            step("Treat 'I will file a claim' as urgent", "Answer within hours, not within the day."),
            step("Offer the fix before the buyer asks for it", "Replacement or refund for lost and damaged parcels."),
            step("Stay factual and kind", "Never blame the buyer or the carrier in front of the buyer."),
            decision(
                "a claim is already open",
                "Escalate to the seller at once with the thread and the order; do not reply about the claim yourself.",
            ),
            escalate("An A-to-z claim or chargeback is opened", "The seller (account owner)", 12),
        ],
    ),
    (
        "negative-feedback",
        "Negative feedback and reviews",
        "Answer the problem behind the feedback; the buyer may then choose to update it.",
        ["feedback", "reviews"],
        [
            step("Read the feedback and find the order"),
            step("Contact the buyer through the marketplace messaging only", "Apologise and offer a solution."),
            step("Solve the problem first", "Only then mention that feedback can be updated, once, without pressure."),
            note(
                "On Amazon, never offer money, refunds or gifts in exchange for removing or changing feedback or a "
                "review, and never ask only happy buyers for reviews.",
                "warning",
            ),
        ],
    ),
    (
        "marketplace-communication-rules",
        "Marketplace communication rules",
        "What an agent may never write in a marketplace message.",
        ["policy", "amazon", "privacy"],
        [
            section("Stay inside the marketplace", "marketplace-policy"),
            do_dont(
                [
                    "Keep every conversation in the marketplace's messaging",
                    "Use the order's own links (tracking, returns) only",
                ],
                [
                    "Share e-mail addresses, phone numbers, or links to your own website",
                    "Ask for a positive review or rating, or offer anything for one",
                    "Add marketing or promotions to a support reply",
                ],
            ),
            section("Protect personal data", "no-personal-data"),
            do_dont(
                ["Refer to the order by its id", "Ask the buyer to remove card numbers they post"],
                ["Repeat card numbers, full addresses or phone numbers in a reply"],
            ),
        ],
    ),
    (
        "angry-buyers",
        "Staying calm with angry buyers",
        "Let the buyer be heard, keep your own tone level, and move to the fix.",
        ["tone", "empathy"],
        [
            section("Tone", "stays-calm"),
            step("Read the message twice before answering", "Find the one thing that would make it right."),
            step("Acknowledge the feeling in one sentence", "'I understand how frustrating a late gift is.'"),
            step("Move to what you will do, with a time"),
            do_dont(
                ["Use positive wording: what you can do", "Keep sentences short", "Apologise once, sincerely"],
                ["Match their tone", "Use ALL CAPS, sarcasm or blame", "Say 'that is not possible' without an option"],
            ),
            escalate(
                "The buyer threatens legal action, harm, or abuse continues after two calm replies",
                "The seller's support lead",
                4,
            ),
        ],
    ),
    (
        "closing-the-conversation",
        "Closing only with a satisfied buyer",
        "A conversation is closed when the buyer confirms the problem is solved, not when we stop replying.",
        ["closing", "satisfaction", "follow-up"],
        [
            section("Confirm before closing", "confirmed-closing"),
            step("Summarise what was done", "Refund issued, replacement shipped with tracking, and so on."),
            step("Ask whether anything else is needed"),
            step("Follow up once after the fix lands", "E.g. the day after the replacement's delivery estimate."),
            reply(
                "Closing",
                "Hi {customer_name}, your replacement for order {order_id} is on its way (tracking "
                "{tracking_number}). Is there anything else I can help you with? — {agent_name}, {store_name}",
            ),
        ],
    ),
]

# Default QA rubric criterion key → (SOP slug, section anchor): for linking criteria to the starter playbook.
CRITERION_SECTIONS = {
    "greeting": ("know-the-customer", "greeting"),
    "real_need": ("know-the-customer", "real-need"),
    "correct_resolution": ("late-or-missing-parcels", "correct-resolution"),
    "first_contact_resolution": ("late-or-missing-parcels", "correct-resolution"),
    "explains_next_steps": ("late-or-missing-parcels", "sets-expectations"),
    "sets_expectations": ("late-or-missing-parcels", "sets-expectations"),
    "empathy_patience": ("angry-buyers", "stays-calm"),
    "positive_wording": ("angry-buyers", "stays-calm"),
    "stays_calm": ("angry-buyers", "stays-calm"),
    "response_24h": ("respond-within-24-hours", "response-time"),
    "confirmed_closing": ("closing-the-conversation", "confirmed-closing"),
    "no_personal_data": ("marketplace-communication-rules", "no-personal-data"),
    "marketplace_policy": ("marketplace-communication-rules", "marketplace-policy"),
    "refund_authority": ("returns-and-refunds", "refund-authority"),
}
