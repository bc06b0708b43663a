"""Reads in QA scoring, each scoped from the actor.

Who sees what:
- platform QA staff (group ``qa``) and ops see everything;
- members of a seller organization see its conversations, reviews, disputes, rubrics and import jobs;
- a freelancer sees conversations about themselves (and reviews/disputes of them) at organizations they hold
  a contract with (any status: history stays visible), submitted reviews only;
- shared rubric templates are visible to every signed-in user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.access import is_api_key, is_platform_staff, is_user, organization_ids, register_scope, scoped
from accounts.models import Role

from .models import (
    Conversation,
    Criterion,
    CriterionScore,
    Dispute,
    ImportJob,
    Message,
    Review,
    ReviewKind,
    ReviewStatus,
    Rubric,
    RubricVersion,
)
from .scoring import iqs as iqs_of

IQS_WINDOW_DAYS = 90
# Roles that may grade a seller's conversations and edit its rubrics.
REVIEW_ROLES = (Role.OWNER, Role.MANAGER, Role.REVIEWER)
# Roles that may import a seller's conversations.
IMPORT_ROLES = REVIEW_ROLES


def is_qa_staff(actor: Any) -> bool:
    return is_platform_staff(actor, "qa") or is_platform_staff(actor, "ops")


def _freelancer_conversation_q(actor: Any, prefix: str = "") -> Q:
    """Conversations about the freelancer, at sellers they have (or had) a contract with."""
    if not is_user(actor):
        return Q(pk__in=[])
    return Q(
        **{
            f"{prefix}freelancer__user": actor,
            f"{prefix}organization__contracts__freelancer__user": actor,
        }
    )


def _conversation_q(actor: Any, prefix: str = "") -> Q:
    return Q(**{f"{prefix}organization_id__in": organization_ids(actor)}) | _freelancer_conversation_q(actor, prefix)


@register_scope(Conversation)
def _conversations(actor: Any) -> QuerySet[Conversation]:
    qs = Conversation.objects.select_related("organization", "freelancer__user", "contract")
    if is_qa_staff(actor):
        return qs
    return qs.filter(_conversation_q(actor)).distinct()


@register_scope(Message)
def _messages(actor: Any) -> QuerySet[Message]:
    return Message.objects.filter(conversation__in=scoped(Conversation, actor).values("pk"))


@register_scope(Rubric)
def _rubrics(actor: Any) -> QuerySet[Rubric]:
    qs = Rubric.objects.select_related("organization")
    if is_qa_staff(actor):
        return qs
    return qs.filter(Q(organization__isnull=True) | Q(organization_id__in=organization_ids(actor)))


@register_scope(RubricVersion)
def _versions(actor: Any) -> QuerySet[RubricVersion]:
    return RubricVersion.objects.filter(rubric__in=scoped(Rubric, actor).values("pk")).select_related(
        "rubric__organization"
    )


@register_scope(Criterion)
def _criteria(actor: Any) -> QuerySet[Criterion]:
    return Criterion.objects.filter(version__rubric__in=scoped(Rubric, actor).values("pk")).select_related("section")


@register_scope(Review)
def _reviews(actor: Any) -> QuerySet[Review]:
    qs = Review.objects.select_related(
        "conversation__organization", "conversation__freelancer__user", "rubric_version__rubric", "reviewer"
    )
    if is_qa_staff(actor):
        return qs
    visible = Q(conversation__organization_id__in=organization_ids(actor))
    if is_user(actor):
        # Freelancers see submitted reviews of their own conversations; reviewers their own work.
        mine = Q(pk__in=Review.objects.filter(_freelancer_conversation_q(actor, "conversation__")).values("pk"))
        visible |= mine & Q(status=ReviewStatus.SUBMITTED) & ~Q(kind=ReviewKind.CALIBRATION)
        visible |= Q(reviewer=actor)
    return qs.filter(visible)


@register_scope(CriterionScore)
def _criterion_scores(actor: Any) -> QuerySet[CriterionScore]:
    return CriterionScore.objects.filter(review__in=scoped(Review, actor).values("pk")).select_related("criterion")


@register_scope(Dispute)
def _disputes(actor: Any) -> QuerySet[Dispute]:
    return Dispute.objects.filter(review__in=scoped(Review, actor).values("pk")).select_related(
        "review__conversation__organization", "review__conversation__freelancer__user", "raised_by", "resolver"
    )


@register_scope(ImportJob)
def _import_jobs(actor: Any) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.select_related("organization", "created_by")
    if is_qa_staff(actor):
        return qs
    return qs.filter(organization_id__in=organization_ids(actor, REVIEW_ROLES))


# --- permissions (reads that answer yes/no)


def can_review_org(actor: Any, organization_id: int | None) -> bool:
    """Platform QA staff review everything; a seller's owner/manager/reviewer reviews that seller's."""
    if is_qa_staff(actor):
        return True
    return organization_id is not None and organization_id in organization_ids(actor, REVIEW_ROLES)


def can_import(actor: Any, organization_id: int) -> bool:
    if is_api_key(actor):
        return actor.api_key.organization_id == organization_id
    return is_qa_staff(actor) or organization_id in organization_ids(actor, IMPORT_ROLES)


def can_edit_rubric(actor: Any, rubric: Rubric) -> bool:
    if rubric.organization_id is None:
        return is_qa_staff(actor)
    return can_review_org(actor, rubric.organization_id)


# --- lists


def rubric_list(*, actor: Any) -> QuerySet[Rubric]:
    return scoped(Rubric, actor).annotate(version_count=Count("versions")).order_by("organization_id", "name")


def rubric_version_detail(*, actor: Any, pk: int) -> RubricVersion:
    from accounts.access import get_for_actor

    qs = scoped(RubricVersion, actor).prefetch_related(
        Prefetch("sections__criteria", queryset=Criterion.objects.select_related("sop_page").order_by("position", "id"))
    )
    return get_for_actor(qs, actor, pk=pk)


def published_versions(*, actor: Any, kind: str = "production") -> QuerySet[RubricVersion]:
    return (
        scoped(RubricVersion, actor).filter(status="published", rubric__kind=kind).order_by("rubric__name", "-number")
    )


def conversation_list(*, actor: Any, filters: dict | None = None) -> QuerySet[Conversation]:
    from .filters import ConversationFilter

    qs = scoped(Conversation, actor).annotate(review_count=Count("reviews", distinct=True))
    return ConversationFilter(filters or {}, queryset=qs.order_by("-started_at", "-id")).qs


def review_queue(*, actor: Any, filters: dict | None = None) -> QuerySet[Conversation]:
    """Conversations the actor may grade that have no submitted production review yet."""
    qs = conversation_list(actor=actor, filters=filters)
    if not is_qa_staff(actor):
        qs = qs.filter(organization_id__in=organization_ids(actor, REVIEW_ROLES))
    if is_user(actor):
        qs = qs.exclude(freelancer__user=actor)
    return qs.exclude(reviews__status=ReviewStatus.SUBMITTED, reviews__kind=ReviewKind.PRODUCTION)


def conversation_transcript(*, actor: Any, pk: int) -> Conversation:
    from accounts.access import get_for_actor

    qs = scoped(Conversation, actor).prefetch_related(
        Prefetch("messages", queryset=Message.objects.order_by("position"))
    )
    return get_for_actor(qs, actor, pk=pk)


def review_list(*, actor: Any, filters: dict | None = None) -> QuerySet[Review]:
    from .filters import ReviewFilter

    return ReviewFilter(filters or {}, queryset=scoped(Review, actor)).qs


def my_reviews(*, actor: Any) -> QuerySet[Review]:
    """Submitted reviews of the freelancer's own conversations, with their scores for lost points."""
    if not is_user(actor):
        return Review.objects.none()
    return (
        scoped(Review, actor)
        .filter(conversation__freelancer__user=actor, status=ReviewStatus.SUBMITTED)
        .exclude(kind=ReviewKind.CALIBRATION)
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=CriterionScore.objects.select_related("criterion__sop_page").order_by(
                    "criterion__section__position", "criterion__position"
                ),
            )
        )
    )


def review_detail(*, actor: Any, pk: int) -> Review:
    from accounts.access import get_for_actor

    qs = scoped(Review, actor).prefetch_related(
        Prefetch("scores", queryset=CriterionScore.objects.select_related("criterion__section", "criterion__sop_page")),
        Prefetch(
            "disputes", queryset=Dispute.objects.select_related("raised_by", "resolver").prefetch_related("items")
        ),
    )
    return get_for_actor(qs, actor, pk=pk)


def dispute_list(*, actor: Any, filters: dict | None = None) -> QuerySet[Dispute]:
    from .filters import DisputeFilter

    return DisputeFilter(filters or {}, queryset=scoped(Dispute, actor)).qs


def import_job_list(*, actor: Any) -> QuerySet[ImportJob]:
    return scoped(ImportJob, actor)


def review_audit_events(*, review: Review) -> QuerySet:
    """Audit events about a review and its disputes (the caller has already resolved the review)."""
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import AuditEvent

    review_ct = ContentType.objects.get_for_model(Review)
    dispute_ct = ContentType.objects.get_for_model(Dispute)
    dispute_ids = [str(d.pk) for d in review.disputes.all()]
    return (
        AuditEvent.objects.filter(
            Q(target_type=review_ct, target_id=str(review.pk)) | Q(target_type=dispute_ct, target_id__in=dispute_ids)
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )


# --- IQS


@dataclass(frozen=True)
class IqsResult:
    iqs: Decimal | None
    review_ids: list[int]
    critical_fail_count: int


def _iqs_reviews(
    freelancer: Any, contract: Any = None, start: dt.datetime | None = None, end: dt.datetime | None = None
):
    qs = Review.objects.filter(
        conversation__freelancer=freelancer, kind=ReviewKind.PRODUCTION, status=ReviewStatus.SUBMITTED
    )
    if contract is not None:
        qs = qs.filter(conversation__contract=contract)
    if start is not None:
        qs = qs.filter(submitted_at__gte=start)
    if end is not None:
        qs = qs.filter(submitted_at__lt=end)
    return qs.order_by("submitted_at", "id")


def iqs_for(
    freelancer: Any, contract: Any = None, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> tuple[Decimal | None, list[int], int]:
    """(IQS, review ids, critical-fail count) of production reviews submitted in [start, end).

    Calibration and vetting reviews never count. One query.
    """
    rows = list(_iqs_reviews(freelancer, contract, start, end).values_list("pk", "score", "critical_fail"))
    return iqs_of(r[1] for r in rows), [r[0] for r in rows], sum(1 for r in rows if r[2])


def freelancer_iqs(freelancer: Any, *, now: dt.datetime | None = None) -> IqsResult:
    """IQS over the last 90 days."""
    end = now or timezone.now()
    value, ids, fails = iqs_for(freelancer, start=end - dt.timedelta(days=IQS_WINDOW_DAYS), end=end)
    return IqsResult(iqs=value, review_ids=ids, critical_fail_count=fails)


def period_iqs_filters(*, organization_id: int, since: dt.date) -> dict[str, str]:
    """The review-list filters of an organization's counted reviews submitted since a day (UTC): the home page's
    IQS figure and the list it links to read the same reviews."""
    return {
        "organization": str(organization_id),
        "kind": ReviewKind.PRODUCTION,
        "status": ReviewStatus.SUBMITTED,
        "submitted_after": since.isoformat(),
    }


def organization_iqs(*, actor: Any, organization_id: int, since: dt.date) -> IqsResult:
    """IQS of an organization's production reviews submitted since ``since`` that the actor may see: the mean of
    the scores (as :func:`iqs_for`), over exactly the reviews :func:`review_list` lists with
    :func:`period_iqs_filters`. One query."""
    filters = period_iqs_filters(organization_id=organization_id, since=since)
    rows = list(review_list(actor=actor, filters=filters).values_list("pk", "score", "critical_fail"))
    fails = sum(1 for r in rows if r[2])
    return IqsResult(iqs=iqs_of(r[1] for r in rows), review_ids=[r[0] for r in rows], critical_fail_count=fails)
