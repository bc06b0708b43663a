"""Setting up a calibration session: a searchable, paged conversation picker; participants who may review."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from accounts.models import Role
from qa_ops.calibration_form import PICKER_PAGE_SIZE
from qa_ops.models import CalibrationParticipant, CalibrationSession
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.marketplace.factories import FreelancerProfileFactory
from tests.qa_scoring.factories import ConversationFactory

pytestmark = pytest.mark.django_db

URL = "/qa-ops/calibration/new/"
DEADLINE = (timezone.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def maria(db):
    return FreelancerProfileFactory(user=UserFactory(email="maria@freelance.test", full_name="Maria Santos"))


@pytest.fixture
def threads(org, other_org, maria):
    start = timezone.now() - dt.timedelta(days=5)
    made = {
        "refund": ConversationFactory(
            organization=org, freelancer=maria, subject="Refund outside policy", external_id="7101", started_at=start
        ),
        "colour": ConversationFactory(
            organization=org, subject="Angry about the colour", external_id="7102", started_at=start
        ),
        "globex": ConversationFactory(
            organization=other_org, subject="Refund at Globex", external_id="9001", started_at=start
        ),
    }
    return made


def choices(page: str) -> list[str]:
    """The labels of the conversation checkboxes, in page order."""
    return re.findall(r'name="conversations" value="\d+"[^>]*> ([^<]+)</label>', page)


def ticked(page: str) -> list[str]:
    return re.findall(r'name="conversations" value="(\d+)"[^>]*checked', page)


def test_search_filters_by_title_freelancer_and_external_id_within_what_the_actor_sees(
    client_for, seller_owner, threads
):
    client = client_for(seller_owner)
    assert choices(client.get(URL).content.decode()) == [
        "Angry about the colour · — · #7102",
        "Refund outside policy · Maria Santos · #7101",
    ]  # Globex's conversation is not Acme's owner's to pick
    by = {
        q: choices(client.post(URL, {"action": "search", "q": q}).content.decode()) for q in ("refund", "maria", "7102")
    }
    assert by == {
        "refund": ["Refund outside policy · Maria Santos · #7101"],
        "maria": ["Refund outside policy · Maria Santos · #7101"],
        "7102": ["Angry about the colour · — · #7102"],
    }
    page = client.post(URL, {"action": "search", "q": "nothing like it"}).content.decode()
    assert choices(page) == [] and "No conversation you can see matches this search." in page


def test_a_search_keeps_the_ticked_conversations_and_the_entries_without_reporting_errors(
    client_for, reviewer, threads
):
    colour = threads["colour"]
    response = client_for(reviewer).post(
        URL, {"action": "search", "q": "globex", "title": "December", "conversations": [colour.pk]}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert choices(page) == ["Angry about the colour · — · #7102", "Refund at Globex · — · #9001"]
    assert ticked(page) == [str(colour.pk)]
    assert 'value="December"' in page and 'class="error"' not in page
    assert CalibrationSession.objects.count() == 0


def test_results_are_paged_on_the_server(client_for, seller_owner, org, threads):
    start = timezone.now() - dt.timedelta(days=1)
    for i in range(PICKER_PAGE_SIZE + 2):
        ConversationFactory(organization=org, subject=f"Late parcel {i:02}", external_id=f"L{i:02}", started_at=start)
    client = client_for(seller_owner)
    first = client.post(URL, {"action": "search", "q": "late parcel"}).content.decode()
    assert len(choices(first)) == PICKER_PAGE_SIZE
    assert "Page 1 of 2 (12 matches)" in first
    second = client.post(URL, {"q": "late parcel", "page": "2"}).content.decode()
    assert len(choices(second)) == 2 and "Page 2 of 2 (12 matches)" in second
    assert set(choices(first)).isdisjoint(choices(second))


def test_the_picker_page_costs_the_same_queries_however_many_conversations(
    client_for, seller_owner, org, threads, django_assert_num_queries
):
    client = client_for(seller_owner)
    client.get(URL)
    with django_assert_num_queries(13):
        client.post(URL, {"action": "search", "q": "", "conversations": [threads["refund"].pk]})
    start = timezone.now() - dt.timedelta(days=1)
    for i in range(30):
        ConversationFactory(organization=org, subject=f"Bulk {i}", external_id=f"B{i}", started_at=start)
    with django_assert_num_queries(13):
        page = client.post(URL, {"action": "search", "q": "", "conversations": [threads["refund"].pk]})
    assert len(choices(page.content.decode())) == PICKER_PAGE_SIZE + 1  # the ticked one, then a page


def _create(client, version, conversations, participants, **extra):
    return client.post(
        URL,
        {
            "action": "create",
            "title": "December calibration",
            "rubric_version": version.pk,
            "conversations": [c.pk for c in conversations],
            "participants": [p.pk for p in participants],
            "baseline": "consensus",
            "deadline": DEADLINE,
            **extra,
        },
    )


def test_another_sellers_reviewer_cannot_take_part_and_nothing_is_stored(
    client_for, reviewer, second_reviewer, org, other_org, threads, default_version
):
    globex_reviewer = MembershipFactory(user__email="gina@globex.test", organization=other_org, role=Role.REVIEWER).user
    response = _create(
        client_for(reviewer),
        default_version,
        [threads["refund"]],
        [reviewer, second_reviewer, globex_reviewer],
        organization=org.pk,
    )
    assert response.status_code == 200
    assert (
        "Only Acme Store&#x27;s owners, managers and reviewers, or platform QA staff, can take part, not: "
        "gina@globex.test." in response.content.decode()
    )
    assert response.context["form"].errors["participants"] == [
        "Only Acme Store's owners, managers and reviewers, or platform QA staff, can take part, not: gina@globex.test."
    ]
    assert (CalibrationSession.objects.count(), CalibrationParticipant.objects.count()) == (0, 0)


def test_a_manager_of_two_sellers_cannot_mix_their_reviewers(client_for, org, other_org, threads, default_version):
    lead = MembershipFactory(user__email="lee@acme.test", organization=org, role=Role.OWNER).user
    MembershipFactory(user=lead, organization=other_org, role=Role.MANAGER)
    acme_reviewer = MembershipFactory(user__email="rita@acme.test", organization=org, role=Role.REVIEWER).user
    globex_reviewer = MembershipFactory(user__email="gina@globex.test", organization=other_org, role=Role.REVIEWER).user
    response = _create(
        client_for(lead), default_version, [threads["refund"]], [acme_reviewer, globex_reviewer], organization=org.pk
    )
    assert response.context["form"].errors["participants"] == [
        "Only Acme Store's owners, managers and reviewers, or platform QA staff, can take part, not: gina@globex.test."
    ]
    assert (CalibrationSession.objects.count(), CalibrationParticipant.objects.count()) == (0, 0)


def test_a_seller_viewer_cannot_take_part(client_for, seller_owner, org, threads, default_version):
    viewer = MembershipFactory(user__email="vic@acme.test", organization=org, role=Role.VIEWER).user
    rita = MembershipFactory(user__email="rita@acme.test", organization=org, role=Role.REVIEWER).user
    response = _create(
        client_for(seller_owner), default_version, [threads["refund"]], [rita, viewer], organization=org.pk
    )
    assert response.status_code == 200
    assert "participants" in response.context["form"].errors  # not even offered: a viewer does not review
    assert CalibrationSession.objects.count() == 0


def test_a_platform_wide_session_takes_qa_staff_only(
    client_for, reviewer, second_reviewer, org, threads, default_version
):
    rita = MembershipFactory(user__email="rita@acme.test", organization=org, role=Role.REVIEWER).user
    response = _create(client_for(reviewer), default_version, [threads["refund"]], [reviewer, second_reviewer, rita])
    assert response.context["form"].errors["participants"] == [
        "A platform-wide session takes platform QA staff only, not: rita@acme.test."
    ]
    assert (CalibrationSession.objects.count(), CalibrationParticipant.objects.count()) == (0, 0)


def test_picked_conversations_and_allowed_participants_make_the_session(
    client_for, reviewer, second_reviewer, org, threads, default_version
):
    rita = MembershipFactory(user__email="rita@acme.test", organization=org, role=Role.REVIEWER).user
    response = _create(
        client_for(reviewer),
        default_version,
        [threads["refund"], threads["colour"]],
        [reviewer, second_reviewer, rita],
        organization=org.pk,
    )
    session = CalibrationSession.objects.get()
    assert response.status_code == 302 and response.url == f"/qa-ops/calibration/{session.pk}/"
    assert sorted(session.conversations.values_list("external_id", flat=True)) == ["7101", "7102"]
    assert sorted(session.participants.values_list("user__email", flat=True)) == [
        "quentin@shiftdesk.test",
        "quinn@shiftdesk.test",
        "rita@acme.test",
    ]


def test_an_invisible_conversation_cannot_be_picked(client_for, seller_owner, org, threads, default_version):
    rita = MembershipFactory(user__email="rita@acme.test", organization=org, role=Role.REVIEWER).user
    sam = MembershipFactory(user__email="sam@acme.test", organization=org, role=Role.MANAGER).user
    response = _create(client_for(seller_owner), default_version, [threads["globex"]], [rita, sam], organization=org.pk)
    assert "conversations" in response.context["form"].errors
    assert CalibrationSession.objects.count() == 0
