"""The seam between the written assessment and the QA rubric engine.

The candidate's answers become a platform-owned QA Conversation (source "vetting"): each scenario's customer
message followed by the candidate's reply as the agent. A vetting reviewer grades it as a QA Review of kind
"vetting" against the published "Vetting" rubric; the score comes from ``qa_scoring.scoring.review_score``,
the same formula production QA uses. Nothing here decides the stage: ``vetting.services`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qa_scoring.scoring import ScoreItem, review_score

SOURCE = "vetting"
RUBRIC_NAME = "Vetting"

# (section, key, label, guidance, kind, min, max, weight, critical)
VETTING_CRITERIA = [
    (
        "Resolution",
        "understands_issue",
        "Understands the real problem",
        "Restates the issue; reads the context.",
        "scale",
        1,
        5,
        25,
        False,
    ),
    (
        "Resolution",
        "correct_resolution",
        "Offers a correct, policy-safe resolution",
        "Follows the stated policy; refunds or replacements only where allowed.",
        "scale",
        1,
        5,
        30,
        True,
    ),
    (
        "Tone",
        "empathy",
        "Empathy and ownership",
        "Acknowledges the customer's situation; apologises where due.",
        "scale",
        1,
        5,
        15,
        False,
    ),
    ("Tone", "clarity", "Clear, correct English", "Short sentences, no errors, no jargon.", "scale", 1, 5, 20, False),
    (
        "Compliance",
        "marketplace_rules",
        "Keeps marketplace rules",
        "No external links, e-mail addresses or phone numbers; no review requests.",
        "binary",
        0,
        1,
        10,
        True,
    ),
]


@dataclass(frozen=True)
class GradedReview:
    review_id: int
    score: Decimal
    critical_fail: bool


def vetting_rubric_version(*, actor: Any = None):
    """The published version of the platform "Vetting" rubric, created on first use (idempotent)."""
    from qa_scoring.models import Criterion, Rubric, RubricKind, RubricVersion, Section, VersionStatus

    published = (
        RubricVersion.objects.filter(
            rubric__organization__isnull=True,
            rubric__kind=RubricKind.VETTING,
            rubric__name=RUBRIC_NAME,
            status=VersionStatus.PUBLISHED,
        )
        .order_by("-number")
        .first()
    )
    if published is not None:
        return published
    with transaction.atomic():
        rubric, _ = Rubric.objects.get_or_create(
            organization=None,
            kind=RubricKind.VETTING,
            name=RUBRIC_NAME,
            defaults={"description": "Grades the written assessment of vetting candidates.", "pass_mark": 80},
        )
        version, _ = RubricVersion.objects.get_or_create(
            rubric=rubric,
            number=1,
            defaults={"status": VersionStatus.DRAFT, "notes": "Initial vetting rubric"},
        )
        if version.status == VersionStatus.PUBLISHED:  # pragma: no cover - found above
            return version
        sections: dict[str, Any] = {}
        for pos, (section, key, label, guidance, kind, lo, hi, weight, critical) in enumerate(VETTING_CRITERIA):
            if section not in sections:
                sections[section], _ = Section.objects.get_or_create(
                    version=version, title=section, defaults={"position": len(sections)}
                )
            Criterion.objects.get_or_create(
                version=version,
                key=key,
                defaults={
                    "section": sections[section],
                    "label": label,
                    "guidance": guidance,
                    "kind": kind,
                    "scale_min": lo,
                    "scale_max": hi,
                    "weight": weight,
                    "critical": critical,
                    "position": pos,
                },
            )
        RubricVersion.objects.filter(pk=version.pk, status=VersionStatus.DRAFT).update(
            status=VersionStatus.PUBLISHED, published_at=timezone.now(), published_by=actor
        )
    return RubricVersion.objects.get(pk=version.pk)


def vetting_criteria():
    """The criteria of the published Vetting rubric, in order."""
    version = vetting_rubric_version()
    return list(version.criteria.select_related("section").order_by("section__position", "position", "pk"))


def assessment_conversation_create(*, attempt) -> int:
    """Turn the submitted answers into a platform-owned conversation; idempotent on the attempt."""
    from qa_scoring.models import AuthorRole, Conversation, Message

    application = attempt.application
    profile = application.freelancer
    conversation, created = Conversation.objects.get_or_create(
        organization=None,
        source=SOURCE,
        external_id=f"assessment-{attempt.pk}",
        defaults={
            "freelancer": profile,
            "channel": "assessment",
            "subject": f"Vetting assessment of {profile}",
            "started_at": attempt.started_at,
            "ended_at": attempt.submitted_at,
            "agent_email": profile.user.email,
            "agent_name": profile.user.display_name,
        },
    )
    if created:
        messages = []
        at = attempt.started_at
        for answer in attempt.answers.select_related("scenario").order_by("position"):
            scenario = answer.scenario
            messages.append(
                Message(
                    conversation=conversation,
                    position=len(messages) + 1,
                    author_role=AuthorRole.CUSTOMER,
                    author_name=f"Customer ({scenario.get_category_display()})",
                    sent_at=at,
                    text=(f"[{scenario.context}]\n\n" if scenario.context else "") + scenario.customer_message,
                )
            )
            messages.append(
                Message(
                    conversation=conversation,
                    position=len(messages) + 1,
                    author_role=AuthorRole.AGENT,
                    author_name=profile.user.display_name,
                    sent_at=at + timedelta(seconds=1),
                    text=answer.answer,
                )
            )
            at += timedelta(seconds=2)
        Message.objects.bulk_create(messages)
        Conversation.objects.filter(pk=conversation.pk).update(message_count=len(messages))
    return conversation.pk


def assessment_review_submit(
    *, attempt, reviewer, values: dict[str, int | None], comment: str = "", now=None
) -> GradedReview:
    """Record the reviewer's grades as a submitted QA review of kind "vetting" and score it."""
    from qa_scoring.models import CriterionScore, Review, ReviewKind, ReviewStatus

    if attempt.conversation_id is None:
        raise ValidationError("The assessment has no conversation to grade.")
    criteria = vetting_criteria()
    errors: dict[str, str] = {}
    items = []
    for c in criteria:
        value = values.get(c.key)
        lo, hi = (0, 1) if c.kind == "binary" else (c.scale_min, c.scale_max)
        if value is None and not c.allow_na:
            errors[c.key] = "Grade this criterion."
        elif value is not None and not (lo <= int(value) <= hi):
            errors[c.key] = f"Choose a value from {lo} to {hi}."
        items.append(ScoreItem(c.kind, c.scale_min, c.scale_max, c.weight, value, c.critical))
    if errors:
        raise ValidationError(errors)
    result = review_score(items)
    now = now or timezone.now()
    review = Review.objects.create(
        conversation_id=attempt.conversation_id,
        rubric_version=criteria[0].version,
        reviewer=reviewer,
        kind=ReviewKind.VETTING,
        status=ReviewStatus.SUBMITTED,
        score=result.score,
        critical_fail=result.critical_fail,
        comment=comment,
        created_at=now,
        submitted_at=now,
        updated_at=now,
    )
    CriterionScore.objects.bulk_create(
        CriterionScore(review=review, criterion=c, value=values.get(c.key)) for c in criteria
    )
    return GradedReview(review_id=review.pk, score=result.score, critical_fail=result.critical_fail)
