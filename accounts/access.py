"""The one place that decides what an actor may see.

An *actor* is a logged-in ``User`` or an ``ApiKeyActor`` (an organization API key). Every app registers, for
each of its models, a scope function ``(actor) -> QuerySet`` with :func:`register_scope`; views and APIs then
read through :func:`scoped` and resolve single objects with :func:`get_for_actor`, which answers 404 for
anything outside the actor's scope, so other tenants' objects are indistinguishable from missing ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.http import Http404

from .models import ApiKey, Membership, Organization, Role

M = TypeVar("M", bound=models.Model)
ScopeFn = Callable[[Any], models.QuerySet]
_SCOPES: dict[type[models.Model], ScopeFn] = {}


@dataclass(frozen=True)
class ApiKeyActor:
    """An integration acting through an organization API key, with a manager's reach inside that org only."""

    api_key: ApiKey

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    @property
    def organization(self) -> Organization:
        return self.api_key.organization

    @property
    def label(self) -> str:
        return f"API key {self.api_key.name} ({self.api_key.key_id})"

    def __str__(self) -> str:
        return self.label


def is_api_key(actor: Any) -> bool:
    return isinstance(actor, ApiKeyActor)


def is_user(actor: Any) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and not is_api_key(actor))


def actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    if is_api_key(actor):
        return actor.label
    return getattr(actor, "email", str(actor))


def staff_groups(actor: Any) -> frozenset[str]:
    """Names of the platform staff groups the actor belongs to (cached on the user object)."""
    if not is_user(actor):
        return frozenset()
    cached = getattr(actor, "_staff_groups_cache", None)
    if cached is None:
        names = set(actor.groups.filter(name__in=settings.PLATFORM_STAFF_GROUPS).values_list("name", flat=True))
        if actor.is_superuser:
            names |= set(settings.PLATFORM_STAFF_GROUPS)
        cached = frozenset(names)
        actor._staff_groups_cache = cached
    return cached


def is_platform_staff(actor: Any, group: str | None = None) -> bool:
    groups = staff_groups(actor)
    return bool(groups) if group is None else group in groups


def role_map(actor: Any) -> dict[int, str]:
    """{organization id: role} for the actor (cached on the user object)."""
    if is_api_key(actor):
        return {actor.api_key.organization_id: Role.MANAGER}
    if not is_user(actor):
        return {}
    cached = getattr(actor, "_role_map_cache", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=actor).values_list("organization_id", "role"))
        actor._role_map_cache = cached
    return cached


def organization_ids(actor: Any, roles: Iterable[str] | None = None) -> set[int]:
    allowed = set(roles) if roles is not None else None
    return {org_id for org_id, role in role_map(actor).items() if allowed is None or role in allowed}


def has_org_role(actor: Any, organization: Organization | int, roles: Iterable[str] | None = None) -> bool:
    org_id = organization if isinstance(organization, int) else organization.pk
    return org_id in organization_ids(actor, roles)


def forget_cached_access(actor: Any) -> None:
    """Drop per-request caches after the actor's memberships or groups change."""
    for attr in ("_role_map_cache", "_staff_groups_cache"):
        if hasattr(actor, attr):
            delattr(actor, attr)


def register_scope(model: type[M]) -> Callable[[ScopeFn], ScopeFn]:
    def decorator(fn: ScopeFn) -> ScopeFn:
        if model in _SCOPES and _SCOPES[model] is not fn:
            raise RuntimeError(f"A scope for {model.__name__} is already registered.")
        _SCOPES[model] = fn
        return fn

    return decorator


def registered_models() -> list[type[models.Model]]:
    return list(_SCOPES)


def scoped(model: type[M], actor: Any) -> models.QuerySet[M]:
    """Everything of ``model`` the actor may read. Anonymous actors see nothing."""
    try:
        fn = _SCOPES[model]
    except KeyError as exc:
        raise RuntimeError(f"No access scope registered for {model.__name__}.") from exc
    if actor is None or not getattr(actor, "is_authenticated", False):
        return model._default_manager.none()
    return fn(actor)


def get_for_actor(model_or_qs: type[M] | models.QuerySet[M], actor: Any, **lookup: Any) -> M:
    """Resolve one object inside the actor's scope, or raise Http404.

    Given a queryset, it must already be scoped (e.g. from a selector); it is only narrowed further.
    """
    qs = scoped(model_or_qs, actor) if isinstance(model_or_qs, type) else model_or_qs
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(f"No {qs.model._meta.verbose_name} matches the given query.") from exc
    except qs.model.MultipleObjectsReturned as exc:  # pragma: no cover - lookups are by key
        raise Http404 from exc
