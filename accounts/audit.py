"""Writing audit events. Reading them goes through selectors."""

from __future__ import annotations

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
) -> AuditEvent:
    """Append one event. ``data`` must be JSON-serialisable (Decimals and dates are converted)."""
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
    )
