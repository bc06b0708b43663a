from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from marketplace import services
from marketplace.models import ContractStatus, FreelancerProfile, VettingStatus
from marketplace.tasks import send_contract_email

pytestmark = pytest.mark.django_db


def test_vetting_update_sets_status_score_and_audits(freelancer_profile, staff):
    services.freelancer_vetting_update(
        profile=freelancer_profile, status=VettingStatus.SUSPENDED, score=Decimal("71.5"), actor=staff, reason="QA"
    )
    profile = FreelancerProfile.objects.get(pk=freelancer_profile.pk)
    assert (profile.vetting_status, profile.vetting_score) == ("suspended", Decimal("71.50"))
    event = AuditEvent.objects.get(action="freelancer_profile.vetting_updated")
    assert event.data["reason"] == "QA"
    assert event.data["before"] == {"status": "approved", "score": "85.00"}


@pytest.mark.parametrize(("status", "score"), [("bogus", Decimal("50")), ("approved", Decimal("100.01"))])
def test_vetting_update_rejects_bad_input(freelancer_profile, staff, status, score):
    with pytest.raises(ValidationError):
        services.freelancer_vetting_update(profile=freelancer_profile, status=status, score=score, actor=staff)
    profile = FreelancerProfile.objects.get(pk=freelancer_profile.pk)
    assert (profile.vetting_status, profile.vetting_score) == ("approved", Decimal("85.00"))
    assert not AuditEvent.objects.filter(action="freelancer_profile.vetting_updated").exists()


def test_quality_update_is_idempotent(freelancer_profile):
    assert services.freelancer_quality_update(profile_id=freelancer_profile.pk, iqs=Decimal("91.25"), review_count=7)
    assert not services.freelancer_quality_update(
        profile_id=freelancer_profile.pk, iqs=Decimal("91.25"), review_count=7
    )
    profile = FreelancerProfile.objects.get(pk=freelancer_profile.pk)
    assert (profile.iqs_90d, profile.iqs_review_count) == (Decimal("91.25"), 7)
    assert services.freelancer_quality_update(profile_id=freelancer_profile.pk, iqs=None, review_count=0)
    profile.refresh_from_db()
    assert (profile.iqs_90d, profile.iqs_review_count) == (None, 0)


def test_reliability_update(freelancer_profile):
    assert services.freelancer_reliability_update(profile_id=freelancer_profile.pk, reliability=Decimal("88"))
    assert not services.freelancer_reliability_update(profile_id=freelancer_profile.pk, reliability=Decimal("88"))
    with pytest.raises(ValidationError):
        services.freelancer_reliability_update(profile_id=freelancer_profile.pk, reliability=Decimal("-1"))
    assert FreelancerProfile.objects.get(pk=freelancer_profile.pk).reliability == Decimal("88.00")


def test_contract_pause_resume_end(contract, seller_owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_pause(contract=contract, actor=seller_owner, reason="Payment failed")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.PAUSED
    assert mail.outbox[0].subject == "[Shiftdesk] Contract paused: Customer support (e-mail)"
    assert mail.outbox[0].to == ["dana@freelance.test", "alice@acme.test"]
    assert "Payment failed" in mail.outbox[0].body

    services.contract_resume(contract=contract, actor=None)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE

    services.contract_end(contract=contract, actor=seller_owner, reason="Season over")
    contract.refresh_from_db()
    assert (contract.status, contract.end_reason) == ("ended", "Season over")
    assert contract.ended_at is not None
    actions = list(
        AuditEvent.objects.filter(target_id=str(contract.pk)).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["contract.paused", "contract.resumed", "contract.ended"]


def test_freelancer_may_end_but_not_pause(contract, freelancer):
    with pytest.raises(PermissionDenied):
        services.contract_pause(contract=contract, actor=freelancer, reason="x")
    assert contract.__class__.objects.get(pk=contract.pk).status == "active"
    services.contract_end(contract=contract, actor=freelancer, reason="Moving on")
    assert contract.__class__.objects.get(pk=contract.pk).status == "ended"


def test_outsider_cannot_touch_contract(contract, outsider):
    with pytest.raises(PermissionDenied):
        services.contract_end(contract=contract, actor=outsider, reason="x")
    assert contract.__class__.objects.get(pk=contract.pk).status == "active"
    assert not AuditEvent.objects.filter(action__startswith="contract.").exists()


def test_invalid_transitions(contract, seller_owner):
    with pytest.raises(ValidationError):
        services.contract_resume(contract=contract, actor=seller_owner)
    with pytest.raises(ValidationError):
        services.contract_pause(contract=contract, actor=seller_owner, reason="  ")
    services.contract_end(contract=contract, actor=seller_owner, reason="done")
    with pytest.raises(ValidationError):
        services.contract_pause(contract=contract, actor=seller_owner, reason="again")
    with pytest.raises(ValidationError):
        services.contract_end(contract=contract, actor=seller_owner, reason="again")
    assert contract.__class__.objects.get(pk=contract.pk).end_reason == "done"


def test_contract_email_task_skips_missing():
    assert send_contract_email(999999, "ended") == "skipped"


def test_setting_a_skill_twice_updates_its_level_and_refuses_others(freelancer_profile, freelancer, outsider):
    from marketplace.models import ProfileSkill
    from tests.marketplace.factories import skill

    email_support = skill("live-chat")
    services.profile_skill_set(profile=freelancer_profile, actor=freelancer, skill=email_support, level=2)
    services.profile_skill_set(profile=freelancer_profile, actor=freelancer, skill=email_support, level=3)

    assert list(ProfileSkill.objects.filter(profile=freelancer_profile).values_list("skill__slug", "level")) == [
        ("live-chat", 3)
    ]
    with pytest.raises(PermissionDenied):
        services.profile_skill_set(profile=freelancer_profile, actor=outsider, skill=email_support, level=1)
    assert ProfileSkill.objects.get(profile=freelancer_profile).level == 3


def test_a_saved_taxonomy_term_keeps_its_bit_and_is_retired_not_deleted():
    from marketplace.models import Channel, Skill

    skill = Skill.objects.get(slug="live-chat")
    stored = skill.bit
    skill.bit = 61
    with pytest.raises(ValidationError, match="fixed"):
        skill.full_clean()
    with pytest.raises(ValidationError, match="fixed"):
        skill.save()
    channel = Channel.objects.first()
    with pytest.raises(ValidationError, match="inactive"):
        channel.delete()
    assert Skill.objects.get(pk=skill.pk).bit == stored
    assert Channel.objects.filter(pk=channel.pk).exists()
    added = Skill.objects.create(name="Marketplace policy appeals", slug="policy-appeals")
    assert added.bit not in set(Skill.objects.exclude(pk=added.pk).values_list("bit", flat=True))
    added.name = "Policy appeals"
    added.save()  # other fields still change
    assert Skill.objects.get(pk=added.pk).name == "Policy appeals"


def test_the_admin_shows_a_saved_terms_bit_read_only_and_offers_no_delete(client_for):
    from marketplace.models import Skill
    from tests.conftest import make_staff

    ops = make_staff("root@shiftdesk.test", "ops")
    ops.is_superuser = True
    ops.save()
    client = client_for(ops)
    skill = Skill.objects.get(slug="live-chat")
    page = client.get(f"/admin/marketplace/skill/{skill.pk}/change/").content.decode()
    assert 'name="bit"' not in page and 'name="name"' in page
    assert client.get("/admin/marketplace/skill/add/").content.decode().count('name="bit"') == 1
    assert client.post(f"/admin/marketplace/skill/{skill.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Skill.objects.filter(pk=skill.pk).exists()
