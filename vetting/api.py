"""Vetting API for staff: read the pipeline and the funnel, and move applications through the staff stages.

Only vetting (and ops) staff: everyone else gets empty lists and 404 on ids.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from accounts.access import scoped
from config.api_inputs import ApiModelSerializer, BoundedDateField, BoundedDateTimeField, BoundedIntegerField

from . import selectors, services
from .filters import ApplicationFilter
from .models import SCORECARD_CRITERIA, Application, RejectionReason, StageResult, TaxForm


class StageResultSerializer(ApiModelSerializer):
    reviewer = serializers.EmailField(source="reviewer.email", read_only=True, allow_null=True, default=None)

    class Meta:
        model = StageResult
        fields = [
            "stage",
            "outcome",
            "score",
            "pass_mark",
            "reviewer",
            "notes",
            "auto_checks",
            "started_at",
            "finished_at",
        ]


class ApplicationSerializer(ApiModelSerializer):
    freelancer_email = serializers.EmailField(source="freelancer.user.email", read_only=True)
    freelancer_name = serializers.CharField(source="freelancer.user.display_name", read_only=True)
    country = serializers.CharField(source="freelancer.country", read_only=True)
    results = StageResultSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "freelancer_email",
            "freelancer_name",
            "country",
            "status",
            "stage",
            "submitted_at",
            "stage_entered_at",
            "decided_at",
            "rejection_reason",
            "reapply_after",
            "vetting_score",
            "results",
        ]
        read_only_fields = fields


class ScoreInputSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class NotesInputSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class RejectInputSerializer(serializers.Serializer):
    rejection_reason = serializers.ChoiceField(choices=RejectionReason.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    reapply_after = BoundedDateField(required=False, allow_null=True, default=None)


class GradeInputSerializer(serializers.Serializer):
    values = serializers.DictField(
        child=BoundedIntegerField(allow_null=True),
        help_text="Criterion key → value of the published Vetting rubric (null = N/A where allowed).",
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ScorecardInputSerializer(serializers.Serializer):
    communication = BoundedIntegerField(min_value=1, max_value=5)
    english = BoundedIntegerField(min_value=1, max_value=5)
    reliability = BoundedIntegerField(min_value=1, max_value=5)
    customer_mindset = BoundedIntegerField(min_value=1, max_value=5)
    notes = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)


class ChecksInputSerializer(serializers.Serializer):
    identity_confirmed = serializers.BooleanField()
    tax_form = serializers.ChoiceField(choices=TaxForm.choices, allow_blank=True)
    payout_method_set = serializers.BooleanField()


class ReferenceInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    relationship = serializers.CharField(max_length=120)
    contact = serializers.CharField(max_length=200)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


def _field_errors(exc: DjangoValidationError) -> DrfValidationError:
    if hasattr(exc, "error_dict"):
        return DrfValidationError(exc.message_dict)
    return DrfValidationError({"non_field_errors": exc.messages})


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applications, oldest in their stage first. Filters: stage, status, country, language, skill, waiting_days."""

    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    queryset = Application.objects.none()
    ordering_fields = ["stage_entered_at", "submitted_at"]

    def get_queryset(self):
        if not selectors.can_read_pipeline(self.request.user):
            return Application.objects.none()  # staff only: candidates use their page, sellers see nothing
        return (
            scoped(Application, self.request.user)
            .prefetch_related(
                Prefetch("results", queryset=StageResult.objects.select_related("reviewer").order_by("started_at"))
            )
            .order_by("stage_entered_at", "pk")
        )

    def _run(self, input_serializer, fn):
        application = self.get_object()
        data = input_serializer(data=self.request.data)
        data.is_valid(raise_exception=True)
        try:
            fn(application, data.validated_data)
        except DjangoValidationError as exc:
            raise _field_errors(exc) from exc
        return Response(ApplicationSerializer(self.get_queryset().get(pk=application.pk)).data)

    @extend_schema(request=ScoreInputSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def screen(self, request, pk=None):
        """Record the reviewer's profile-screen judgement (failed automatic checks still fail the stage)."""
        return self._run(
            ScoreInputSerializer,
            lambda app, d: services.profile_screen_judge(
                actor=request.user, application=app, score=d["score"], notes=d["notes"]
            ),
        )

    @extend_schema(request=GradeInputSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def grade(self, request, pk=None):
        """Grade the submitted written assessment with the published Vetting rubric."""
        return self._run(
            GradeInputSerializer,
            lambda app, d: services.assessment_grade(
                actor=request.user, application=app, values=d["values"], notes=d["notes"]
            ),
        )

    @extend_schema(request=ScorecardInputSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def scorecard(self, request, pk=None):
        return self._run(
            ScorecardInputSerializer,
            lambda app, d: services.interview_scorecard_submit(
                actor=request.user,
                application=app,
                ratings={key: d[key] for key, _ in SCORECARD_CRITERIA},
                notes=d["notes"],
            ),
        )

    @extend_schema(request=ChecksInputSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def checks(self, request, pk=None):
        return self._run(
            ChecksInputSerializer,
            lambda app, d: services.checks_record(actor=request.user, application=app, **d),
        )

    @extend_schema(request=ReferenceInputSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def references(self, request, pk=None):
        return self._run(
            ReferenceInputSerializer,
            lambda app, d: services.reference_add(actor=request.user, application=app, **d),
        )

    @extend_schema(request=NotesInputSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="checks-complete")
    def checks_complete(self, request, pk=None):
        return self._run(
            NotesInputSerializer,
            lambda app, d: services.checks_complete(actor=request.user, application=app, notes=d["notes"]),
        )

    @extend_schema(request=NotesInputSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._run(
            NotesInputSerializer,
            lambda app, d: services.application_approve(actor=request.user, application=app, notes=d["notes"]),
        )

    @extend_schema(request=RejectInputSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._run(
            RejectInputSerializer,
            lambda app, d: services.application_reject(
                actor=request.user,
                application=app,
                reason=d["rejection_reason"],
                notes=d["notes"],
                reapply_after=d["reapply_after"],
            ),
        )


class FunnelRowSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    reached = serializers.IntegerField()
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    pass_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    median_hours = serializers.DecimalField(max_digits=9, decimal_places=1, allow_null=True)


class FunnelSerializer(serializers.Serializer):
    applied = serializers.IntegerField()
    approved = serializers.IntegerField()
    rejected = serializers.IntegerField()
    rows = FunnelRowSerializer(many=True)


_ISO = _("Use an ISO date-time with a time zone, e.g. 2026-01-01T00:00Z.")
ISO_WITH_ZONE = {"invalid": _ISO, "offset_missing": _ISO}


class FunnelQuerySerializer(serializers.Serializer):
    since = BoundedDateTimeField(required=False, require_offset=True, error_messages=ISO_WITH_ZONE)
    until = BoundedDateTimeField(required=False, require_offset=True, error_messages=ISO_WITH_ZONE)


class FunnelView(GenericAPIView):
    """Applied → each stage → approved, pass rates and median hours in stage (vetting and ops staff)."""

    serializer_class = FunnelSerializer
    queryset = Application.objects.none()
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="Applied at or after (ISO, with its offset)"),
            OpenApiParameter("until", OpenApiTypes.DATETIME, description="Applied before (ISO, with its offset)"),
        ]
    )
    def get(self, request):
        if not selectors.can_read_pipeline(request.user):
            raise NotFound()
        query = FunnelQuerySerializer(data={k: v for k, v in request.query_params.items() if v})
        query.is_valid(raise_exception=True)
        data = selectors.funnel(actor=request.user, **query.validated_data)
        return Response(FunnelSerializer(data).data)


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("vetting/applications", ApplicationViewSet, basename="vetting-application")

from django.urls import path  # noqa: E402

urlpatterns = [path("vetting/funnel/", FunnelView.as_view(), name="api-vetting-funnel"), *router.urls]
