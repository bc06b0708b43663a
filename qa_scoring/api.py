"""QA API: rubrics, conversations (and their import), reviews, disputes, import jobs. All scoped to the actor."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files import File
from django.db.models import Prefetch
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from accounts.access import get_for_actor, is_api_key, scoped
from accounts.models import Organization
from accounts.throttles import IMPORT_SCOPE
from config.api_inputs import ApiModelSerializer, BoundedIntegerField
from config.api_permissions import PersonRequired

from . import selectors, services
from .filters import ConversationFilter, DisputeFilter, ReviewFilter, RubricFilter
from .importers.registry import FORMATS
from .models import (
    Conversation,
    Criterion,
    CriterionScore,
    Dispute,
    DisputeItem,
    ImportJob,
    Message,
    Review,
    Rubric,
    RubricVersion,
)

# --- serializers


class CriterionSerializer(ApiModelSerializer):
    section = serializers.CharField(source="section.title", read_only=True)

    class Meta:
        model = Criterion
        fields = [
            "id",
            "key",
            "label",
            "guidance",
            "section",
            "kind",
            "scale_min",
            "scale_max",
            "weight",
            "allow_na",
            "critical",
            "sop_page",
            "sop_anchor",
            "position",
        ]


class RubricVersionSerializer(ApiModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = RubricVersion
        fields = ["id", "number", "status", "published_at", "notes", "criteria"]


class RubricSerializer(ApiModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    versions = RubricVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Rubric
        fields = ["id", "name", "organization", "kind", "pass_mark", "description", "versions"]


class MessageSerializer(ApiModelSerializer):
    class Meta:
        model = Message
        fields = [
            "position",
            "external_id",
            "author_role",
            "author_name",
            "author_external_id",
            "is_internal_note",
            "sent_at",
            "text",
            "attachments",
        ]


class ConversationSerializer(ApiModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    freelancer = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Conversation
        fields = [
            "id",
            "organization",
            "freelancer",
            "contract",
            "source",
            "external_id",
            "channel",
            "subject",
            "started_at",
            "ended_at",
            "csat",
            "csat_raw",
            "tags",
            "agent_email",
            "agent_name",
            "message_count",
            "imported_at",
            "updated_at",
        ]


class ConversationDetailSerializer(ConversationSerializer):
    messages = MessageSerializer(many=True, read_only=True)

    class Meta(ConversationSerializer.Meta):
        fields = [*ConversationSerializer.Meta.fields, "messages"]


class CriterionScoreSerializer(ApiModelSerializer):
    key = serializers.CharField(source="criterion.key", read_only=True)
    label = serializers.CharField(source="criterion.label", read_only=True)

    class Meta:
        model = CriterionScore
        fields = ["key", "label", "value", "comment"]


class ReviewSerializer(ApiModelSerializer):
    reviewer = serializers.EmailField(source="reviewer.email", read_only=True)
    rubric = serializers.CharField(source="rubric_version.rubric.name", read_only=True)
    rubric_version = serializers.IntegerField(source="rubric_version.number", read_only=True)
    scores = CriterionScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "conversation",
            "rubric",
            "rubric_version",
            "reviewer",
            "kind",
            "status",
            "score",
            "critical_fail",
            "comment",
            "submitted_at",
            "scores",
        ]


class DisputeItemSerializer(ApiModelSerializer):
    key = serializers.CharField(source="criterion.key", read_only=True)

    class Meta:
        model = DisputeItem
        fields = ["key", "comment", "original_value", "new_value", "changed"]


class DisputeSerializer(ApiModelSerializer):
    raised_by = serializers.EmailField(source="raised_by.email", read_only=True)
    resolver = serializers.SerializerMethodField()
    items = DisputeItemSerializer(many=True, read_only=True)

    class Meta:
        model = Dispute
        fields = [
            "id",
            "review",
            "raised_by",
            "status",
            "resolver",
            "resolution_comment",
            "score_before",
            "score_after",
            "created_at",
            "resolved_at",
            "items",
        ]

    def get_resolver(self, obj) -> str | None:
        return obj.resolver.email if obj.resolver_id else None


class DisputeCreateSerializer(serializers.Serializer):
    review = BoundedIntegerField(min_value=1)
    items = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        help_text="{criterion key: why the grade is wrong}",
    )


class ImportJobSerializer(ApiModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "organization",
            "filename",
            "format",
            "size",
            "status",
            "total_records",
            "imported",
            "updated",
            "rejected",
            "rejections",
            "error",
            "percent",
            "created_at",
            "finished_at",
        ]


class ImportRejectionSerializer(serializers.Serializer):
    position = serializers.CharField()
    external_id = serializers.CharField()
    reason = serializers.CharField()


class ImportErrorSerializer(serializers.Serializer):
    """A refused import: counts and rejections when records were read but none was valid, or messages under
    the parameter or ``file`` that made the payload unreadable (nothing stored either way)."""

    imported = serializers.IntegerField(required=False)
    updated = serializers.IntegerField(required=False)
    rejected = serializers.IntegerField(required=False)
    rejections = ImportRejectionSerializer(many=True, required=False)
    detail = serializers.CharField(required=False)
    file = serializers.ListField(child=serializers.CharField(), required=False)
    source = serializers.ListField(child=serializers.CharField(), required=False)
    organization = serializers.ListField(child=serializers.CharField(), required=False)
    freelancer = serializers.ListField(child=serializers.CharField(), required=False)


class ImportResultSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    updated = serializers.IntegerField()
    rejected = serializers.IntegerField()
    rejections = ImportRejectionSerializer(many=True)
    detail = serializers.CharField(required=False)


# --- viewsets


class RubricViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Rubric.objects.none()
    serializer_class = RubricSerializer
    filterset_class = RubricFilter
    ordering_fields = ["name"]

    def get_queryset(self):
        criteria = Criterion.objects.select_related("section").order_by("section__position", "position", "id")
        return (
            scoped(Rubric, self.request.user)
            .prefetch_related(
                Prefetch(
                    "versions",
                    queryset=RubricVersion.objects.order_by("-number").prefetch_related(
                        Prefetch("criteria", queryset=criteria)
                    ),
                )
            )
            .order_by("name", "id")
        )


class ConversationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Conversation.objects.none()
    filterset_class = ConversationFilter
    ordering_fields = ["started_at", "imported_at"]

    def get_serializer_class(self):
        return ConversationDetailSerializer if self.action == "retrieve" else ConversationSerializer

    def get_queryset(self):
        qs = scoped(Conversation, self.request.user).order_by("-started_at", "-id")
        if self.action == "retrieve":
            qs = qs.prefetch_related(Prefetch("messages", queryset=Message.objects.order_by("position")))
        return qs


class ReviewViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Review.objects.none()
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    ordering_fields = ["submitted_at", "score"]

    def get_queryset(self):
        return (
            scoped(Review, self.request.user)
            .prefetch_related(Prefetch("scores", queryset=CriterionScore.objects.select_related("criterion")))
            .order_by("-submitted_at", "-id")
        )


class DisputeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Dispute.objects.none()
    serializer_class = DisputeSerializer
    filterset_class = DisputeFilter
    ordering_fields = ["created_at"]

    def get_permissions(self):
        if self.action == "create":
            return [PersonRequired()]  # a dispute is raised by the freelancer or a seller's member, by name
        return super().get_permissions()

    def get_queryset(self):
        return (
            scoped(Dispute, self.request.user)
            .prefetch_related(Prefetch("items", queryset=DisputeItem.objects.select_related("criterion")))
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=DisputeCreateSerializer, responses={201: DisputeSerializer})
    def create(self, request):
        """Dispute criteria of a submitted review (the freelancer or the seller), within the window."""
        payload = DisputeCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        review = get_for_actor(Review, request.user, pk=payload.validated_data["review"])
        try:
            dispute = services.dispute_open(actor=request.user, review=review, items=payload.validated_data["items"])
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(_error_detail(exc)) from exc
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return Response(DisputeSerializer(self.get_queryset().get(pk=dispute.pk)).data, status=status.HTTP_201_CREATED)


class ImportJobViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ImportJob.objects.none()
    serializer_class = ImportJobSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return scoped(ImportJob, self.request.user).order_by("-created_at", "-id")


def _error_detail(exc: DjangoValidationError) -> dict | list:
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


# --- import


class RawUploadParser(BaseParser):
    """Spools the raw request body (JSON or CSV export) to a temporary file, enforcing the size limit."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.QA_IMPORT_MAX_BYTES
        spooled = tempfile.SpooledTemporaryFile(max_size=settings.QA_IMPORT_SYNC_MAX_BYTES)  # noqa: SIM115
        size = 0
        if stream is not None:
            while chunk := stream.read(64 * 1024):
                size += len(chunk)
                if size > limit:
                    spooled.close()
                    raise exceptions.ValidationError(
                        {"file": [f"The payload is larger than the {limit / 1_000_000:.0f} MB limit. Split it."]}
                    )
                spooled.write(chunk)
        spooled.seek(0)
        return {"file": spooled, "size": size}


class _Reopenable:
    """Gives the pipeline a fresh view of the same spooled payload for each of its two passes."""

    def __init__(self, spooled):
        self.spooled = spooled

    def __call__(self):
        self.spooled.seek(0)
        return _NoClose(self.spooled)


class _NoClose:
    def __init__(self, f):
        self.f = f

    def __enter__(self):
        return self.f

    def __exit__(self, *exc):
        return False

    def read(self, *args):
        return self.f.read(*args)


class ConversationImportView(APIView):
    """Import a helpdesk export sent as the request body (the same payloads the upload page accepts).

    Authenticate with the organization's API key (or a session plus ``?organization=<slug>``). Payloads up to
    ``QA_IMPORT_SYNC_MAX_BYTES`` are imported at once (200 with counts and rejections); larger ones become a
    background import job (202, follow ``/api/import-jobs/<id>/``). A payload that is not valid at all stores
    nothing (400, field-keyed message).
    """

    parser_classes = [RawUploadParser]
    throttle_scope = IMPORT_SCOPE  # an extra budget per API key or person (accounts/throttles.py)
    queryset = ImportJob.objects.none()
    serializer_class = ImportJobSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "source", OpenApiTypes.STR, enum=list(FORMATS), description="Format; detected when omitted"
            ),
            OpenApiParameter("organization", OpenApiTypes.STR, description="Slug; only for session users"),
            OpenApiParameter("freelancer", OpenApiTypes.EMAIL, description="Link every conversation to them"),
        ],
        request={"application/json": OpenApiTypes.OBJECT, "text/csv": OpenApiTypes.STR},
        responses={200: ImportResultSerializer, 202: ImportJobSerializer, 400: ImportErrorSerializer},
    )
    def post(self, request):
        from .importers.pipeline import import_file
        from .importers.records import ImportFileError

        organization = self._organization(request)
        # ``source``, not ``format``: DRF reserves ?format= for response content negotiation.
        fmt = request.query_params.get("source") or None
        if fmt is not None and fmt not in FORMATS:
            raise exceptions.ValidationError({"source": [f"Choose one of: {', '.join(FORMATS)}."]})
        freelancer = self._freelancer(request, organization)
        if not selectors.can_import(request.user, organization.pk):
            raise exceptions.PermissionDenied("You cannot import conversations for this organization.")
        data = request.data
        spooled, size = data.get("file"), data.get("size", 0)
        if spooled is None or size == 0:
            raise exceptions.ValidationError({"file": ["The payload is empty."]})
        if size > settings.QA_IMPORT_SYNC_MAX_BYTES:
            job = services.import_job_create(
                actor=request.user,
                organization=organization,
                upload=File(spooled, name="api-upload"),
                filename=f"api-upload.{'csv' if fmt == 'csv' else 'json'}",
                format=fmt or "",
                freelancer=freelancer,
            )
            return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
        try:
            report = import_file(
                _Reopenable(spooled),
                organization=organization,
                format=fmt,
                filename="",
                freelancer=freelancer,
                check_first=False,
            )
        except ImportFileError as exc:
            raise exceptions.ValidationError({"file": [str(exc)]}) from exc
        finally:
            spooled.close()
        services.import_audit(actor=request.user, organization=organization, report=report)
        body = report.as_dict()
        if not report.stored:
            body["detail"] = "Nothing valid was found in the payload."
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(body, status=status.HTTP_200_OK)

    def _organization(self, request) -> Organization:
        if is_api_key(request.user):
            return request.user.organization
        slug = request.query_params.get("organization")
        if not slug:
            raise exceptions.ValidationError({"organization": ["Give the organization's slug."]})
        return (
            get_for_actor(Organization, request.user, slug=slug)
            if not selectors.is_qa_staff(request.user)
            else _org_or_404(slug)
        )

    def _freelancer(self, request, organization):
        email = request.query_params.get("freelancer")
        if not email:
            return None
        from marketplace.models import FreelancerProfile

        profile = FreelancerProfile.objects.filter(
            user__email__iexact=email, contracts__organization=organization
        ).first()
        if profile is None:
            raise exceptions.ValidationError(
                {"freelancer": [f"No freelancer with a contract at {organization} has this e-mail."]}
            )
        return profile


def _org_or_404(slug: str) -> Organization:
    from django.http import Http404

    org = Organization.objects.filter(slug=slug).first()
    if org is None:
        raise Http404
    return org


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("qa/rubrics", RubricViewSet, basename="qa-rubric")
router.register("conversations", ConversationViewSet, basename="conversation")
router.register("qa/reviews", ReviewViewSet, basename="qa-review")
router.register("qa/disputes", DisputeViewSet, basename="qa-dispute")
router.register("import-jobs", ImportJobViewSet, basename="import-job")

urlpatterns = [
    path("conversations/import/", ConversationImportView.as_view(), name="conversation-import"),
    *router.urls,
]
