"""Thin Celery wrappers around QA operations services. Each takes ids and is safe to run twice."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.timezones import local_time, viewer_timezone_name

from . import services
from .models import CalibrationParticipant, SamplingRule


@shared_task(acks_late=True)
def run_sampling_rules() -> int:
    """Beat: sample the last complete period of every active rule (claimed per rule and period)."""
    return services.sampling_run_due()


@shared_task(acks_late=True)
def run_sampling_rule(rule_id: int, period_start: str) -> int:
    rule = SamplingRule.objects.filter(pk=rule_id).first()
    if rule is None:
        return 0
    return services.sampling_run(rule=rule, period_start=dt.date.fromisoformat(period_start)).created


@shared_task
def mark_assignments_done() -> int:
    return services.assignments_mark_done()


@shared_task(acks_late=True)
def autoqa_for_conversations(ids: list[int]) -> int:
    return services.autoqa_for_conversations(ids=ids)


@shared_task(acks_late=True)
def autoqa_for_import_job(job_id: int) -> int:
    """Run AutoQA on what an import job stored; enqueued when the import finishes."""
    return services.autoqa_for_conversations(ids=services.autoqa_import_job_conversations(job_id=job_id))


@shared_task(acks_late=True)
def autoqa_sweep() -> int:
    return services.autoqa_sweep(limit=settings.QA_OPS_AUTOQA_SWEEP_BATCH)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_calibration_invites(session_id: int) -> int:
    """E-mail each participant not yet notified; the conditional update makes a retry skip those already sent."""
    sent = 0
    for participant in CalibrationParticipant.objects.filter(
        session_id=session_id, notified_at__isnull=True
    ).select_related("user", "session"):
        session = participant.session
        url = settings.SITE_URL.rstrip("/") + reverse("qa_ops:session_detail", args=[session.pk])
        with timezone.override(zoneinfo.ZoneInfo(viewer_timezone_name(participant.user))):
            deadline = local_time(session.deadline, "Y-m-d H:i")  # in the participant's zone, named
        with transaction.atomic():  # a failed send rolls the mark back, so the retry sends it
            if not CalibrationParticipant.objects.filter(pk=participant.pk, notified_at__isnull=True).update(
                notified_at=timezone.now()
            ):
                continue
            send_mail(
                f"Calibration session: {session.title}",
                (
                    f"You are invited to grade the conversations of the calibration session “{session.title}” "
                    f"by {deadline}. Others' grades stay hidden until you submit."
                    f"\n\n{url}\n"
                ),
                None,
                [participant.user.email],
            )
        sent += 1
    return sent
