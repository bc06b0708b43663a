"""Every write in QA scoring: rubrics and their versions, imports, reviews, disputes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.access import has_org_role, is_user
from accounts.audit import audit_record
from accounts.clock import step_moment
from accounts.models import MANAGE_ROLES, Organization

from . import rollups, selectors
from .models import (
    Conversation,
    Criterion,
    CriterionKind,
    CriterionScore,
    Dispute,
    DisputeItem,
    DisputeStatus,
    ImportJob,
    ImportStatus,
    Review,
    ReviewKind,
    ReviewStatus,
    Rubric,
    RubricKind,
    RubricVersion,
    Section,
    VersionStatus,
)
from .scoring import ScoreItem, review_score

# --- rubrics


def _require_rubric_editor(actor: Any, rubric: Rubric) -> None:
    if not selectors.can_edit_rubric(actor, rubric):
        raise PermissionDenied("You cannot edit this rubric.")


def _require_draft(version: RubricVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ValidationError("This version is published and can no longer change. Start a new draft to edit it.")


@transaction.atomic
def rubric_create(
    *,
    actor: Any,
    organization: Organization | None,
    name: str,
    kind: str = RubricKind.PRODUCTION,
    pass_mark: Decimal = Decimal("80.00"),
    description: str = "",
) -> Rubric:
    """A new rubric with an empty draft version 1. Shared templates (no organization) are for QA staff."""
    if organization is None:
        if not selectors.is_qa_staff(actor):
            raise PermissionDenied("Only platform QA staff create shared rubric templates.")
    elif not selectors.can_review_org(actor, organization.pk):
        raise PermissionDenied("You cannot create rubrics for this organization.")
    rubric = Rubric(
        organization=organization,
        name=(name or "").strip(),
        kind=kind,
        pass_mark=pass_mark,
        description=description,
        created_by=actor if is_user(actor) else None,
    )
    rubric.full_clean()
    rubric.save()
    RubricVersion.objects.create(rubric=rubric, number=1)
    audit_record(actor=actor, action="qa.rubric.created", target=rubric, organization=organization)
    return rubric


@transaction.atomic
def rubric_version_publish(*, actor: Any, version: RubricVersion) -> RubricVersion:
    version = RubricVersion.objects.select_for_update(of=("self",)).select_related("rubric").get(pk=version.pk)
    _require_rubric_editor(actor, version.rubric)
    _require_draft(version)
    criteria = list(version.criteria.all())
    if not criteria:
        raise ValidationError("Add at least one criterion before publishing.")
    if sum(c.weight for c in criteria) == 0:
        raise ValidationError("At least one criterion needs a weight above 0.")
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor if is_user(actor) else None
    version.save(update_fields=["status", "published_at", "published_by"])
    audit_record(
        actor=actor,
        action="qa.rubric.published",
        target=version,
        organization=version.rubric.organization,
        data={"number": version.number, "criteria": len(criteria)},
    )
    return version


@transaction.atomic
def rubric_version_new_draft(*, actor: Any, rubric: Rubric) -> RubricVersion:
    """The rubric's draft: the existing one, or a copy of the latest version numbered next."""
    rubric = Rubric.objects.select_for_update(of=("self",)).get(pk=rubric.pk)
    _require_rubric_editor(actor, rubric)
    existing = rubric.versions.filter(status=VersionStatus.DRAFT).first()
    if existing:
        return existing
    latest = rubric.versions.order_by("-number").first()
    number = (latest.number if latest else 0) + 1
    draft = RubricVersion.objects.create(rubric=rubric, number=number)
    if latest is not None:
        for section in latest.sections.prefetch_related("criteria"):
            copy = Section.objects.create(version=draft, title=section.title, position=section.position)
            Criterion.objects.bulk_create(
                [
                    Criterion(
                        version=draft,
                        section=copy,
                        **{
                            f: getattr(c, f)
                            for f in (
                                "key",
                                "label",
                                "guidance",
                                "kind",
                                "scale_min",
                                "scale_max",
                                "weight",
                                "allow_na",
                                "critical",
                                "sop_page_id",
                                "sop_anchor",
                                "position",
                            )
                        },
                    )
                    for c in section.criteria.all()
                ]
            )
    audit_record(
        actor=actor,
        action="qa.rubric.draft_created",
        target=draft,
        organization=rubric.organization,
        data={"number": number},
    )
    return draft


@transaction.atomic
def section_add(*, actor: Any, version: RubricVersion, title: str) -> Section:
    _require_rubric_editor(actor, version.rubric)
    _require_draft(version)
    position = (version.sections.aggregate(m=Max("position"))["m"] or 0) + 1 if version.sections.exists() else 0
    section = Section(version=version, title=(title or "").strip(), position=position)
    section.full_clean()
    section.save()
    return section


CRITERION_FIELDS = ("key", "label", "guidance", "kind", "scale_min", "scale_max", "weight", "allow_na", "critical")


@transaction.atomic
def criterion_add(*, actor: Any, section: Section, **values: Any) -> Criterion:
    version = section.version
    _require_rubric_editor(actor, version.rubric)
    _require_draft(version)
    unknown = set(values) - set(CRITERION_FIELDS) - {"sop_page", "sop_anchor"}
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    position = (section.criteria.aggregate(m=Max("position"))["m"] or 0) + 1 if section.criteria.exists() else 0
    criterion = Criterion(version=version, section=section, position=position, **values)
    if criterion.kind == CriterionKind.BINARY:
        criterion.scale_min, criterion.scale_max = 0, 1
    if Criterion.objects.filter(version=version, key=criterion.key).exists():
        raise ValidationError({"key": f"The key “{criterion.key}” is already used in this version."})
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_update(*, actor: Any, criterion: Criterion, **values: Any) -> Criterion:
    criterion = Criterion.objects.select_for_update(of=("self",)).select_related("version__rubric").get(pk=criterion.pk)
    _require_rubric_editor(actor, criterion.version.rubric)
    _require_draft(criterion.version)
    for name, value in values.items():
        if name not in CRITERION_FIELDS + ("sop_page", "sop_anchor"):
            raise ValidationError(f"Unknown field {name}.")
        setattr(criterion, name, value)
    if criterion.kind == CriterionKind.BINARY:
        criterion.scale_min, criterion.scale_max = 0, 1
    if Criterion.objects.filter(version=criterion.version, key=criterion.key).exclude(pk=criterion.pk).exists():
        raise ValidationError({"key": f"The key “{criterion.key}” is already used in this version."})
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_delete(*, actor: Any, criterion: Criterion) -> None:
    _require_rubric_editor(actor, criterion.version.rubric)
    _require_draft(criterion.version)
    criterion.delete()


@transaction.atomic
def criterion_move(*, actor: Any, criterion: Criterion, direction: str) -> None:
    """Swap the criterion with its neighbour in the section (``up`` or ``down``)."""
    _require_rubric_editor(actor, criterion.version.rubric)
    _require_draft(criterion.version)
    if direction not in ("up", "down"):
        raise ValidationError("Move up or down.")
    siblings = list(criterion.section.criteria.select_for_update(of=("self",)).order_by("position", "id"))
    index = next(i for i, c in enumerate(siblings) if c.pk == criterion.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, c in enumerate(siblings):
        if c.position != position:
            Criterion.objects.filter(pk=c.pk).update(position=position)


# --- imports


@transaction.atomic
def import_job_create(
    *,
    actor: Any,
    organization: Organization,
    upload: File,
    filename: str,
    format: str = "",
    freelancer: Any = None,
) -> ImportJob:
    """Keep the uploaded file and import it in the background."""
    from .importers.pipeline import check_size
    from .importers.records import ImportFileError

    if not selectors.can_import(actor, organization.pk):
        raise PermissionDenied("You cannot import conversations for this organization.")
    try:
        check_size(upload.size)
    except ImportFileError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    job = ImportJob(
        organization=organization,
        created_by=actor if is_user(actor) else None,
        freelancer=freelancer,
        format=format or "",
        filename=(filename or "upload")[:200],
        size=upload.size,
    )
    job.file.save(job.filename, upload, save=False)
    job.save()
    audit_record(
        actor=actor,
        action="qa.import.queued",
        target=job,
        organization=organization,
        data={"filename": job.filename, "size": job.size, "format": job.format},
    )
    from .tasks import run_import_job

    run_import_job.delay_on_commit(job.pk)
    return job


def import_job_run(*, job_id: int) -> str:
    """Run a queued import job once. Claimed with a conditional update, so a second delivery does nothing."""
    from .importers.pipeline import ImportReport, import_file
    from .importers.records import ImportFileError

    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    job = ImportJob.objects.select_related("organization", "freelancer").get(pk=job_id)

    last = {"bytes": 0}

    def checking(bytes_read: int) -> None:
        # Throttled: one small UPDATE per megabyte read.
        if bytes_read - last["bytes"] >= 1_000_000:
            last["bytes"] = bytes_read
            ImportJob.objects.filter(pk=job_id).update(bytes_read=bytes_read)

    def checked(total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(total_records=total, bytes_read=job.size)

    def progress(report: ImportReport) -> None:
        ImportJob.objects.filter(pk=job_id).update(
            imported=report.imported, updated=report.updated, rejected=report.rejected
        )

    try:
        report = import_file(
            lambda: job.file.open("rb"),
            organization=job.organization,
            format=job.format or None,
            filename=job.filename,
            freelancer=job.freelancer,
            on_checking=checking,
            on_checked=checked,
            on_progress=progress,
        )
    except ImportFileError as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED, error=str(exc), finished_at=timezone.now()
        )
        return "failed"
    data = report.as_dict()
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.DONE,
        imported=report.imported,
        updated=report.updated,
        rejected=report.rejected,
        rejections=data["rejections"],
        error="" if report.stored else "Nothing valid was found in the file.",
        finished_at=timezone.now(),
    )
    _after_import(job_id=job_id)
    return "done"


def _after_import(*, job_id: int) -> None:
    """Enqueue the follow-up tasks named in QA_AFTER_IMPORT_TASKS (e.g. AutoQA), without importing their apps."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    for path in settings.QA_AFTER_IMPORT_TASKS:
        import_string(path).delay_on_commit(job_id)


def import_audit(*, actor: Any, organization: Organization, report: Any) -> None:
    """Record a synchronous import (API, command) in the audit log."""
    audit_record(
        actor=actor,
        action="qa.import.done",
        organization=organization,
        data={"imported": report.imported, "updated": report.updated, "rejected": report.rejected},
    )


# --- reviews


def default_rubric_version(*, organization_id: int | None, kind: str = RubricKind.PRODUCTION) -> RubricVersion | None:
    """The organization's own latest published rubric of that kind, else the shared template's."""
    qs = RubricVersion.objects.filter(status=VersionStatus.PUBLISHED, rubric__kind=kind).select_related("rubric")
    if organization_id is not None:
        own = qs.filter(rubric__organization_id=organization_id).order_by("-published_at", "-number").first()
        if own:
            return own
    return qs.filter(rubric__organization__isnull=True).order_by("rubric_id", "-number").first()


def _require_reviewer(actor: Any, conversation: Conversation) -> None:
    if not is_user(actor) or not selectors.can_review_org(actor, conversation.organization_id):
        raise PermissionDenied("You cannot review this conversation.")
    if conversation.freelancer_id is not None and conversation.freelancer.user_id == actor.pk:
        raise PermissionDenied("You cannot review your own conversation.")


@transaction.atomic
def review_start(
    *,
    actor: Any,
    conversation: Conversation,
    rubric_version: RubricVersion | None = None,
    kind: str = ReviewKind.PRODUCTION,
    now: dt.datetime | None = None,
) -> Review:
    """The actor's review of the conversation: their existing one, or a new draft.

    ``now`` (default: now) is when the review starts; a caller replaying past work (the demo) gives it.
    """
    _require_reviewer(actor, conversation)
    now = step_moment(now)
    existing = Review.objects.filter(conversation=conversation, reviewer=actor, kind=kind).first()
    if existing:
        return existing
    version = rubric_version or default_rubric_version(organization_id=conversation.organization_id)
    if version is None:
        raise ValidationError("No published rubric is available. Publish one first.")
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError({"rubric_version": "Only published rubric versions can be used for reviews."})
    if version.rubric.organization_id not in (None, conversation.organization_id):
        raise ValidationError({"rubric_version": "This rubric belongs to another organization."})
    review = Review(
        conversation=conversation, rubric_version=version, reviewer=actor, kind=kind, created_at=now, updated_at=now
    )
    review.full_clean()
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        return Review.objects.get(conversation=conversation, reviewer=actor, kind=kind)
    audit_record(actor=actor, action="qa.review.started", target=review, organization=conversation.organization, at=now)
    return review


@dataclass(frozen=True)
class Grade:
    value: int | None  # None with na=False: not graded yet
    na: bool = False
    comment: str = ""


def _apply_grades(review: Review, grades: dict[str, Grade], *, complete: bool) -> list[tuple[Criterion, Grade]]:
    """Validate the grades against the review's criteria; field-keyed errors. Returns every criterion's grade."""
    criteria = list(Criterion.objects.filter(version=review.rubric_version).order_by("section__position", "position"))
    by_key = {c.key: c for c in criteria}
    errors: dict[str, list[str]] = {}
    unknown = set(grades) - set(by_key)
    for key in sorted(unknown):
        errors.setdefault(key, []).append("This criterion is not in the review's rubric.")
    result = []
    for criterion in criteria:
        grade = grades.get(criterion.key, Grade(None))
        if grade.na:
            if not criterion.allow_na:
                errors.setdefault(criterion.key, []).append("N/A is not allowed for this criterion.")
            grade = Grade(None, True, grade.comment)
        elif grade.value is None:
            if complete:
                errors.setdefault(criterion.key, []).append(
                    "Grade this criterion" + (" or mark it N/A." if criterion.allow_na else ".")
                )
        elif not criterion.scale_min <= grade.value <= criterion.scale_max:
            errors.setdefault(criterion.key, []).append(
                f"Choose a value from {criterion.scale_min} to {criterion.scale_max}."
            )
        if len(grade.comment) > 5000:
            errors.setdefault(criterion.key, []).append("Keep the comment under 5,000 characters.")
        result.append((criterion, grade))
    if errors:
        raise ValidationError(errors)
    existing = {s.criterion_id: s for s in review.scores.all()}
    to_create, to_update = [], []
    for criterion, grade in result:
        # Stored value None = N/A; an ungraded criterion in a draft has no row.
        if grade.value is None and not grade.na:
            if criterion.pk in existing:
                existing[criterion.pk].delete()
            continue
        row = existing.get(criterion.pk)
        if row is None:
            to_create.append(
                CriterionScore(review=review, criterion=criterion, value=grade.value, comment=grade.comment)
            )
        elif row.value != grade.value or row.comment != grade.comment:
            row.value, row.comment = grade.value, grade.comment
            to_update.append(row)
    CriterionScore.objects.bulk_create(to_create)
    CriterionScore.objects.bulk_update(to_update, ["value", "comment"])
    return result


def _locked(review: Review) -> None:
    if review.status != ReviewStatus.DRAFT:
        raise ValidationError("This review is submitted and locked. Changes go through a dispute.")


def _score_items(review: Review) -> list[ScoreItem]:
    return [
        ScoreItem(
            s.criterion.kind,
            s.criterion.scale_min,
            s.criterion.scale_max,
            s.criterion.weight,
            s.value,
            s.criterion.critical,
        )
        for s in review.scores.select_related("criterion")
    ]


@transaction.atomic
def review_save_draft(*, actor: Any, review: Review, grades: dict[str, Grade], comment: str = "") -> Review:
    review = Review.objects.select_for_update(of=("self",)).select_related("conversation__freelancer").get(pk=review.pk)
    if review.reviewer_id != getattr(actor, "pk", None):
        raise PermissionDenied("Only the reviewer who started this review can change it.")
    _locked(review)
    _apply_grades(review, grades, complete=False)
    review.comment = comment
    review.updated_at = timezone.now()
    review.save(update_fields=["comment", "updated_at"])
    return review


@transaction.atomic
def review_submit(
    *, actor: Any, review: Review, grades: dict[str, Grade], comment: str = "", now: dt.datetime | None = None
) -> Review:
    now = step_moment(now)
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("conversation__freelancer", "conversation__organization", "rubric_version__rubric")
        .get(pk=review.pk)
    )
    if review.reviewer_id != getattr(actor, "pk", None):
        raise PermissionDenied("Only the reviewer who started this review can submit it.")
    _require_reviewer(actor, review.conversation)
    _locked(review)
    counted_before = rollups.nothing_yet(review_ids=[review.pk])  # a draft counts nowhere
    _apply_grades(review, grades, complete=True)
    result = review_score(_score_items(review))
    review.score = result.score
    review.critical_fail = result.critical_fail
    review.comment = comment
    review.status = ReviewStatus.SUBMITTED
    if now < review.created_at:
        raise ValidationError("A review cannot be submitted before it was started.")
    review.submitted_at = review.updated_at = now
    review.full_clean()
    review.save()
    rollups.record_change(counted_before)
    audit_record(
        actor=actor,
        action="qa.review.submitted",
        target=review,
        organization=review.conversation.organization,
        data={"score": result.score, "critical_fail": result.critical_fail},
        at=now,
    )
    if review.kind == ReviewKind.PRODUCTION:
        freelancer_iqs_refresh(freelancer_id=review.conversation.freelancer_id)
        from .tasks import send_review_notification

        send_review_notification.delay_on_commit(review.pk, "submitted")
    return review


def freelancer_iqs_refresh(*, freelancer_id: int | None) -> None:
    """Recompute the freelancer's 90-day IQS and hand it to the marketplace profile."""
    if freelancer_id is None:
        return
    from marketplace import services as marketplace_services
    from marketplace.models import FreelancerProfile

    profile = FreelancerProfile(pk=freelancer_id)
    result = selectors.freelancer_iqs(profile)
    marketplace_services.freelancer_quality_update(
        profile_id=freelancer_id, iqs=result.iqs, review_count=len(result.review_ids)
    )


# --- disputes


def dispute_deadline(review: Review) -> dt.datetime | None:
    if review.submitted_at is None:
        return None
    return review.submitted_at + dt.timedelta(days=settings.QA_DISPUTE_WINDOW_DAYS)


def can_dispute(actor: Any, review: Review) -> bool:
    if not is_user(actor) or review.status != ReviewStatus.SUBMITTED or review.kind != ReviewKind.PRODUCTION:
        return False
    conversation = review.conversation
    is_subject = conversation.freelancer_id is not None and conversation.freelancer.user_id == actor.pk
    is_seller = conversation.organization_id is not None and has_org_role(
        actor, conversation.organization_id, MANAGE_ROLES
    )
    return is_subject or is_seller


@transaction.atomic
def dispute_open(*, actor: Any, review: Review, items: dict[str, str], now: dt.datetime | None = None) -> Dispute:
    """``items``: {criterion key: why the grade is wrong}. Each comment is required. ``now``: when (default now)."""
    now = step_moment(now)
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("conversation__freelancer", "conversation__organization")
        .get(pk=review.pk)
    )
    if not can_dispute(actor, review):
        raise PermissionDenied("Only the freelancer or the seller can dispute this review.")
    deadline = dispute_deadline(review)
    if deadline is not None and now < review.submitted_at:
        raise ValidationError("A review cannot be disputed before it was submitted.")
    if deadline is None or now > deadline:
        raise ValidationError(
            f"The dispute window ({settings.QA_DISPUTE_WINDOW_DAYS} days after submission) has closed."
        )
    if review.disputes.filter(status=DisputeStatus.OPEN).exists():
        raise ValidationError("This review already has an open dispute.")
    scores = {s.criterion.key: s for s in review.scores.select_related("criterion")}
    errors: dict[str, list[str]] = {}
    if not items:
        errors["items"] = ["Choose at least one criterion to dispute."]
    for key, text in items.items():
        if key not in scores:
            errors.setdefault(key, []).append("This criterion is not in the review.")
        elif not (text or "").strip():
            errors.setdefault(key, []).append("Say why this grade is wrong.")
    if errors:
        raise ValidationError(errors)
    counted_before = rollups.snapshot(review_ids=[review.pk])
    dispute = Dispute.objects.create(review=review, raised_by=actor, score_before=review.score, created_at=now)
    DisputeItem.objects.bulk_create(
        [
            DisputeItem(
                dispute=dispute,
                criterion=scores[key].criterion,
                comment=text.strip(),
                original_value=scores[key].value,
            )
            for key, text in items.items()
        ]
    )
    rollups.record_change(counted_before)
    audit_record(
        actor=actor,
        action="qa.dispute.opened",
        target=dispute,
        organization=review.conversation.organization,
        data={"review": review.pk, "criteria": sorted(items)},
        at=now,
    )
    from .tasks import send_review_notification

    send_review_notification.delay_on_commit(review.pk, "disputed")
    return dispute


def can_resolve(actor: Any, dispute: Dispute) -> bool:
    review = dispute.review
    if not is_user(actor) or dispute.raised_by_id == actor.pk:
        return False
    conversation = review.conversation
    if conversation.freelancer_id is not None and conversation.freelancer.user_id == actor.pk:
        return False
    if review.reviewer_id == actor.pk and not settings.QA_DISPUTE_ORIGINAL_REVIEWER_MAY_RESOLVE:
        return False
    return selectors.can_review_org(actor, conversation.organization_id)


OUTCOMES = (DisputeStatus.ACCEPTED, DisputeStatus.PARTLY_ACCEPTED, DisputeStatus.REJECTED)


@transaction.atomic
def dispute_resolve(
    *,
    actor: Any,
    dispute: Dispute,
    outcome: str,
    comment: str,
    new_values: dict[str, Grade] | None = None,
    now: dt.datetime | None = None,
) -> Dispute:
    """Accept (every disputed criterion gets its new value), partly accept (some do) or reject (none do).

    ``new_values``: {criterion key: Grade} for the disputed criteria whose grade changes.
    """
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("review__conversation__freelancer", "review__conversation__organization")
        .get(pk=dispute.pk)
    )
    if not can_resolve(actor, dispute):
        raise PermissionDenied("A reviewer other than the original one resolves this dispute.")
    if dispute.status != DisputeStatus.OPEN:
        raise ValidationError("This dispute is already resolved.")
    now = step_moment(now)
    if now < dispute.created_at:
        raise ValidationError("A dispute cannot be resolved before it was opened.")
    errors: dict[str, list[str]] = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = ["Choose accept, partly accept or reject."]
    if not (comment or "").strip():
        errors["comment"] = ["Explain the decision."]
    new_values = new_values or {}
    items = {i.criterion.key: i for i in dispute.items.select_related("criterion")}
    for key in new_values:
        if key not in items:
            errors.setdefault(key, []).append("This criterion was not disputed.")
    changes: dict[str, Grade] = {}
    for key, grade in new_values.items():
        item = items.get(key)
        if item is None:
            continue
        criterion = item.criterion
        if grade.na and not criterion.allow_na:
            errors.setdefault(key, []).append("N/A is not allowed for this criterion.")
        elif not grade.na and (grade.value is None or not criterion.scale_min <= grade.value <= criterion.scale_max):
            errors.setdefault(key, []).append(f"Choose a value from {criterion.scale_min} to {criterion.scale_max}.")
        elif (None if grade.na else grade.value) != item.original_value:
            changes[key] = grade
    if not errors:
        if outcome == DisputeStatus.ACCEPTED and set(changes) != set(items):
            errors["outcome"] = ["Accepting changes every disputed criterion: give each a new value."]
        elif outcome == DisputeStatus.PARTLY_ACCEPTED and not (0 < len(changes) < len(items)):
            errors["outcome"] = ["Partly accepting changes some, not all, of the disputed criteria."]
        elif outcome == DisputeStatus.REJECTED and changes:
            errors["outcome"] = ["Rejecting keeps every grade: leave the values unchanged."]
    if errors:
        raise ValidationError(errors)
    review = Review.objects.select_for_update(of=("self",)).get(pk=dispute.review_id)
    counted_before = rollups.snapshot(review_ids=[review.pk])
    for key, grade in changes.items():
        item = items[key]
        value = None if grade.na else grade.value
        CriterionScore.objects.filter(review=review, criterion=item.criterion).update(value=value)
        item.new_value, item.changed = value, True
        item.save(update_fields=["new_value", "changed"])
    before = review.score
    if changes:
        result = review_score(_score_items(review))
        review.score, review.critical_fail = result.score, result.critical_fail
        review.updated_at = now
        review.save(update_fields=["score", "critical_fail", "updated_at"])
    dispute.status = outcome
    dispute.resolver = actor
    dispute.resolution_comment = comment.strip()
    dispute.score_after = review.score
    dispute.resolved_at = now
    dispute.save()
    rollups.record_change(counted_before)
    organization = dispute.review.conversation.organization
    audit_record(
        actor=actor,
        action="qa.dispute.resolved",
        target=dispute,
        organization=organization,
        data={"outcome": outcome, "changed": sorted(changes), "score_before": before, "score_after": review.score},
        at=now,
    )
    if changes:
        audit_record(
            actor=actor,
            action="qa.review.rescored",
            target=review,
            organization=organization,
            data={"score_before": before, "score_after": review.score, "dispute": dispute.pk},
            at=now,
        )
        freelancer_iqs_refresh(freelancer_id=dispute.review.conversation.freelancer_id)
    from .tasks import send_review_notification

    send_review_notification.delay_on_commit(review.pk, "dispute_resolved")
    return dispute
