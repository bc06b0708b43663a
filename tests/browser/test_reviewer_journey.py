"""A QA reviewer's journey in a real browser: the assignment queue, a graded conversation, a dispute, calibration.

Quinn (platform QA, with two-factor sign-in) opens her assignments, grades the sampled conversation with the
AutoQA suggestions pre-filled beside their criteria (she keeps one, overrides another) and submits; the running
score she watched is the stored score, the rubric formula to the digit. She resolves a freelancer's dispute of a
colleague's review, sets up a calibration session by searching for its conversations, grades it blind (her
colleagues' grades stay hidden until she submits) and reads its agreement figures.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import krippendorff
import numpy as np
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from qa_ops import services as qa_ops
from qa_ops.models import CalibrationSession, ReviewAssignment
from qa_scoring import services as qa
from qa_scoring.models import Criterion, Dispute, Review
from tests.accounts.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.conftest import PASSWORD as PERSONA_PASSWORD
from tests.conftest import make_staff
from tests.marketplace.factories import ContractFactory, FreelancerProfileFactory

from .arrange import DEFAULT_RUBRIC, PERFECT, conversation, review_submitted
from .journey import answer_yes, fits_a_phone, log_in, open_menu, rows_of, status_message, text_of, week_start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shipped_data")]

LATE_PARCEL = [
    ("customer", "Alex Kim", "My socks show as delivered but nothing arrived. This is ridiculous.", 0),
    (
        "agent",
        "Maria Santos",
        "Hi Alex, I am so sorry about this. I opened a trace with the carrier for order 113-4; "
        "you will hear from me by tomorrow noon.",
        50,
    ),
    ("customer", "Alex Kim", "Thank you, that helps.", 70),
    ("agent", "Maria Santos", "Glad to help, Alex. Is there anything else I can do for you?", 80),
    ("customer", "Alex Kim", "No, that's all. Thanks!", 90),
]
SHORT = [
    ("customer", "Sam Ortiz", "I ordered M and got S.", 0),
    ("agent", "Maria Santos", "Hello Sam, a replacement in M is on its way today.", 40),
]


# --- arrangement -----------------------------------------------------------------------------------------------


def the_qa_team_and_a_seller():
    lena = make_staff("lena@shiftdesk.test", "qa")  # the QA lead
    quinn = make_staff("quinn@shiftdesk.test", "qa")
    quentin = make_staff("quentin@shiftdesk.test", "qa")
    rita = make_staff("rita@shiftdesk.test", "qa")
    org = OrganizationFactory(name="Baltic Socks", slug="baltic-socks")
    nora = MembershipFactory(user__email="nora@baltic-socks.test", organization=org, role=Role.OWNER).user
    maria = FreelancerProfileFactory(user=UserFactory(email="maria@freelance.test", full_name="Maria Santos"))
    contract = ContractFactory(
        organization=org,
        freelancer=maria,
        title="Amazon buyer-messages agent",
        started_at=timezone.now() - dt.timedelta(days=30),
    )
    return {"lena": lena, "quinn": quinn, "quentin": quentin, "rita": rita, "nora": nora, "org": org}, contract


def last_weeks_conversation_is_sampled_for_quinn(team, contract):
    """Baltic Socks samples one conversation a week per freelancer (the longest); AutoQA pre-checked it."""
    last_monday = week_start() - dt.timedelta(days=7)
    start = dt.datetime.combine(last_monday + dt.timedelta(days=1), dt.time(13, 0), tzinfo=dt.UTC)
    parcel = conversation(
        contract=contract, external_id="7001", subject="Parcel marked delivered", started_at=start, rows=LATE_PARCEL
    )
    conversation(contract=contract, external_id="7002", subject="Wrong size", started_at=start, rows=SHORT)
    assert qa_ops.autoqa_for_conversations(ids=[parcel.pk]) == 7  # what the import's follow-up task does
    qa_ops.reviewer_goal_set(actor=team["lena"], reviewer=team["quinn"], weekly_goal=20)
    rule = qa_ops.sampling_rule_create(
        actor=team["nora"], organization=team["org"], name="Weekly sample", count=1, strategy="longest"
    )
    assert qa_ops.sampling_run(rule=rule, period_start=last_monday).created == 1
    return parcel


def a_disputed_review(team, contract):
    """Quentin marked a greeting as missing; Maria disputes it: she did greet Sam by name."""
    start = timezone.now() - dt.timedelta(days=16)
    damaged = conversation(contract=contract, external_id="6001", subject="Damaged mug", started_at=start, rows=SHORT)
    review = review_submitted(reviewer=team["quentin"], conversation=damaged, greeting=0)
    assert review.score == Decimal("92.00")
    qa.dispute_open(
        actor=contract.freelancer.user, review=review, items={"greeting": "My first reply says “Hello Sam”."}
    )
    return review


# Quentin and Rita have graded the two calibration conversations; only these grades differ from a perfect card.
CALIBRATION = {
    "quentin": {"7101": {"real_need": 5}, "7102": {"real_need": 3}},
    "rita": {"7101": {"real_need": 5}, "7102": {"real_need": 3, "empathy_patience": 4}},
    "quinn": {"7101": {"real_need": 4}, "7102": {"real_need": 3}},  # what Quinn grades in the browser
}


def the_calibration_conversations(contract):
    start = timezone.now() - dt.timedelta(days=20)
    return [
        conversation(contract=contract, external_id=key, subject=subject, started_at=start, rows=SHORT)
        for key, subject in [("7101", "Refund outside policy"), ("7102", "Angry about the colour")]
    ]


def the_colleagues_grade(team, units) -> CalibrationSession:
    """Quentin and Rita grade the session Quinn set up, and submit."""
    session = CalibrationSession.objects.get(title="November calibration")
    for who in ("quentin", "rita"):
        grades = {u.pk: PERFECT | CALIBRATION[who][u.external_id] for u in units}
        qa_ops.calibration_grades_save(actor=team[who], session=session, grades=grades, submit=True)
    return session


# --- Quinn's steps ---------------------------------------------------------------------------------------------


def open_the_assignment(page, parcel) -> None:
    open_menu(page, "QA assignments")
    assert text_of(page.get_by_role("heading", level=1)) == "My assignments"
    (row,) = rows_of(page.get_by_role("table"))
    assert row[:3] == ["Parcel marked delivered", "Baltic Socks", "Maria Santos"]
    page.get_by_role("link", name="Parcel marked delivered").click()
    assert text_of(page.get_by_role("heading", level=1)) == "Parcel marked delivered"
    page.get_by_role("button", name="Review this conversation").click()
    page.wait_for_url("**/qa/reviews/*/")


# The default rubric: weights 8 + 12 + 20 + 10 + 10 + 8 + 10 + 6 + 6 + 5 + 5 = 100. Quinn keeps AutoQA's
# "positive wording 4/5" (0.75 × 6: −1.50), gives "correct resolution" 4/5 (0.75 × 20: −5.00) and overrides
# AutoQA's "empathy 4/5" with 5/5: 100 − 1.50 − 5.00 = 93.50.
QUINN_GRADES = {
    "Understands the real need": "5",
    "Correct resolution within policy": "4",
    "Resolved on the first contact": "Yes",
    "Explains what will happen and why": "5",
    "Sets clear expectations": "Yes",
    "Stays calm and professional": "Yes",
    "No refunds or compensation beyond authority": "Yes",
}


def grade_with_autoqa(page) -> Review:
    scorecard = page.locator("#scorecard")

    def criterion(key: str):
        return scorecard.locator(f'.criterion[data-key="{key}"]')

    # Each suggestion sits beside the criterion it supports, in the rubric's language, with its evidence.
    greets = criterion("greeting").locator(".autoqa-evidence")
    expect(greets).to_contain_text("AutoQA suggests Yes (Greeting by name check, ")
    expect(greets).to_contain_text("Maria Santos (agent)")
    expect(criterion("empathy_patience").locator(".autoqa-evidence")).to_contain_text("suggests 4 / 5")
    expect(page.get_by_role("region", name="AutoQA suggestions")).to_have_count(0)  # no separate list
    # Suggestions pre-fill the empty criteria and are marked, so the reviewer sees what she accepts.
    greeting = scorecard.get_by_role("group", name=re.compile("^Greets the customer by name"))
    expect(greeting.get_by_label("Yes")).to_be_checked()
    expect(greeting.locator("legend mark")).to_have_text("AutoQA")
    empathy = scorecard.get_by_role("group", name=re.compile("^Empathy and patience"))
    expect(empathy.get_by_label("4", exact=True)).to_be_checked()
    expect(scorecard.locator(".autoqa-prefilled")).to_have_count(7)
    # Compact: every comment box is closed until asked for; the transcript stays in view beside the card.
    expect(scorecard.locator("details.criterion-comment[open]")).to_have_count(0)
    assert page.locator(".transcript-column").evaluate("e => getComputedStyle(e).position") == "sticky"
    running = scorecard.locator("#running-score")
    expect(running).not_to_have_text("—")  # the pre-filled values already count

    # Override, by keyboard: from AutoQA's 4 the arrow key moves to 5 (the apology and the follow-up earn it).
    empathy.get_by_label("4", exact=True).focus()
    page.keyboard.press("ArrowRight")
    expect(empathy.get_by_label("5", exact=True)).to_be_checked()
    for label, value in QUINN_GRADES.items():
        scorecard.get_by_role("group", name=re.compile("^" + re.escape(label))).get_by_label(value, exact=True).check()
    # The running score follows each grade, before anything is saved.
    expect(running).to_have_text("93.50")
    criterion("correct_resolution").get_by_text("Comment", exact=True).click()
    criterion("correct_resolution").get_by_role("textbox").fill("A refund was the better option here.")
    scorecard.get_by_label("Overall comment").fill("Good ownership; the resolution missed the refund option.")
    scorecard.get_by_role("button", name="Save draft").click()
    expect(scorecard.get_by_text("Provisional score:")).to_contain_text("93.50 · draft saved")
    expect(running).to_have_text("93.50")
    shown = text_of(running)

    asked = answer_yes(page)
    scorecard.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Review submitted. The freelancer and the seller are notified."
    )
    assert asked == ["Submit? The review is locked afterwards."]
    assert text_of(page.locator("#scorecard .score-big")) == shown == "93.50"  # the running score was the score
    assert text_of(page.locator("#scorecard .score-big + p")) == "Passed"
    review = Review.objects.get(reviewer__email="quinn@shiftdesk.test", kind="production")
    assert (review.status, review.score, review.critical_fail) == ("submitted", Decimal("93.50"), False)
    values = dict(review.scores.values_list("criterion__key", "value"))
    assert (values["greeting"], values["empathy_patience"], values["positive_wording"]) == (1, 5, 4)
    assert review.scores.get(criterion__key="correct_resolution").comment == "A refund was the better option here."
    return review


def the_queue_is_done(page) -> None:
    open_menu(page, "QA assignments")
    assert "Nothing is assigned to you." in text_of(page.locator("main"))
    assert ReviewAssignment.objects.get().reviewer.email == "quinn@shiftdesk.test"


def resolve_the_dispute(page, review) -> None:
    page.get_by_role("link", name="Shiftdesk").click()
    page.get_by_role("link", name="open disputes").click()
    page.get_by_role("link", name=re.compile("Damaged mug")).click()
    assert rows_of(page.get_by_role("table")) == [
        ["Greets the customer by name and shows they know the order", "No", "My first reply says “Hello Sam”.", "—"]
    ]
    page.get_by_label("Accept", exact=True).check()
    page.get_by_label("New value for “Greets the customer by name and shows they know the order”").select_option(
        label="Yes"
    )
    page.get_by_label("Decision and reasons").fill("The first reply greets Sam by name.")
    page.get_by_role("button", name="Record the decision").click()
    assert status_message(page) == "Dispute resolved; the review score is recomputed."
    assert text_of(page.locator("#scorecard .score-big")) == "100.00"
    assert "92.00 → 100.00" in text_of(page.locator("main"))
    review.refresh_from_db()
    dispute = Dispute.objects.get()
    assert (review.score, dispute.status, dispute.resolver.email) == (
        Decimal("100.00"),
        "accepted",
        "quinn@shiftdesk.test",
    )
    assert fits_a_phone(page)


def set_up_the_calibration(page, team, units) -> None:
    """Quinn picks the two conversations from the searchable list and invites two colleagues."""
    open_menu(page, "QA assignments")
    page.get_by_role("navigation", name="QA operations").get_by_role("link", name="Calibration").click()
    page.get_by_role("button", name="New session").click()
    page.get_by_label("Title").fill("November calibration")
    page.get_by_label("Rubric version").select_option(label=f"{DEFAULT_RUBRIC} v1 (published)")
    picker = page.get_by_role("region", name="Conversation picker")
    picker.get_by_label("Search conversations").fill("refund")
    picker.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    found = picker.get_by_role("checkbox")
    expect(found).to_have_count(1)
    picker.get_by_label("Refund outside policy · Maria Santos · #7101").check()
    # A second search keeps the first pick ticked, above the new results.
    picker.get_by_label("Search conversations").fill("colour")
    picker.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    expect(picker.get_by_label("Refund outside policy · Maria Santos · #7101")).to_be_checked()
    picker.get_by_label("Angry about the colour · Maria Santos · #7102").check()
    page.get_by_label("Participants").select_option(value=[str(team[who].pk) for who in ("quinn", "quentin", "rita")])
    deadline = (timezone.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Deadline (UTC)").fill(deadline)
    page.get_by_role("button", name="Create and notify").click()
    assert status_message(page) == "Calibration session created; participants are being notified."
    session = CalibrationSession.objects.get()
    assert sorted(session.conversations.values_list("external_id", flat=True)) == ["7101", "7102"]
    assert session.lead == team["quinn"]


def grade_the_calibration_blind(page, units) -> None:
    page.reload()
    main = page.locator("main")
    assert "Others' grades stay hidden until you submit yours." in text_of(main)
    # Blind: her colleagues' grades and the results are not on the page before she submits.
    assert page.get_by_role("heading", name="Results").count() == 0
    assert "quentin@shiftdesk.test — submitted" in text_of(main) and "rita@shiftdesk.test — submitted" in text_of(main)
    criteria = Criterion.objects.filter(version__rubric__name=DEFAULT_RUBRIC, version__number=1)
    labels = dict(criteria.values_list("key", "label"))
    yes_no = set(criteria.filter(kind="binary").values_list("key", flat=True))
    for unit in units:
        group = page.get_by_role("group", name=str(unit))
        # The transcript is beside the grades; yes/no criteria are Yes/No, scale criteria their numbers.
        expect(group.get_by_role("region", name="Transcript")).to_contain_text("I ordered M and got S.")
        expect(group.get_by_role("group")).to_have_count(len(PERFECT))
        greeting = group.get_by_role("group", name=labels["greeting"])
        expect(greeting.get_by_role("radio")).to_have_count(2)
        expect(greeting.get_by_label("Yes", exact=True)).to_be_visible()
        expect(group.get_by_role("group", name=labels["real_need"]).get_by_role("radio")).to_have_count(5)
        for key, value in (PERFECT | CALIBRATION["quinn"][unit.external_id]).items():
            shown = ("Yes" if value else "No") if key in yes_no else str(value)
            group.get_by_role("group", name=labels[key], exact=True).get_by_label(shown, exact=True).check()
    asked = answer_yes(page)
    page.get_by_role("button", name="Submit").click()
    assert status_message(page) == "Grades submitted."
    assert asked == ["Submit your grades? They are final: you cannot change them afterwards."]


def read_the_agreement(page, units) -> None:
    results = page.get_by_role("heading", name="Results").locator("xpath=following-sibling::table[1]")
    by_criterion = {row[0]: row for row in rows_of(results)}
    # Real need: pairs agreeing on 7101 (5, 5, 4): 1 of 3; on 7102 (3, 3, 3): 3 of 3 → 4 / 6.
    real_need = by_criterion["Understands the real need"]
    assert real_need[1:3] == ["ordinal", "66.7"]
    ratings = np.array(
        [
            [(PERFECT | CALIBRATION[who][u.external_id])["real_need"] for u in units]
            for who in ("quinn", "quentin", "rita")
        ],
        dtype=float,
    )
    expected = krippendorff.alpha(reliability_data=ratings, level_of_measurement="ordinal")
    assert real_need[3] == f"{expected:.3f}"  # checked against the reference implementation
    assert by_criterion["Greets the customer by name and shows they know the order"][1:3] == ["nominal", "100.0"]
    assert by_criterion["Empathy and patience"][2] == "66.7"  # Rita's 4 on 7102: 1 of 3 pairs agree there

    summary = text_of(page.locator("main p").filter(has_text="submitted rater(s)"))
    assert summary.startswith("3 submitted rater(s) over 2 conversation(s).")
    # Overall: every (conversation, criterion) is a unit, graded as its criterion score 0–1, at the ordinal level.
    criteria = list(Criterion.objects.filter(version__rubric__name=DEFAULT_RUBRIC, version__number=1))
    scores = np.array(
        [
            [
                ((PERFECT | CALIBRATION[who][u.external_id])[c.key] - c.scale_min) / (c.scale_max - c.scale_min)
                for u in units
                for c in criteria
            ]
            for who in ("quinn", "quentin", "rita")
        ]
    )
    overall = krippendorff.alpha(reliability_data=scores, level_of_measurement="ordinal")
    shown = re.search(r"criterion scores\): (\S+)\.", summary).group(1)
    assert float(shown) == round(overall, 3)
    deviations = {
        row[0]: row
        for row in rows_of(
            page.get_by_role("heading", name="Deviation from the baseline").locator("xpath=following-sibling::table[1]")
        )
    }
    # Against the median: Quinn's 4 where the median is 5 is 25 points harsher, once in 28 grades.
    assert deviations["quinn@shiftdesk.test"][1:] == ["28", "0.9", "-0.9"]
    assert deviations["quentin@shiftdesk.test"][1:] == ["28", "0.0", "0.0"]


def test_reviewer_journey(page):
    team, contract = the_qa_team_and_a_seller()
    parcel = last_weeks_conversation_is_sampled_for_quinn(team, contract)
    disputed = a_disputed_review(team, contract)
    units = the_calibration_conversations(contract)

    log_in(page, team["quinn"], password=PERSONA_PASSWORD, staff=True)
    open_the_assignment(page, parcel)
    grade_with_autoqa(page)
    the_queue_is_done(page)
    resolve_the_dispute(page, disputed)
    set_up_the_calibration(page, team, units)
    the_colleagues_grade(team, units)
    grade_the_calibration_blind(page, units)
    read_the_agreement(page, units)

    assert page.console_errors == []
