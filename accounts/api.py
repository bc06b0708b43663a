"""Accounts API: health, who am I, organizations and their members."""

from __future__ import annotations

import django_filters
from django.core.cache import cache, caches
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from config.api_inputs import ApiModelSerializer, BoundedFilterSet

from .access import actor_label, is_api_key, role_map, scoped, staff_groups
from .models import Membership, Organization, Role


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        return False, str(exc)[:200]


def _check_cache() -> tuple[bool, str]:
    try:
        cache.set("health:probe", "ok", 10)
        ok = cache.get("health:probe") == "ok"
        return ok, caches["default"].__class__.__name__ if ok else "value not read back"
    except Exception as exc:  # noqa: BLE001
        return False, str(exc)[:200]


def _check_broker() -> tuple[bool, str]:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True, str(app.conf.broker_url).split(":", 1)[0]
    except Exception as exc:  # noqa: BLE001
        return False, str(exc)[:200]


HEALTH = inline_serializer(
    "Health",
    {
        "status": serializers.ChoiceField(choices=["ok", "degraded"]),
        "checks": serializers.DictField(child=serializers.DictField()),
    },
)


class HealthView(APIView):
    """Status of the database, the cache and the task broker. Public, reveals no data."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: HEALTH, 503: HEALTH})
    def get(self, request):
        checks = {}
        for name, fn in (("database", _check_database), ("cache", _check_cache), ("broker", _check_broker)):
            ok, detail = fn()
            checks[name] = {"ok": ok, "detail": detail}
        healthy = all(c["ok"] for c in checks.values())
        return Response({"status": "ok" if healthy else "degraded", "checks": checks}, status=200 if healthy else 503)


class MeView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "actor": serializers.CharField(),
                "kind": serializers.ChoiceField(choices=["user", "api_key"]),
                "organizations": serializers.DictField(child=serializers.CharField()),
                "staff_groups": serializers.ListField(child=serializers.CharField()),
            },
        )
    )
    def get(self, request):
        actor = request.user
        return Response(
            {
                "actor": actor_label(actor),
                "kind": "api_key" if is_api_key(actor) else "user",
                "organizations": {str(k): v for k, v in sorted(role_map(actor).items())},
                "staff_groups": sorted(staff_groups(actor)),
            }
        )


class OrganizationSerializer(ApiModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "timezone", "currency", "created_at"]


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganizationSerializer
    filterset_fields = ["slug"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return scoped(Organization, self.request.user).order_by("name")


class MembershipSerializer(ApiModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "organization", "email", "name", "role", "created_at"]


class MembershipFilter(BoundedFilterSet):
    organization = django_filters.CharFilter(field_name="organization__slug")
    role = django_filters.ChoiceFilter(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["organization", "role"]


class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter

    def get_queryset(self):
        return scoped(Membership, self.request.user).order_by("organization__name", "user__email")


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("memberships", MembershipViewSet, basename="membership")

from django.urls import path  # noqa: E402

urlpatterns = [path("me/", MeView.as_view(), name="api-me"), *router.urls]
