"""A freelancer's journey in a real browser, from signing up to seeing the week's earnings and QA bonus.

Maria signs up, completes her profile with the HTMX editors, applies and goes through vetting while Vera
(vetting staff, in her own browser) screens her, grades her written assessment, interviews her, records the
checks and approves her. Maria accepts Baltic Socks' offer, clocks a shift in and out, submits her week, reads
a review with the points she lost and the SOP section behind them, disputes it, and finds her earnings and the
QA bonus with its reason.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.template.defaultfilters import floatformat
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from billing import cycle
from billing import services as billing
from marketplace import services as marketplace
from marketplace.models import CEFR, Contract, FreelancerProfile, Offer
from qa_scoring.models import Dispute, Review
from tests.accounts.factories import MembershipFactory, OrganizationFactory
from tests.conftest import PASSWORD as PERSONA_PASSWORD
from tests.conftest import make_staff
from tests.qa_scoring.factories import ConversationFactory
from tests.vetting.factories import ScenarioFactory
from timesheets import services as time
from timesheets.models import TimeEntry, Timesheet
from vetting import services as vetting
from vetting.models import Application, InterviewSlot

from .arrange import review_submitted, starter_playbook
from .journey import (
    answer_yes,
    confirm_email,
    fits_a_phone,
    log_in,
    open_menu,
    rows_of,
    sign_up,
    status_message,
    text_of,
    week_start,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shipped_data")]

MARIA = "maria@freelance.test"
CENT = Decimal("0.01")


# --- arrangement -----------------------------------------------------------------------------------------------


def a_seller_and_the_platform_staff():
    org = OrganizationFactory(name="Baltic Socks", slug="baltic-socks")
    nora = MembershipFactory(
        user__email="nora@baltic-socks.test", user__full_name="Nora", organization=org, role=Role.OWNER
    )
    vera = make_staff("vera@shiftdesk.test", "vetting")
    quinn = make_staff("quinn@shiftdesk.test", "qa")
    ScenarioFactory(title="Parcel shows delivered", category="late_delivered")
    ScenarioFactory(title="Threatens an A-to-z claim", category="atoz")
    ScenarioFactory(title="Furious about a broken mug", category="angry")
    tomorrow = (timezone.now() + dt.timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0)
    vetting.interview_slot_publish(actor=vera, starts_at=tomorrow)
    return org, nora.user, vera, quinn


# --- Maria's steps ---------------------------------------------------------------------------------------------


def sign_up_and_verify(page) -> FreelancerProfile:
    sign_up(page, email=MARIA, name="Maria Santos", joining_as="freelancer", timezone_name="Asia/Manila")
    confirm_email(page, MARIA)
    assert text_of(page.get_by_role("heading", level=1)) == "Hello, Maria Santos"
    assert text_of(page.locator("#fl-h + p")) == "Vetting status: Not applied"
    return FreelancerProfile.objects.get(user__email=MARIA)


def complete_the_profile(page, profile) -> None:
    open_menu(page, "Profile")
    page.get_by_label("Headline").fill("Amazon buyer messages and A-to-z claims, 5 years")
    page.get_by_label("Bio").fill("I answered Amazon and Shopify buyers for two stores; calm with angry buyers.")
    page.get_by_label("Country").fill("PH")
    page.get_by_label("Hourly rate").fill("10")
    page.get_by_label("Hours per week available").fill("40")
    page.get_by_role("group", name="Channels").get_by_label("Amazon").check()
    page.get_by_role("group", name="Tools").get_by_label("Seller Central").check()
    page.get_by_role("button", name="Save profile").click()
    assert status_message(page) == "Profile saved."

    skills = page.locator("#skills")
    skills.get_by_label("Skill").select_option(label="Customer e-mail support")
    skills.get_by_label("Level").select_option(label="Expert")
    skills.get_by_role("button", name="Add or update skill").click()
    expect(skills.get_by_role("listitem")).to_have_text(["Customer e-mail support — Expert Remove"])
    skills.get_by_label("Skill").select_option(label="A-to-z claims")
    skills.get_by_role("button", name="Add or update skill").click()
    expect(skills.get_by_role("listitem")).to_have_count(2)

    # By keyboard: the section is swapped in place and the focus comes back to the button just pressed.
    languages = page.locator("#languages")
    languages.get_by_label("Language").select_option(label="English")
    languages.get_by_label("Level (CEFR)").select_option(label="C2 / native")
    languages.get_by_label("Level (CEFR)").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(languages.get_by_role("listitem")).to_have_text(["English — C2 / native Remove"])
    expect(languages.get_by_role("button", name="Add or update language")).to_be_focused()

    # An empty window is refused inline, in place, without losing the page.
    windows = page.locator("#windows")
    windows.get_by_label("Weekday").select_option(label="Monday")
    windows.get_by_label("Start").fill("21:00")
    windows.get_by_label("End").fill("21:00")
    windows.get_by_role("button", name="Add window").click()
    end = windows.get_by_label("End")
    expect(end).to_have_attribute("aria-invalid", "true")
    assert text_of(page.locator("#" + end.get_attribute("aria-describedby").split()[-1])) == (
        "The window needs a length: end differs from start."
    )
    windows.get_by_label("End").fill("05:00")  # past midnight: ends on Tuesday morning
    windows.get_by_role("button", name="Add window").click()
    expect(windows.get_by_role("listitem")).to_have_text(["Monday 21:00–05:00 (ends the next day) Remove"])

    profile.refresh_from_db()
    assert (profile.country, profile.hourly_rate, profile.hours_per_week) == ("PH", Decimal("10.00"), 40)
    assert sorted(profile.skills.values_list("skill__name", "level")) == [
        ("A-to-z claims", 2),
        ("Customer e-mail support", 3),
    ]
    assert list(profile.languages.values_list("language__code", "level")) == [("en", CEFR.C2)]
    assert [(w.weekday, f"{w.start:%H:%M}", f"{w.end:%H:%M}") for w in profile.windows.all()] == [(0, "21:00", "05:00")]
    assert fits_a_phone(page)


def apply_for_vetting(page) -> Application:
    open_menu(page, "Vetting")
    assert text_of(page.locator("#where + p")) == "You have not applied yet."
    page.get_by_role("button", name="Submit my application").click()
    assert status_message(page) == "Application submitted. The profile screen has started."
    assert text_of(page.locator("#where + p")) == "Step 1 of 5: Profile screen."
    return Application.objects.get()


def vera_opens_the_application(open_page, vera):
    desk = open_page()
    log_in(desk, vera, password=PERSONA_PASSWORD, staff=True)
    open_menu(desk, "Vetting pipeline")
    desk.get_by_role("link", name="Maria Santos").click()
    assert text_of(desk.get_by_role("heading", level=1)).startswith("Maria Santos")
    return desk


def vera_screens_the_profile(desk) -> None:
    checks = text_of(desk.get_by_role("table").first)
    assert "✓ All required fields are filled in." in checks
    assert "✓ Speaks English C2." in checks
    screen = desk.locator("article").filter(has_text="Profile screen: your judgement")
    screen.get_by_label("Score (0–100)").fill("90")
    screen.get_by_label("Notes").fill("Complete profile, strong Amazon background.")
    screen.get_by_role("button", name="Record the profile screen").click()
    assert status_message(desk) == "Profile screen recorded."


def take_the_written_assessment(page) -> None:
    page.reload()
    assert text_of(page.locator("#where + p")) == "Step 2 of 5: Written assessment."
    page.get_by_role("button", name="Start the written assessment now").click()
    answers = page.get_by_role("textbox")
    expect(answers).to_have_count(3)
    for i in range(3):
        answers.nth(i).fill(
            f"Hi, I am sorry for the trouble with your order (case {i + 1}). I have checked the tracking and opened "
            "a carrier investigation; you will hear from me within 24 hours with a refund or a replacement."
        )
    page.get_by_role("button", name="Submit my answers").click()
    assert status_message(page) == "Answers submitted. A vetting reviewer will grade them."


# Vetting rubric: understands 5/5 (25) + resolution 4/5 (0.75 × 30) + empathy 5/5 (15) + clarity 4/5 (0.75 × 20)
# + marketplace rules yes (10) = 87.50.
ASSESSMENT = {
    "Understands the real problem": "5",
    "Offers a correct, policy-safe resolution": "4",
    "Empathy and ownership": "5",
    "Clear, correct English": "4",
    "Keeps marketplace rules": "Yes",
}


def vera_grades_the_assessment(desk) -> None:
    desk.reload()
    grade = desk.locator("article").filter(has_text="Grade with the Vetting rubric")
    for label, value in ASSESSMENT.items():
        grade.get_by_label(label).select_option(label=value)
    grade.get_by_role("button", name="Submit the grade").click()
    assert status_message(desk) == "Assessment graded."
    results = rows_of(desk.get_by_role("table").first)
    assert [row[:4] for row in results[:2]] == [
        ["Profile screen", "Passed", "90.00", "60.00"],
        ["Written assessment", "Passed", "87.50", "80.00"],
    ]


def book_the_interview(page) -> None:
    page.reload()
    assert text_of(page.locator("#where + p")) == "Step 3 of 5: Interview."
    page.get_by_role("button", name="Book your interview").click()
    starts = InterviewSlot.objects.get().starts_at
    local = f"{starts.astimezone(ZoneInfo('Asia/Manila')):%a %-d %b %Y, %H:%M}"  # shown in her own time zone
    assert rows_of(page.get_by_role("table"))[0][:3] == [local, f"{starts:%a %-d %b %Y, %H:%M}", "30 min"]
    page.get_by_role("button", name=f"Book {local}").click()
    assert status_message(page) == "Interview booked."


def vera_interviews_and_checks(desk) -> None:
    desk.reload()
    card = desk.locator("article").filter(has_text="Interview scorecard")
    for label, value in [("Communication", 5), ("English", 4), ("Reliability", 5), ("Customer mindset", 4)]:
        card.get_by_label(f"{label} (1–5)").select_option(str(value))
    card.get_by_label("English notes").fill("Clear, a little formal.")
    card.get_by_role("button", name="Record the scorecard").click()
    assert status_message(desk) == "Interview scorecard recorded."

    checks = desk.locator("article").filter(has=desk.get_by_role("heading", name="Record checks"))
    checks.get_by_label("I confirmed the candidate's identity (on a video call with an ID document)").check()
    checks.get_by_label("Tax form on file").select_option(label="W-8BEN (non-US person)")
    checks.get_by_label("Payout method set").check()
    checks.get_by_role("button", name="Save checks").click()
    assert status_message(desk) == "Checks updated."
    for name, contact in [("Ana Cruz", "ana@store.test"), ("Ben Lim", "ben@store.test")]:
        reference = desk.locator("article").filter(has=desk.get_by_role("heading", name="Add a reference"))
        reference.get_by_label("Name").fill(name)
        reference.get_by_label("Relationship").fill("Former team lead")
        reference.get_by_label("Contact").fill(contact)
        reference.get_by_role("button", name="Add reference").click()
        assert status_message(desk) == "Reference recorded."
    desk.get_by_role("button", name="Pass the checks").click()
    assert status_message(desk) == "Checks passed."


def vera_approves(desk) -> None:
    approve = desk.locator("article").filter(has=desk.get_by_role("heading", name="Approve"))
    approve.get_by_role("button", name="Approve").click()
    assert status_message(desk) == "Approved. The candidate is told by e-mail."
    # 10 × 90 (screen) + 50 × 87.50 (assessment) + 30 × 87.50 (interview) + 10 × 100 (checks), over 100.
    assert "vetting score 89.00" in text_of(desk.locator("main > p").first)
    assert desk.console_errors == []


def see_the_approval(page) -> None:
    page.get_by_role("link", name="Shiftdesk").click()
    assert text_of(page.locator("#fl-h + p")) == "Vetting status: Approved · score 89.00"
    (decision,) = [m for m in mail.outbox if MARIA in m.to and "approved" in m.subject.lower()]
    assert "89.00" in decision.body


def accept_the_offer(page, nora, org, profile) -> Contract:
    """Nora finds Maria, now approved, among her candidates and sends an offer; Maria accepts it."""
    profile.refresh_from_db()
    job = marketplace.job_post_create(
        actor=nora,
        organization=org,
        spec=marketplace.JobSpec(
            role="Amazon buyer-messages agent",
            description="Answer buyer messages within 24 hours.",
            timezone_name="America/New_York",
            hours_per_week=20,
            rate_min=Decimal("8.00"),
            rate_max=Decimal("12.00"),
            currency="USD",
            start_date=week_start(),
            windows=[(d, dt.time(9), dt.time(17)) for d in range(5)],
        ),
    )
    marketplace.offer_create(
        actor=nora,
        organization=org,
        freelancer=profile,
        job=job,
        title="Amazon buyer-messages agent",
        pay_rate=Decimal("10.00"),
        weekly_hour_cap=20,
        start_date=week_start(),
        message="We loved your assessment.",
    )
    page.get_by_role("link", name="Pending offers").click()
    page.get_by_role("link", name="Amazon buyer-messages agent").click()
    assert "We loved your assessment." in text_of(page.locator("main"))
    # The seller's New York hours, read in her own zone (Manila) for this week, daylight saving included.
    monday = week_start()
    nyc, manila = ZoneInfo("America/New_York"), ZoneInfo("Asia/Manila")
    starts = dt.datetime.combine(monday, dt.time(9), tzinfo=nyc).astimezone(manila)
    ends = dt.datetime.combine(monday, dt.time(17), tzinfo=nyc).astimezone(manila)
    assert text_of(page.locator("#coverage-h")) == "Coverage hours in your time zone (Asia/Manila)"
    assert [text_of(li) for li in page.locator("#coverage-in-zone li").all()] == [
        f"Mon–Fri {starts:%H:%M}–{ends:%H:%M} (ends the next day)"  # 22:00–06:00 in winter
    ]
    assert text_of(page.locator("#offer-weekly-hours")) == "Up to 20 h a week (the job asks for 20 h)"
    assert text_of(page.locator("#offer-job-description")) == "Answer buyer messages within 24 hours."
    page.get_by_role("button", name="Accept").click()
    assert status_message(page) == "Offer accepted. Your contract is active."
    contract = Contract.objects.get()
    assert (contract.freelancer, contract.pay_rate, contract.status) == (profile, Decimal("10.00"), "active")
    assert Offer.objects.get().status == "accepted"
    return contract


def clock_a_shift(page, contract) -> int:
    """Clock in, work, clock out: the minutes worked are recorded and shown at once.

    The work happens by moving the running entry's start (and the contract's acceptance) back by two and a half
    hours, or to the start of the week when it began less than that ago.
    """
    open_menu(page, "Time")
    clock = page.locator("#clock")
    expect(page.locator("#week-summary")).to_contain_text("No time yet this week.")
    clock.get_by_role("button", name="Clock in").click()
    expect(clock).to_contain_text("Clocked in on Amazon buyer-messages agent (Baltic Socks) since")
    entry = TimeEntry.objects.get(ended_at__isnull=True)
    monday = dt.datetime.combine(week_start(), dt.time.min, tzinfo=dt.UTC)
    start = max(entry.started_at - dt.timedelta(minutes=150), monday)
    Contract.objects.filter(pk=contract.pk).update(started_at=start)
    TimeEntry.objects.filter(pk=entry.pk).update(started_at=start)
    page.reload()
    moved = int((entry.started_at - start).total_seconds()) // 60
    shown = "|".join(f"{m // 60}:{m % 60:02d}" for m in (moved, moved + 1))  # the running timer, h:mm:ss
    expect(clock.locator(".timer")).to_have_text(re.compile(rf"^({shown}):\d\d$"))

    clock.get_by_role("button", name="Clock out").click()
    expect(clock.get_by_role("status")).to_contain_text("Clocked out:")
    entry.refresh_from_db()
    worked = entry.minutes  # whole minutes from the start to the click
    assert worked in (moved, moved + 1)
    expect(clock.get_by_role("status")).to_have_text(f"Clocked out: {format_minutes(worked)} recorded.")
    expect(page.locator("#week-summary tbody tr")).to_have_text(
        [f"Amazon buyer-messages agent {format_minutes(worked)} Open"], use_inner_text=True
    )
    return worked


def submit_the_week(page, worked: int) -> Timesheet:
    page.get_by_role("link", name="Week view").click()
    totals = page.locator("#totals-h + table")
    assert rows_of(totals)[0][:3] == ["Amazon buyer-messages agent · Baltic Socks", format_minutes(worked), "Open"]
    asked = answer_yes(page)
    totals.get_by_role("button", name="Submit the week of Amazon buyer-messages agent").click()
    assert status_message(page) == "Timesheet submitted."
    assert asked == [
        f"Submit {format_minutes(worked)} on Amazon buyer-messages agent? The week's entries are locked afterwards."
    ]
    summary = text_of(page.locator("main > p").first)
    assert f"status Submitted · worked {format_minutes(worked)} · submitted {format_minutes(worked)}" in summary
    timesheet = Timesheet.objects.get()
    assert (timesheet.status, timesheet.submitted_minutes) == ("submitted", worked)
    return timesheet


def reviews_come_in(quinn, org, contract) -> None:
    """Quinn grades two of Maria's conversations: no greeting by name costs 8 points; the other is perfect."""
    profile = contract.freelancer
    late = ConversationFactory(organization=org, freelancer=profile, contract=contract, subject="Late parcel")
    size = ConversationFactory(organization=org, freelancer=profile, contract=contract, subject="Wrong size")
    review_submitted(reviewer=quinn, conversation=late, greeting=0, comment="Use the buyer's name.")
    review_submitted(reviewer=quinn, conversation=size)


def read_the_review_and_its_sop(page) -> None:
    open_menu(page, "My QA reviews")
    assert text_of(page.locator("main > p").first) == "IQS, last 90 days: 96.00 over 2 reviews."
    card = page.locator("article").filter(has_text="Late parcel")
    assert "92.00" in text_of(card.locator("header"))
    assert rows_of(card.get_by_role("table")) == [
        ["Greets the customer by name and shows they know the order · read the SOP", "−8.00", "—"]
    ]
    card.get_by_role("link", name="read the SOP").click()
    page.wait_for_url("**/know-the-customer/#greet-by-name")
    assert text_of(page.get_by_role("heading", level=1)) == "Know the customer and the order before replying"
    assert page.locator("#greet-by-name").is_visible()
    page.go_back()


def dispute_the_review(page) -> Dispute:
    page.locator("article").filter(has_text="Late parcel").get_by_role("link", name="Late parcel").click()
    page.get_by_role("button", name="Dispute this review").click()
    criterion = "Greets the customer by name and shows they know the order"
    page.get_by_label(criterion, exact=True).check()
    page.get_by_label(f"Why is the grade on “{criterion}” wrong?").fill("I greeted Alex by name in my first reply.")
    page.get_by_role("button", name="Send the dispute").click()
    assert status_message(page) == "Dispute sent. A reviewer other than the original one will decide."
    assert rows_of(page.get_by_role("table")) == [[criterion, "No", "I greeted Alex by name in my first reply.", "—"]]
    dispute = Dispute.objects.get()
    assert (dispute.status, list(dispute.items.values_list("criterion__key", flat=True))) == ("open", ["greeting"])
    return dispute


def the_week_is_billed_and_the_bonus_decided(nora, contract, timesheet) -> None:
    """Nora approves the week, the billing cycle invoices it; the bonus is decided once the dispute window closes."""
    time.timesheet_approve(actor=nora, timesheet=timesheet)
    cycle.generate(week_start=timesheet.week_start)
    window_closed = timesheet.week_start + dt.timedelta(days=14)
    (bonus,) = billing.bonuses_evaluate(period_start=timesheet.week_start, today=window_closed)
    assert bonus.status == "earned"


def see_earnings_and_bonus(page, worked: int) -> None:
    open_menu(page, "Earnings")
    pay = (Decimal(worked) * Decimal("10.00") / 60).quantize(CENT, rounding=ROUND_HALF_UP)
    hours = format((Decimal(worked) / 60).quantize(Decimal("0.0001")).normalize(), "f")
    week = f"{week_start().day} {week_start():%b %Y}"
    fee = (Decimal(worked) * Decimal("12.00") / 60).quantize(CENT, rounding=ROUND_HALF_UP) - pay  # bill rate 12.00
    assert rows_of(page.locator("#work-heading + table")) == [
        [
            week,
            "Baltic Socks",
            "Hours: Amazon buyer-messages agent",
            f"{hours} h × 10.00 = {pay} USD",
            f"{fee} (20 %)",
            f"{pay + fee} USD",
            "Open",
        ]
    ]
    bonus = (pay * 5 / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    reviews = ", ".join(
        f"review of {r.submitted_at.day} {r.submitted_at:%b}, score {floatformat(r.score, '-2')}"
        for r in Review.objects.filter(kind="production").order_by("submitted_at", "pk")
    )
    assert text_of(page.locator("#bonus-heading + ul li")) == (
        f"QA bonus, week of {week} — 5 % of {pay} = {bonus} USD (Baltic Socks). "
        f"IQS 96.00 ≥ 90 over 2 reviews → 5 % of {pay} USD. Reviews: {reviews}"
    )


def format_minutes(minutes: int) -> str:
    from timesheets.hours import format_minutes as fmt

    return fmt(minutes)


def test_freelancer_journey(page, open_page):
    org, nora, vera, quinn = a_seller_and_the_platform_staff()
    starter_playbook()

    profile = sign_up_and_verify(page)
    complete_the_profile(page, profile)
    application = apply_for_vetting(page)
    desk = vera_opens_the_application(open_page, vera)
    vera_screens_the_profile(desk)
    take_the_written_assessment(page)
    vera_grades_the_assessment(desk)
    book_the_interview(page)
    vera_interviews_and_checks(desk)
    vera_approves(desk)
    see_the_approval(page)
    application.refresh_from_db()
    assert (application.status, application.vetting_score) == ("approved", Decimal("89.00"))

    contract = accept_the_offer(page, nora, org, profile)
    billing.bonus_rule_set(actor=nora, contract=contract, tiers=[{"min_iqs": "90", "percent": "5"}], min_reviews=2)
    worked = clock_a_shift(page, contract)
    timesheet = submit_the_week(page, worked)

    reviews_come_in(quinn, org, contract)
    read_the_review_and_its_sop(page)
    dispute_the_review(page)
    the_week_is_billed_and_the_bonus_decided(nora, contract, timesheet)
    see_earnings_and_bonus(page, worked)

    assert page.console_errors == []
