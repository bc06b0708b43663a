"""Who sees what: candidates their own, vetting staff all, sellers only the public badge and score."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.access import scoped
from marketplace.models import FreelancerProfile
from tests.vetting.conftest import make_candidate, to_stage
from vetting import services
from vetting.models import (
    Application,
    AssessmentAnswer,
    AssessmentAttempt,
    InterviewScorecard,
    InterviewSlot,
    Reference,
    Scenario,
    Stage,
    StageResult,
)

pytestmark = pytest.mark.django_db

PRIVATE = [Application, StageResult, AssessmentAttempt, AssessmentAnswer, InterviewScorecard, Reference, Scenario]


@pytest.fixture
def approved(vetting_staff, scenarios):
    profile = make_candidate("star@freelance.test")
    app = to_stage(services.application_submit(actor=profile.user, profile=profile), Stage.DECISION, vetting_staff)
    return services.application_approve(actor=vetting_staff, application=app)


def test_sellers_see_only_the_public_badge_and_score(seller_owner, outsider, approved):
    for seller in (seller_owner, outsider):
        for model in PRIVATE:
            assert scoped(model, seller).count() == 0, model
        assert scoped(InterviewSlot, seller).filter(application__isnull=False).count() == 0
        profile = scoped(FreelancerProfile, seller).get(pk=approved.freelancer_id)
        assert profile.vetting_status == "approved"
        assert profile.vetting_score == Decimal("93.38")


def test_badge_shows_status_and_score_only(approved):
    from django.template.loader import render_to_string

    html = render_to_string("vetting/badge.html", {"profile": FreelancerProfile.objects.get(pk=approved.freelancer_id)})

    assert "Vetted · 93.38" in html


def test_vetting_staff_see_every_application(vetting_staff, approved, candidate, candidate_profile):
    services.application_submit(actor=candidate, profile=candidate_profile)

    assert scoped(Application, vetting_staff).count() == 2
    assert scoped(StageResult, vetting_staff).count() == StageResult.objects.count()


def test_candidates_see_only_their_own(approved, candidate, candidate_profile):
    mine = services.application_submit(actor=candidate, profile=candidate_profile)

    assert list(scoped(Application, candidate)) == [mine]
    assert set(scoped(StageResult, candidate)) == set(StageResult.objects.filter(application=mine))
    assert scoped(AssessmentAnswer, candidate).count() == 0
    assert scoped(InterviewScorecard, candidate).count() == 0
    assert scoped(Reference, candidate).count() == 0
    assert scoped(Scenario, candidate).count() == 0
    assert list(scoped(Application, approved.freelancer.user)) == [approved]


def test_sellers_see_the_badge_on_the_public_profile_and_in_search(client_for, seller_owner, approved):
    profile_url = f"/marketplace/freelancers/{approved.freelancer_id}/"
    client = client_for(seller_owner)

    detail = client.get(profile_url).content.decode()
    listing = client.get("/marketplace/freelancers/").content.decode()

    assert 'title="Passed Shiftdesk vetting">Vetted · 93.38</span>' in detail
    assert 'title="Passed Shiftdesk vetting">Vetted · 93.38</span>' in listing
