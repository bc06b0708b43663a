"""API for QA operations: sampling rules, assignments, AutoQA, calibration sessions and results, dashboards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from accounts.access import get_for_actor, scoped
from accounts.models import Organization
from config.api_inputs import ApiModelSerializer, BoundedDateField, BoundedDateTimeField, BoundedIntegerField
from config.api_permissions import PersonRequired
from qa_scoring.models import Conversation, RubricVersion

from . import dashboards, selectors, services
from .filters import AssignmentFilter, SamplingRuleFilter, SuggestionFilter
from .models import (
    AutoQASuggestion,
    Baseline,
    CalibrationParticipant,
    CalibrationSession,
    CalibrationStatus,
    ReviewAssignment,
    SamplingRule,
)


def _error_detail(exc: DjangoValidationError):
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


def _call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(_error_detail(exc)) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc


# --- serializers


class SamplingRuleSerializer(ApiModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", queryset=Organization.objects.all())
    keywords = serializers.ListField(child=serializers.CharField(max_length=80), required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=80), required=False)

    class Meta:
        model = SamplingRule
        fields = [
            "id",
            "organization",
            "contract",
            "name",
            "period",
            "count",
            "percent",
            "strategy",
            "seed",
            "keywords",
            "tags",
            "min_messages",
            "exclude_reviewed",
            "exclude_bot_only",
            "due_days",
            "is_active",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        validators: list = []  # model validation runs in the service

    def validate_organization(self, value: Organization) -> Organization:
        # Other tenants' slugs read as unknown, like a 404.
        if not selectors.can_manage_org(self.context["request"].user, value.pk):
            raise serializers.ValidationError("No organization you manage has this slug.")
        return value


class RunRequestSerializer(serializers.Serializer):
    period_start = BoundedDateField(required=False, help_text="Any day in the period; default today")


class RunResultSerializer(serializers.Serializer):
    period_start = serializers.DateTimeField()
    created = serializers.IntegerField()
    already_ran = serializers.BooleanField()
    unassigned = serializers.IntegerField()


class AssignmentSerializer(ApiModelSerializer):
    reviewer = serializers.EmailField(source="reviewer.email", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reviewed = serializers.BooleanField(read_only=True)

    class Meta:
        model = ReviewAssignment
        fields = [
            "id",
            "conversation",
            "organization",
            "rule",
            "reviewer",
            "period_start",
            "due_at",
            "status",
            "reason",
            "reviewed",
            "created_at",
        ]


class ReassignSerializer(serializers.Serializer):
    reviewer = serializers.EmailField()
    reason = serializers.CharField(max_length=300)


class RemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class SuggestionSerializer(ApiModelSerializer):
    class Meta:
        model = AutoQASuggestion
        fields = [
            "id",
            "conversation",
            "check_key",
            "criterion_key",
            "value",
            "confidence",
            "explanation",
            "evidence",
            "created_at",
        ]


class CheckAgreementSerializer(serializers.Serializer):
    check = serializers.CharField()
    label = serializers.CharField()
    criterion_keys = serializers.ListField(child=serializers.CharField())
    enabled = serializers.BooleanField()
    compared = serializers.IntegerField()
    tp = serializers.IntegerField()
    fp = serializers.IntegerField()
    fn = serializers.IntegerField()
    tn = serializers.IntegerField()
    precision = serializers.FloatField(allow_null=True)
    recall = serializers.FloatField(allow_null=True)
    agreement = serializers.FloatField(allow_null=True)


class CheckToggleSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()


class ParticipantSerializer(ApiModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = CalibrationParticipant
        fields = ["email", "submitted_at"]


class SessionSerializer(ApiModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    lead = serializers.EmailField(source="lead.email", read_only=True)
    expert = serializers.SerializerMethodField()
    participants = ParticipantSerializer(many=True, read_only=True)
    conversations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = CalibrationSession
        fields = [
            "id",
            "title",
            "organization",
            "lead",
            "rubric_version",
            "conversations",
            "participants",
            "baseline",
            "expert",
            "deadline",
            "status",
            "created_at",
            "closed_at",
        ]

    def get_expert(self, obj) -> str | None:
        return obj.expert.email if obj.expert_id else None


class SessionCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=160)
    organization = serializers.SlugField(required=False, allow_null=True, help_text="Empty: platform-wide")
    rubric_version = BoundedIntegerField(min_value=1)
    conversations = serializers.ListField(child=BoundedIntegerField(min_value=1), allow_empty=False, max_length=500)
    participants = serializers.ListField(child=serializers.EmailField(), allow_empty=False)
    baseline = serializers.ChoiceField(choices=Baseline.choices, default=Baseline.CONSENSUS)
    expert = serializers.EmailField(required=False, allow_null=True)
    deadline = BoundedDateTimeField()


class GradesSerializer(serializers.Serializer):
    grades = serializers.DictField(
        child=serializers.DictField(child=BoundedIntegerField(allow_null=True)),
        help_text="{conversation id: {criterion key: value or null for N/A}}",
    )
    submit = serializers.BooleanField(default=False)


class GradeRowSerializer(serializers.Serializer):
    reviewer = serializers.EmailField()
    conversation = serializers.IntegerField()
    criterion = serializers.CharField()
    value = serializers.IntegerField(allow_null=True)


class StatSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    error = serializers.CharField(allow_blank=True)


class CriterionResultSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    level = serializers.CharField()
    agreement = StatSerializer()
    alpha = StatSerializer()
    fleiss = StatSerializer()


class ReviewerResultSerializer(serializers.Serializer):
    graded = serializers.IntegerField()
    mean_abs_deviation = serializers.FloatField(allow_null=True)
    mean_deviation = serializers.FloatField(allow_null=True)


class ResultsSerializer(serializers.Serializer):
    raters = serializers.IntegerField()
    units = serializers.IntegerField()
    baseline = serializers.CharField()
    alpha = StatSerializer()
    criteria = CriterionResultSerializer(many=True)
    reviewers = serializers.DictField(child=ReviewerResultSerializer(), help_text="user id → deviation")


class DriftSerializer(serializers.Serializer):
    reviewer = serializers.CharField()
    reviewer_id = serializers.IntegerField()
    session = serializers.IntegerField()
    title = serializers.CharField()
    closed = serializers.DateField()
    mean_abs_deviation = serializers.FloatField(allow_null=True)
    mean_deviation = serializers.FloatField(allow_null=True)


class ChartSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))
    extra = serializers.DictField(child=serializers.JSONField())


# --- views


class SamplingRuleViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = SamplingRule.objects.none()
    serializer_class = SamplingRuleSerializer
    filterset_class = SamplingRuleFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return scoped(SamplingRule, self.request.user).order_by("organization_id", "name", "id")

    def get_permissions(self):
        if self.action == "create":
            return [PersonRequired()]  # a rule records the person who created it
        return super().get_permissions()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        organization = data.pop("organization")
        serializer.instance = _call(
            services.sampling_rule_create, actor=self.request.user, organization=organization, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("organization", None)
        serializer.instance = _call(
            services.sampling_rule_update, actor=self.request.user, rule=serializer.instance, **data
        )

    @extend_schema(request=RunRequestSerializer, responses={200: RunResultSerializer})
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        """Sample the period containing ``period_start`` (once; a second call changes nothing)."""
        rule = self.get_object()
        if not selectors.can_manage_org(request.user, rule.organization_id):
            raise exceptions.PermissionDenied("Only QA staff or the seller's owners and managers run rules.")
        payload = RunRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        day = payload.validated_data.get("period_start") or dt.date.today()
        result = services.sampling_run(rule=rule, period_start=day, actor=request.user)
        return Response(
            RunResultSerializer(
                {
                    "period_start": result.period_start,
                    "created": result.created,
                    "already_ran": result.already_ran,
                    "unassigned": len(result.unassigned),
                }
            ).data
        )


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ReviewAssignment.objects.none()
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter

    def get_queryset(self):
        return scoped(ReviewAssignment, self.request.user).order_by("due_at", "id")

    @extend_schema(responses={200: AssignmentSerializer(many=True)})
    @action(detail=False, permission_classes=[PersonRequired])
    def mine(self, request):
        page = self.paginate_queryset(selectors.my_assignments(actor=request.user))
        return self.get_paginated_response(AssignmentSerializer(page, many=True).data)

    @extend_schema(responses={200: AssignmentSerializer(many=True)})
    @action(detail=False)
    def overdue(self, request):
        page = self.paginate_queryset(selectors.overdue_assignments(actor=request.user))
        return self.get_paginated_response(AssignmentSerializer(page, many=True).data)

    def _reviewer(self, email: str):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise exceptions.ValidationError({"reviewer": ["No reviewer has this e-mail."]})
        return user

    @extend_schema(request=ReassignSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        assignment = self.get_object()
        payload = ReassignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        _call(
            services.assignment_reassign,
            actor=request.user,
            assignment=assignment,
            reviewer=self._reviewer(payload.validated_data["reviewer"]),
            reason=payload.validated_data["reason"],
        )
        return Response(AssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data)

    @extend_schema(request=RemoveSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        assignment = self.get_object()
        payload = RemoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        _call(
            services.assignment_remove,
            actor=request.user,
            assignment=assignment,
            reason=payload.validated_data["reason"],
        )
        return Response(AssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data)


class SuggestionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = AutoQASuggestion.objects.none()
    serializer_class = SuggestionSerializer
    filterset_class = SuggestionFilter

    def get_queryset(self):
        return scoped(AutoQASuggestion, self.request.user).order_by("conversation_id", "check_key")


class CheckAgreementView(generics.GenericAPIView):
    queryset = AutoQASuggestion.objects.none()
    serializer_class = CheckAgreementSerializer
    pagination_class = None

    @extend_schema(responses={200: CheckAgreementSerializer(many=True)})
    def get(self, request):
        """Precision/recall of each AutoQA check against final human grades."""
        return Response(CheckAgreementSerializer(selectors.check_agreement(actor=request.user), many=True).data)


class CheckToggleView(generics.GenericAPIView):
    queryset = AutoQASuggestion.objects.none()
    serializer_class = CheckToggleSerializer

    @extend_schema(request=CheckToggleSerializer, responses={200: CheckToggleSerializer})
    def post(self, request, check: str):
        payload = CheckToggleSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        setting = _call(
            services.autoqa_check_set, actor=request.user, check_key=check, enabled=payload.validated_data["enabled"]
        )
        return Response({"enabled": setting.enabled})


class SessionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Calibration is done by people: a lead and reviewers who grade blind. API keys get 403."""

    queryset = CalibrationSession.objects.none()
    serializer_class = SessionSerializer
    permission_classes = [PersonRequired]

    def get_queryset(self):
        return (
            scoped(CalibrationSession, self.request.user)
            .prefetch_related("participants__user", "conversations")
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=SessionCreateSerializer, responses={201: SessionSerializer})
    def create(self, request):
        from django.contrib.auth import get_user_model

        payload = SessionCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        User = get_user_model()
        organization = None
        if data.get("organization"):
            organization = get_for_actor(Organization, request.user, slug=data["organization"])
        version = scoped(RubricVersion, request.user).filter(pk=data["rubric_version"]).first()
        if version is None:
            raise exceptions.ValidationError({"rubric_version": ["No rubric version you can use has this id."]})
        conversations = list(
            scoped(Conversation, request.user).filter(pk__in=data["conversations"]).select_related("freelancer")
        )
        missing = sorted(set(data["conversations"]) - {c.pk for c in conversations})
        if missing:
            raise exceptions.ValidationError({"conversations": [f"Unknown conversation id(s): {missing}."]})
        emails = [e.lower() for e in data["participants"]]
        people = list(User.objects.filter(email__in=emails))
        unknown = sorted(set(emails) - {p.email.lower() for p in people})
        if unknown:
            raise exceptions.ValidationError({"participants": [f"Unknown e-mail(s): {', '.join(unknown)}."]})
        expert = None
        if data.get("expert"):
            expert = next((p for p in people if p.email.lower() == data["expert"].lower()), None)
            if expert is None:
                raise exceptions.ValidationError({"expert": ["The expert must be one of the participants."]})
        session = _call(
            services.calibration_session_create,
            actor=request.user,
            organization=organization,
            title=data["title"],
            rubric_version=version,
            conversations=conversations,
            participants=people,
            deadline=data["deadline"],
            baseline=data["baseline"],
            expert=expert,
        )
        return Response(SessionSerializer(self.get_queryset().get(pk=session.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=GradesSerializer, responses={200: GradeRowSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def grade(self, request, pk=None):
        """Save your grades (``submit`` locks them). Bad values come back keyed "conversation:criterion"."""
        session = self.get_object()
        payload = GradesSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            grades = {int(cid): dict(values) for cid, values in payload.validated_data["grades"].items()}
        except ValueError as exc:
            raise exceptions.ValidationError({"grades": ["Conversation ids must be numbers."]}) from exc
        _call(
            services.calibration_grades_save,
            actor=request.user,
            session=session,
            grades=grades,
            submit=payload.validated_data["submit"],
        )
        return Response(GradeRowSerializer(self._grade_rows(session), many=True).data)

    def _grade_rows(self, session):
        return [
            {
                "reviewer": g.participant.user.email,
                "conversation": g.conversation_id,
                "criterion": g.criterion.key,
                "value": g.value,
            }
            for g in selectors.session_grades(actor=self.request.user, session=session)
        ]

    @extend_schema(responses={200: GradeRowSerializer(many=True)})
    @action(detail=True)
    def grades(self, request, pk=None):
        """Grades you may see: only your own until you have submitted (blind grading)."""
        session = self.get_object()
        return Response(GradeRowSerializer(self._grade_rows(session), many=True).data)

    @extend_schema(responses={200: ResultsSerializer})
    @action(detail=True)
    def results(self, request, pk=None):
        session = self.get_object()
        if not selectors.can_see_all_grades(request.user, session):
            raise exceptions.PermissionDenied("Submit your own grades first; others' grades stay hidden until then.")
        if session.status == CalibrationStatus.CLOSED:
            return Response(session.results)
        return Response(services.calibration_results(session=session))

    @extend_schema(request=None, responses={200: SessionSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        session = self.get_object()
        _call(services.calibration_close, actor=request.user, session=session)
        return Response(SessionSerializer(self.get_queryset().get(pk=session.pk)).data)

    @extend_schema(responses={200: DriftSerializer(many=True)})
    @action(detail=False, pagination_class=None, filter_backends=[])
    def drift(self, request):
        return Response(DriftSerializer(selectors.reviewer_drift(actor=request.user), many=True).data)


DASHBOARD_PARAMS = [
    OpenApiParameter("start", str, description="YYYY-MM-DD (default: 12 weeks ago)"),
    OpenApiParameter("end", str, description="YYYY-MM-DD, exclusive (default: now)"),
    OpenApiParameter("organization", int, description="Seller id"),
    OpenApiParameter("freelancer", int, description="Freelancer profile id"),
    OpenApiParameter("rubric_version", int, description="Rubric version id"),
    OpenApiParameter("group", str, enum=["overall", "seller", "freelancer"], description="IQS trend grouping"),
]


class DashboardQuerySerializer(serializers.Serializer):
    start = BoundedDateField(required=False)
    end = BoundedDateField(required=False)
    organization = BoundedIntegerField(required=False, min_value=1)
    freelancer = BoundedIntegerField(required=False, min_value=1)
    rubric_version = BoundedIntegerField(required=False, min_value=1)
    group = serializers.ChoiceField(choices=["overall", "seller", "freelancer"], default="overall")

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": ["The end must be after the start."]})
        return attrs


class DashboardView(generics.GenericAPIView):
    queryset = CalibrationSession.objects.none()
    serializer_class = ChartSerializer
    pagination_class = None

    @extend_schema(parameters=DASHBOARD_PARAMS, responses={200: ChartSerializer})
    def get(self, request, chart: str):
        """One dashboard chart's data (the same rows as its CSV export)."""
        if chart not in dashboards.allowed_charts(request.user):
            raise exceptions.NotFound("No such chart.")
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        f = dashboards.Filters.default()
        f = dashboards.Filters(
            start=dt.datetime.combine(q["start"], dt.time(), tzinfo=dt.UTC) if q.get("start") else f.start,
            end=dt.datetime.combine(q["end"], dt.time(), tzinfo=dt.UTC) if q.get("end") else f.end,
            organization_id=q.get("organization"),
            freelancer_id=q.get("freelancer"),
            rubric_version_id=q.get("rubric_version"),
            group=q["group"],
        )
        data = dashboards.chart(request.user, chart, f)
        data.rows = [[str(v) if isinstance(v, Decimal) else v for v in row] for row in data.rows]
        return Response(
            ChartSerializer(
                {"key": data.key, "title": data.title, "columns": data.columns, "rows": data.rows, "extra": data.extra}
            ).data
        )


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("qa-ops/rules", SamplingRuleViewSet, basename="qa-ops-rule")
router.register("qa-ops/assignments", AssignmentViewSet, basename="qa-ops-assignment")
router.register("qa-ops/suggestions", SuggestionViewSet, basename="qa-ops-suggestion")
router.register("qa-ops/calibration", SessionViewSet, basename="qa-ops-session")

urlpatterns = [
    path("qa-ops/autoqa/agreement/", CheckAgreementView.as_view(), name="qa-ops-autoqa-agreement"),
    path("qa-ops/autoqa/checks/<slug:check>/", CheckToggleView.as_view(), name="qa-ops-autoqa-check"),
    path("qa-ops/dashboard/<slug:chart>/", DashboardView.as_view(), name="qa-ops-dashboard"),
    *router.urls,
]
