"""Writing audit events. Reading them goes through selectors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .access import actor_label, is_user
from .models import AuditEvent, Organization


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    organization: Organization | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event. ``data`` must be JSON-serialisable (Decimals and dates are converted). ``at``: when the
    step happened, for a caller replaying past work (default: now)."""
    import json

    clean = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    return AuditEvent.objects.create(
        actor=actor if is_user(actor) else None,
        actor_label=actor_label(actor)[:160],
        organization=organization,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        data=clean,
        **({"created_at": at} if at is not None else {}),
    )


def audit_record_many(
    *,
    actor: Any,
    action: str,
    events: list[tuple[models.Model, int | None, dict[str, Any]]],
) -> int:
    """Append one event per (target, organization id, data), in one insert: the bulk form of ``audit_record``."""
    import json

    if not events:
        return 0
    target_type = ContentType.objects.get_for_model(events[0][0])
    label = actor_label(actor)[:160]
    user = actor if is_user(actor) else None
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=user,
                actor_label=label,
                organization_id=organization_id,
                action=action,
                target_type=target_type,
                target_id=str(target.pk),
                target_label=str(target)[:200],
                data=json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
            )
            for target, organization_id, data in events
        ],
        batch_size=1000,
    )
    return len(events)
