"""Playbooks API: read-only, scoped exactly like page serving (other tenants' playbooks do not exist here)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.routers import DefaultRouter

from accounts.access import scoped
from config.api_inputs import ApiModelSerializer

from . import selectors
from .filters import SOPPageFilter
from .models import PlaybookPage, SOPPage


class PlaybookSerializer(ApiModelSerializer):
    url = serializers.SerializerMethodField()
    owner_organization = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Empty = shared template")

    class Meta:
        model = PlaybookPage
        fields = ["id", "title", "slug", "description", "channels", "owner_organization", "url", "last_published_at"]

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj: PlaybookPage) -> str:
        return selectors.serve_path(obj)


class SOPPageSerializer(ApiModelSerializer):
    url = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()

    class Meta:
        model = SOPPage
        fields = ["id", "title", "slug", "summary", "tags", "review_by", "url", "last_published_at", "body"]

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj: SOPPage) -> str:
        return selectors.serve_path(obj)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, obj: SOPPage) -> list[str]:
        return sorted(t.name for t in obj.tags.all())

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_body(self, obj: SOPPage) -> list[dict]:
        """The StreamField blocks: [{type, value, id}] (step, decision, canned_reply, do_dont, escalation, note…)."""
        return list(obj.body.raw_data)


class PlaybookViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlaybookSerializer
    queryset = PlaybookPage.objects.none()
    filterset_fields = []
    ordering_fields = ["title", "last_published_at"]

    def get_queryset(self):
        return selectors.playbook_list(actor=self.request.user)


class SOPPageViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SOPPageSerializer
    queryset = SOPPage.objects.none()
    filterset_class = SOPPageFilter
    ordering_fields = ["title", "review_by", "last_published_at"]

    def get_queryset(self):
        return scoped(SOPPage, self.request.user).prefetch_related("tags").order_by("path")


router = DefaultRouter()
router.register("playbooks", PlaybookViewSet, basename="playbook")
router.register("sop-pages", SOPPageViewSet, basename="sop-page")
urlpatterns = router.urls
