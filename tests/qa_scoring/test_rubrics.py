import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qa_scoring import services
from qa_scoring.models import Criterion, RubricVersion

pytestmark = pytest.mark.django_db


def test_build_publish_then_edit_makes_next_draft(seller_member, org):
    rubric = services.rubric_create(actor=seller_member, organization=org, name="Acme QA")
    draft = rubric.versions.get()
    section = services.section_add(actor=seller_member, version=draft, title="Tone")
    a = services.criterion_add(actor=seller_member, section=section, key="polite", label="Polite", weight=40)
    b = services.criterion_add(
        actor=seller_member,
        section=section,
        key="solves",
        label="Solves",
        kind="scale",
        scale_min=1,
        scale_max=5,
        weight=60,
    )
    services.criterion_move(actor=seller_member, criterion=b, direction="up")
    assert list(section.criteria.order_by("position").values_list("key", flat=True)) == ["solves", "polite"]
    services.rubric_version_publish(actor=seller_member, version=draft)
    draft.refresh_from_db()
    assert draft.status == "published"
    with pytest.raises(ValidationError, match="published"):
        services.criterion_update(actor=seller_member, criterion=a, weight=10)
    with pytest.raises(ValidationError, match="published"):
        services.criterion_add(actor=seller_member, section=section, key="x", label="X")
    assert Criterion.objects.get(pk=a.pk).weight == 40
    v2 = services.rubric_version_new_draft(actor=seller_member, rubric=rubric)
    assert (v2.number, v2.status) == (2, "draft")
    assert list(Criterion.objects.filter(version=v2).order_by("position").values_list("key", "weight")) == [
        ("solves", 60),
        ("polite", 40),
    ]
    services.criterion_update(actor=seller_member, criterion=Criterion.objects.get(version=v2, key="polite"), weight=10)
    assert Criterion.objects.get(pk=a.pk).weight == 40  # v1 unchanged
    assert services.rubric_version_new_draft(actor=seller_member, rubric=rubric) == v2


def test_publish_needs_criteria(seller_member, org):
    rubric = services.rubric_create(actor=seller_member, organization=org, name="Empty")
    with pytest.raises(ValidationError, match="at least one criterion"):
        services.rubric_version_publish(actor=seller_member, version=rubric.versions.get())
    assert RubricVersion.objects.get(rubric=rubric).status == "draft"


def test_duplicate_key_and_bad_scale(seller_member, org):
    rubric = services.rubric_create(actor=seller_member, organization=org, name="R")
    section = services.section_add(actor=seller_member, version=rubric.versions.get(), title="S")
    services.criterion_add(actor=seller_member, section=section, key="k", label="K")
    with pytest.raises(ValidationError) as exc:
        services.criterion_add(actor=seller_member, section=section, key="k", label="K2")
    assert "key" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.criterion_add(
            actor=seller_member, section=section, key="s", label="S", kind="scale", scale_min=3, scale_max=3
        )
    assert "scale_max" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.criterion_add(actor=seller_member, section=section, key="w", label="W", weight=101)
    assert section.criteria.count() == 1


def test_only_qa_staff_edit_shared_templates(seller_member, reviewer, default_rubric, outsider, org):
    with pytest.raises(PermissionDenied):
        services.rubric_version_new_draft(actor=seller_member, rubric=default_rubric)
    with pytest.raises(PermissionDenied):
        services.rubric_create(actor=seller_member, organization=None, name="Mine")
    with pytest.raises(PermissionDenied):
        services.rubric_create(actor=outsider, organization=org, name="Theirs")
    draft = services.rubric_version_new_draft(actor=reviewer, rubric=default_rubric)
    assert draft.number == 2
    assert Criterion.objects.filter(version=draft).count() == 14
