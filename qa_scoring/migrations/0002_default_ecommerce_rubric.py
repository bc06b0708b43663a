"""Ship the default e-commerce support rubric as a shared, published template (version 1).

Written for marketplace sellers' support (Amazon and similar): know the customer, solve the real need inside
policy on the first contact, say what happens next, keep a calm and positive tone, close only when the
customer confirms, answer within 24 hours. Three critical criteria zero the review when breached.
The data is kept in this migration (not imported from app code) so it never changes under a database.
"""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone

NAME = "E-commerce support (default)"

# (section, [(key, label, guidance, kind, min, max, weight, allow_na, critical)])
SECTIONS = [
    (
        "Opening",
        [
            (
                "greeting",
                "Greets the customer by name and shows they know the order",
                "Uses the buyer's name and refers to the actual order, item or earlier contact instead of a "
                "generic opener.",
                "binary",
                0,
                1,
                8,
                False,
                False,
            ),
            (
                "real_need",
                "Understands the real need",
                "Looks past the literal question to what the customer is trying to achieve (e.g. the parcel is "
                "for a birthday on Friday). 1 = misread, 3 = answered the literal question, 5 = solved the need "
                "behind it.",
                "scale",
                1,
                5,
                12,
                False,
                False,
            ),
        ],
    ),
    (
        "Resolution",
        [
            (
                "correct_resolution",
                "Correct resolution within policy",
                "The answer is factually right and follows the seller's SOP and the marketplace's rules (returns, "
                "replacements, refunds, claims). 1 = wrong or against policy, 5 = right and complete.",
                "scale",
                1,
                5,
                20,
                False,
                False,
            ),
            (
                "first_contact_resolution",
                "Resolved on the first contact",
                "Nothing was left for the customer to chase; no needless back-and-forth. N/A when the case "
                "genuinely needs a later step (carrier investigation, return in transit).",
                "binary",
                0,
                1,
                10,
                True,
                False,
            ),
            (
                "explains_next_steps",
                "Explains what will happen and why",
                "Says what the agent did, what happens next and why, in plain words.",
                "scale",
                1,
                5,
                10,
                False,
                False,
            ),
            (
                "sets_expectations",
                "Sets clear expectations",
                "Gives a realistic date or time frame and tells the customer what they need to do, if anything.",
                "binary",
                0,
                1,
                8,
                False,
                False,
            ),
        ],
    ),
    (
        "Tone",
        [
            (
                "empathy_patience",
                "Empathy and patience",
                "Acknowledges the inconvenience sincerely, does not rush or blame the customer. 1 = cold or "
                "dismissive, 5 = warm and patient throughout.",
                "scale",
                1,
                5,
                10,
                False,
                False,
            ),
            (
                "positive_wording",
                "Positive wording",
                "Says what can be done rather than what cannot; avoids 'unfortunately we can't' without an "
                "alternative.",
                "scale",
                1,
                5,
                6,
                False,
                False,
            ),
            (
                "stays_calm",
                "Stays calm and professional",
                "Keeps a professional tone even when the customer is angry or threatens a claim. N/A when the "
                "customer stayed calm.",
                "binary",
                0,
                1,
                6,
                True,
                False,
            ),
        ],
    ),
    (
        "Closing and timing",
        [
            (
                "confirmed_closing",
                "Closes only with confirmed satisfaction",
                "Asks whether everything is solved and closes only after the customer confirms (or follows up "
                "once when they go quiet).",
                "binary",
                0,
                1,
                5,
                False,
                False,
            ),
            (
                "response_24h",
                "Every customer message answered within 24 hours",
                "Marketplaces expect buyer messages answered within 24 hours, weekends included.",
                "binary",
                0,
                1,
                5,
                False,
                False,
            ),
        ],
    ),
    (
        "Critical",
        [
            (
                "no_personal_data",
                "No personal data disclosed",
                "Never reveals another customer's data or the buyer's full card, address or phone number in the "
                "thread; never asks for card numbers. A breach fails the review.",
                "binary",
                0,
                1,
                0,
                False,
                True,
            ),
            (
                "marketplace_policy",
                "Respects marketplace messaging policy",
                "No external links, e-mail addresses or phone numbers, no incentives, no asking for positive "
                "reviews or feedback removal. A breach fails the review.",
                "binary",
                0,
                1,
                0,
                False,
                True,
            ),
            (
                "refund_authority",
                "No refunds or compensation beyond authority",
                "Refunds, replacements and goodwill stay within the limits the seller's SOP grants the agent. "
                "A breach fails the review.",
                "binary",
                0,
                1,
                0,
                False,
                True,
            ),
        ],
    ),
]


def create(apps, schema_editor):
    Rubric = apps.get_model("qa_scoring", "Rubric")
    RubricVersion = apps.get_model("qa_scoring", "RubricVersion")
    Section = apps.get_model("qa_scoring", "Section")
    Criterion = apps.get_model("qa_scoring", "Criterion")
    rubric, created = Rubric.objects.get_or_create(
        organization=None,
        name=NAME,
        defaults={
            "kind": "production",
            "pass_mark": Decimal("80.00"),
            "description": "Shiftdesk's shared rubric for marketplace customer support. Copy or edit it to make "
            "your own version.",
        },
    )
    if not created:
        return
    version = RubricVersion.objects.create(
        rubric=rubric, number=1, status="published", published_at=timezone.now(), notes="Shipped default"
    )
    for s_pos, (title, criteria) in enumerate(SECTIONS):
        section = Section.objects.create(version=version, title=title, position=s_pos)
        for c_pos, (key, label, guidance, kind, lo, hi, weight, allow_na, critical) in enumerate(criteria):
            Criterion.objects.create(
                version=version,
                section=section,
                key=key,
                label=label,
                guidance=guidance,
                kind=kind,
                scale_min=lo,
                scale_max=hi,
                weight=weight,
                allow_na=allow_na,
                critical=critical,
                position=c_pos,
            )


def remove(apps, schema_editor):
    Rubric = apps.get_model("qa_scoring", "Rubric")
    Review = apps.get_model("qa_scoring", "Review")
    rubric = Rubric.objects.filter(organization=None, name=NAME).first()
    if rubric and not Review.objects.filter(rubric_version__rubric=rubric).exists():
        rubric.delete()


class Migration(migrations.Migration):
    dependencies = [("qa_scoring", "0001_rubrics_conversations_reviews")]

    operations = [migrations.RunPython(create, remove)]
