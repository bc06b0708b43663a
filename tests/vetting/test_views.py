"""Screens: who sees what, inline errors, the board's filters and constant query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.markup import duplicate_ids
from tests.vetting.conftest import GOOD_GRADES, make_candidate, to_stage
from tests.vetting.factories import InterviewSlotFactory, ScenarioFactory
from vetting import services
from vetting.models import Application, ApplicationStatus, Scenario, Stage, StageResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(candidate, candidate_profile):
    return services.application_submit(actor=candidate, profile=candidate_profile)


STAFF_URLS = [
    "/vetting/staff/",
    "/vetting/staff/funnel/",
    "/vetting/staff/funnel.csv",
    "/vetting/staff/scenarios/",
    "/vetting/staff/slots/",
]


def test_candidate_page_says_where_next_and_what_to_prepare(client_for, candidate, application):
    response = client_for(candidate).get("/vetting/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Step 1 of 5: Profile screen." in body
    assert "A vetting reviewer checks your profile. Next comes the written assessment." in body
    assert "at least one at B2 or above" in body


def test_candidate_without_application_can_apply_from_the_page(client_for, candidate):
    client = client_for(candidate)
    assert "Submit my application" in client.get("/vetting/").content.decode()

    response = client.post("/vetting/apply/")

    assert response.status_code == 302
    assert Application.objects.filter(freelancer__user=candidate, status="open").count() == 1


def test_candidates_see_only_their_own_application(client_for, application, freelancer_no_contract):
    other = client_for(freelancer_no_contract)

    assert "You have not applied yet." in other.get("/vetting/").content.decode()
    assert other.get(f"/vetting/staff/applications/{application.pk}/").status_code == 404
    assert other.get("/vetting/assessment/").status_code == 404


@pytest.mark.parametrize("persona", ["seller_owner", "outsider", "freelancer", "reviewer"])
def test_sellers_freelancers_and_qa_staff_see_no_staff_page(request, client_for, application, persona):
    client = client_for(request.getfixturevalue(persona))
    for url in [*STAFF_URLS, f"/vetting/staff/applications/{application.pk}/"]:
        assert client.get(url).status_code == 404, url
    response = client.post(f"/vetting/staff/applications/{application.pk}/screen/", {"score": "90"})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.stage == Stage.PROFILE_SCREEN


def test_vetting_staff_see_every_staff_page(client_for, vetting_staff, application):
    client = client_for(vetting_staff)
    for url in [*STAFF_URLS, f"/vetting/staff/applications/{application.pk}/"]:
        assert client.get(url).status_code == 200, url


def test_staff_screen_with_bad_score_shows_inline_error_and_changes_nothing(client_for, vetting_staff, application):
    response = client_for(vetting_staff).post(f"/vetting/staff/applications/{application.pk}/screen/", {"score": "140"})

    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 100." in response.content.decode()
    application.refresh_from_db()
    assert application.stage == Stage.PROFILE_SCREEN
    assert StageResult.objects.get(application=application).finished_at is None


def test_staff_screen_moves_the_application(client_for, vetting_staff, application):
    response = client_for(vetting_staff).post(
        f"/vetting/staff/applications/{application.pk}/screen/", {"score": "75", "notes": "Good fit"}
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == Stage.ASSESSMENT


def test_assessment_flow_through_the_screens(client_for, candidate, vetting_staff, application, scenarios):
    to_stage(application, Stage.ASSESSMENT, vetting_staff)
    client = client_for(candidate)
    assert client.post("/vetting/assessment/start/").status_code == 302
    page = client.get("/vetting/assessment/")
    assert page.status_code == 200
    attempt = application.assessment
    ids = [a.scenario_id for a in attempt.answers.all()]

    bad = client.post("/vetting/assessment/", {f"answer_{ids[0]}": "Hi"})
    assert bad.status_code == 400
    assert "Write your reply to this customer." in bad.content.decode()
    attempt.refresh_from_db()
    assert attempt.submitted_at is None

    ok = client.post("/vetting/assessment/", {f"answer_{i}": "I am sorry, let me check." for i in ids})
    assert ok.status_code == 302
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None

    staff = client_for(vetting_staff)
    detail = staff.get(f"/vetting/staff/applications/{application.pk}/")
    assert "Grade with the Vetting rubric" in detail.content.decode()
    graded = staff.post(
        f"/vetting/staff/applications/{application.pk}/grade/", {k: str(v) for k, v in GOOD_GRADES.items()}
    )
    assert graded.status_code == 302
    application.refresh_from_db()
    assert application.stage == Stage.INTERVIEW


def test_interview_slots_shown_in_both_timezones(client_for, candidate, vetting_staff, application, scenarios):
    to_stage(application, Stage.INTERVIEW, vetting_staff)
    starts = (timezone.now() + timedelta(days=3)).replace(hour=14, minute=0, second=0, microsecond=0)
    slot = InterviewSlotFactory(interviewer=vetting_staff, starts_at=starts)

    body = client_for(candidate).get("/vetting/interview/").content.decode()

    # Asia/Manila is UTC+8 all year.
    assert f"{starts:%a} {starts.day} {starts:%b %Y}, 14:00" in body
    assert "22:00" in body
    assert client_for(candidate).post(f"/vetting/interview/{slot.pk}/book/").status_code == 302
    slot.refresh_from_db()
    assert slot.application_id == application.pk


def test_staff_publish_slot_in_their_timezone(client_for, vetting_staff):
    vetting_staff.timezone = "Europe/Berlin"
    vetting_staff.save()
    day = timezone.now().date() + timedelta(days=10)

    response = client_for(vetting_staff).post(
        "/vetting/staff/slots/", {"starts_at": f"{day}T10:00", "duration_minutes": "30"}
    )

    assert response.status_code == 302
    slot = vetting_staff.__class__.objects.get(pk=vetting_staff.pk) and services.InterviewSlot.objects.get()
    assert slot.starts_at.astimezone(timezone.get_fixed_timezone(0)).hour in (8, 9)  # CEST or CET


def test_slot_in_the_past_is_refused_inline(client_for, vetting_staff):
    response = client_for(vetting_staff).post(
        "/vetting/staff/slots/", {"starts_at": "2020-01-01T10:00", "duration_minutes": "30"}
    )
    assert response.status_code == 400
    assert "Choose a time in the future." in response.content.decode()
    assert services.InterviewSlot.objects.count() == 0


def test_scenario_bank_add_and_validate(client_for, vetting_staff):
    client = client_for(vetting_staff)
    bad = client.post("/vetting/staff/scenarios/", {"title": "", "category": "atoz"})
    assert bad.status_code == 400
    assert Scenario.objects.count() == 0

    ok = client.post(
        "/vetting/staff/scenarios/",
        {
            "title": "A-to-z threat",
            "category": "atoz",
            "customer_message": "I will file an A-to-z claim!",
            "active": "on",
        },
    )
    assert ok.status_code == 302
    assert Scenario.objects.get().created_by == vetting_staff


def test_reject_through_the_screen(client_for, vetting_staff, application):
    services.profile_screen_judge(actor=vetting_staff, application=application, score=10)
    client = client_for(vetting_staff)

    bad = client.post(f"/vetting/staff/applications/{application.pk}/reject/", {"reason": "nonsense"})
    assert bad.status_code == 400
    application.refresh_from_db()
    assert application.status == ApplicationStatus.OPEN

    ok = client.post(f"/vetting/staff/applications/{application.pk}/reject/", {"reason": "profile"})
    assert ok.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.reapply_after == timezone.localdate() + timedelta(days=90)


def _make_applications(n: int, staff) -> None:
    for i in range(n):
        profile = make_candidate(f"bulk{Application.objects.count()}-{i}@freelance.test")
        app = services.application_submit(actor=profile.user, profile=profile)
        if i % 2:
            services.profile_screen_judge(actor=staff, application=app, score=80)


def test_board_query_count_is_constant(client_for, vetting_staff, django_assert_num_queries):
    client = client_for(vetting_staff)
    _make_applications(2, vetting_staff)
    client.get("/vetting/staff/")  # warm the session and group caches
    with django_assert_num_queries(10) as ctx:
        assert client.get("/vetting/staff/").status_code == 200
    small = len(ctx.captured_queries)
    _make_applications(6, vetting_staff)
    with django_assert_num_queries(small):
        response = client.get("/vetting/staff/")
    assert len(response.context["rows"]) == 8


def test_board_counts_oldest_first_and_filters(client_for, vetting_staff):
    old = make_candidate("old@freelance.test", country="KE")
    new = make_candidate("new@freelance.test", country="PH")
    a_old = services.application_submit(actor=old.user, profile=old)
    a_new = services.application_submit(actor=new.user, profile=new)
    Application.objects.filter(pk=a_old.pk).update(stage_entered_at=timezone.now() - timedelta(days=10))
    client = client_for(vetting_staff)

    response = client.get("/vetting/staff/")
    assert [a.pk for a, _ in response.context["rows"]] == [a_old.pk, a_new.pk]
    assert response.context["counts"][0] == ("profile_screen", "Profile screen", 2)
    assert [a.pk for a, _ in client.get("/vetting/staff/?country=ke").context["rows"]] == [a_old.pk]
    assert [a.pk for a, _ in client.get("/vetting/staff/?waiting_days=5").context["rows"]] == [a_old.pk]
    assert [a.pk for a, _ in client.get("/vetting/staff/?stage=assessment").context["rows"]] == []
    assert [a.pk for a, _ in client.get("/vetting/staff/?language=en").context["rows"]] == [a_old.pk, a_new.pk]
    assert [a.pk for a, _ in client.get("/vetting/staff/?language=de").context["rows"]] == []


def test_board_filters_by_skill(client_for, vetting_staff):
    from marketplace.models import ProfileSkill, Skill

    with_skill = make_candidate("skill@freelance.test")
    without = make_candidate("noskill@freelance.test")
    skill = Skill.objects.create(name="Refunds", slug="refunds")
    ProfileSkill.objects.create(profile=with_skill, skill=skill)
    a = services.application_submit(actor=with_skill.user, profile=with_skill)
    services.application_submit(actor=without.user, profile=without)

    rows = client_for(vetting_staff).get("/vetting/staff/?skill=refunds").context["rows"]

    assert [x.pk for x, _ in rows] == [a.pk]


def test_scenarios_list_query_count_is_constant(client_for, vetting_staff, django_assert_num_queries):
    client = client_for(vetting_staff)
    ScenarioFactory.create_batch(2)
    client.get("/vetting/staff/scenarios/")
    with django_assert_num_queries(8) as ctx:
        client.get("/vetting/staff/scenarios/")
    ScenarioFactory.create_batch(10)
    with django_assert_num_queries(len(ctx.captured_queries)):
        client.get("/vetting/staff/scenarios/")


def test_candidate_told_when_time_ran_out(client_for, candidate, vetting_staff, application, scenarios):
    to_stage(application, Stage.ASSESSMENT, vetting_staff)
    client = client_for(candidate)
    client.post("/vetting/assessment/start/")
    services.AssessmentAttempt.objects.filter(application=application).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )

    assert "Time ran out before you submitted." in client.get("/vetting/").content.decode()
    assert "Time ran out at" in client.get("/vetting/assessment/").content.decode()
    result = services.assessment_grade(actor=vetting_staff, application=application, values={})
    assert (result.outcome, result.score) == ("failed", 0)


def test_approved_candidate_page_shows_badge_and_score(client_for, vetting_staff, application, scenarios):
    app = to_stage(application, Stage.DECISION, vetting_staff)
    services.application_approve(actor=vetting_staff, application=app)

    body = client_for(application.freelancer.user).get("/vetting/").content.decode()

    assert "Approved with a vetting score of 93.38." in body
    assert "Vetted · 93.38" in body


def test_slots_list_query_count_is_constant(client_for, vetting_staff, django_assert_num_queries):
    client = client_for(vetting_staff)
    InterviewSlotFactory(interviewer=vetting_staff)
    client.get("/vetting/staff/slots/")
    with django_assert_num_queries(8) as ctx:
        client.get("/vetting/staff/slots/")
    for d in range(5):
        InterviewSlotFactory(interviewer=vetting_staff, starts_at=timezone.now() + timedelta(days=5 + d))
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get("/vetting/staff/slots/")
    assert len(response.context["rows"]) == 6


def test_fail_stage_needs_a_reason_inline(client_for, vetting_staff, application):
    client = client_for(vetting_staff)
    url = f"/vetting/staff/applications/{application.pk}/fail/"

    bad = client.post(url, {"notes": ""})
    assert bad.status_code == 400
    assert "Say why this stage failed." in bad.content.decode()
    application.refresh_from_db()
    assert application.stage == Stage.PROFILE_SCREEN

    assert client.post(url, {"notes": "Duplicate account"}).status_code == 302
    application.refresh_from_db()
    assert application.stage == Stage.DECISION


def test_interview_page_waits_for_the_interview_stage(client_for, candidate, application):
    response = client_for(candidate).get("/vetting/interview/")

    assert response.status_code == 302
    assert response["Location"] == "/vetting/"


def test_ops_suspend_from_the_application_page(client_for, vetting_staff, staff, application, scenarios):
    app = services.application_approve(
        actor=vetting_staff, application=to_stage(application, Stage.DECISION, vetting_staff)
    )
    url = f"/vetting/staff/applications/{app.pk}/suspend/"

    assert client_for(vetting_staff).post(url, {"reason": "x"}).status_code == 404
    ops = client_for(staff)
    assert "Suspend this freelancer" in ops.get(f"/vetting/staff/applications/{app.pk}/").content.decode()
    empty = ops.post(url, {"reason": ""})
    assert empty.status_code == 400
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED

    assert ops.post(url, {"reason": "Asked buyers for reviews"}).status_code == 302
    app.refresh_from_db()
    assert (app.status, app.suspension_reason, app.suspended_by) == ("suspended", "Asked buyers for reviews", staff)


def test_incomplete_profile_is_pointed_to_the_profile_editor(client_for, db):
    profile = make_candidate("half@freelance.test", bio="")

    body = client_for(profile.user).get("/vetting/").content.decode()

    assert "Before you apply, complete your profile: bio." in body
    assert 'href="/marketplace/profile/"' in body
    assert "Submit my application" not in body


@pytest.mark.parametrize("stage", [Stage.PROFILE_SCREEN, Stage.ASSESSMENT, Stage.CHECKS, Stage.DECISION])
def test_each_form_on_the_staff_page_has_its_own_ids(client_for, vetting_staff, application, scenarios, stage):
    """Several small forms share the page (notes to pass, to fail, to approve, to reject): a label finds its own."""
    to_stage(application, stage, vetting_staff)
    page = client_for(vetting_staff).get(f"/vetting/staff/applications/{application.pk}/").content.decode()
    assert duplicate_ids(page) == []
    if stage == Stage.DECISION:
        assert '<label for="approve-notes">Notes</label>' in page and '<label for="reject-notes">Notes</label>' in page
    else:
        assert '<label for="fail-notes">Why</label>' in page


def test_a_refused_form_comes_back_with_its_own_ids_and_error(client_for, vetting_staff, application):
    response = client_for(vetting_staff).post(f"/vetting/staff/applications/{application.pk}/screen/", {"score": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="screen-score_error"' in body
    assert '<small class="error" id="screen-score_error">This field is required.</small>' in body
    assert duplicate_ids(body) == []
