"""Vetting personas and helpers: vetting staff (vera), a candidate (carl) with a complete profile."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.models import VettingStatus
from tests.conftest import make_staff
from tests.marketplace.factories import FreelancerProfileFactory
from tests.vetting.factories import ScenarioFactory
from vetting import services


@pytest.fixture
def vetting_staff(db):
    return make_staff("vera@shiftdesk.test", "vetting")


@pytest.fixture
def vetting_staff_2(db):
    return make_staff("walt@shiftdesk.test", "vetting")


def add_language(profile, code: str = "en", level: int = 5) -> None:
    from marketplace.models import Language, ProfileLanguage

    names = {"en": "English", "es": "Spanish", "de": "German"}
    language, _ = Language.objects.get_or_create(code=code, defaults={"name": names.get(code, code), "slug": code})
    ProfileLanguage.objects.get_or_create(profile=profile, language=language, defaults={"level": level})


def make_candidate(email: str, **profile_fields):
    fields = {
        "headline": "E-mail support for Amazon sellers",
        "bio": "Five years of e-commerce support.",
        "country": "PH",
        "hourly_rate": Decimal("9.00"),
        "hours_per_week": 40,
        "vetting_status": VettingStatus.NOT_APPLIED,
        "vetting_score": None,
        **profile_fields,
    }
    profile = FreelancerProfileFactory(user__email=email, **fields)
    add_language(profile)
    return profile


@pytest.fixture
def candidate_profile(db):
    return make_candidate("carl@freelance.test")


@pytest.fixture
def candidate(candidate_profile):
    return candidate_profile.user


@pytest.fixture
def scenarios(db):
    return ScenarioFactory.create_batch(5)


GOOD_GRADES = {
    "understands_issue": 5,
    "correct_resolution": 5,
    "empathy": 4,
    "clarity": 5,
    "marketplace_rules": 1,
}
GOOD_RATINGS = {"communication": 5, "english": 4, "reliability": 5, "customer_mindset": 4}


def to_stage(application, stage: str, staff, *, scores=None):
    """Drive an application through the pipeline up to ``stage`` with passing results."""
    from tests.vetting.factories import InterviewSlotFactory
    from vetting.models import STAGE_ORDER, Application, Stage

    scores = scores or {}
    target = STAGE_ORDER.index(stage)
    candidate = application.freelancer.user
    for current in STAGE_ORDER[:target]:
        application.refresh_from_db()
        if current == Stage.PROFILE_SCREEN:
            services.profile_screen_judge(actor=staff, application=application, score=scores.get(current, 90))
        elif current == Stage.ASSESSMENT:
            if not services.Scenario.objects.filter(active=True).count() >= 3:
                ScenarioFactory.create_batch(3)
            attempt = services.assessment_start(actor=candidate, application=application)
            services.assessment_submit(
                actor=candidate,
                attempt=attempt,
                answers={a.scenario_id: "Sorry for the trouble, I will help." for a in attempt.answers.all()},
            )
            services.assessment_grade(actor=staff, application=application, values=GOOD_GRADES)
        elif current == Stage.INTERVIEW:
            slot = InterviewSlotFactory(interviewer=staff)
            services.interview_slot_book(actor=candidate, application=application, slot=slot)
            services.interview_scorecard_submit(actor=staff, application=application, ratings=GOOD_RATINGS)
        elif current == Stage.CHECKS:
            services.checks_record(
                actor=staff, application=application, identity_confirmed=True, tax_form="w8ben", payout_method_set=True
            )
            for i in range(2):
                services.reference_add(
                    actor=staff,
                    application=application,
                    name=f"Ref {i}",
                    relationship="former lead",
                    contact=f"ref{i}@example.test",
                )
            services.checks_complete(actor=staff, application=application)
    application = Application.objects.get(pk=application.pk)
    assert application.stage == stage
    return application
