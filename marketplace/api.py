"""Marketplace API: profiles (search), jobs and their ranked matches, offers, contracts — all scoped."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from accounts.access import get_for_actor, is_api_key, scoped
from config.api_inputs import ApiModelSerializer, BoundedIntegerField

from . import selectors, services
from .filters import ContractFilter, JobFilter, OfferFilter, ProfileFilter
from .models import (
    Contract,
    FreelancerProfile,
    JobLanguage,
    JobPost,
    JobSkill,
    Offer,
    ProfileLanguage,
    ProfileSkill,
)


def _service_errors(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"non_field_errors": exc.messages})


class ProfileSkillSerializer(ApiModelSerializer):
    skill = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    level = serializers.IntegerField(read_only=True, help_text="1 basic, 2 proficient, 3 expert")

    class Meta:
        model = ProfileSkill
        fields = ["skill", "level"]


class ProfileLanguageSerializer(ApiModelSerializer):
    language = serializers.SlugRelatedField(slug_field="code", read_only=True)
    level = serializers.IntegerField(read_only=True, help_text="CEFR: 1 A1, 2 A2, 3 B1, 4 B2, 5 C1, 6 C2")

    class Meta:
        model = ProfileLanguage
        fields = ["language", "level"]


class WindowSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 = Monday")
    start = serializers.TimeField()
    end = serializers.TimeField(help_text="Not after the start = ends the next day")


class ProfileSerializer(ApiModelSerializer):
    name = serializers.CharField(source="user.display_name", read_only=True)
    skills = ProfileSkillSerializer(many=True, read_only=True)
    languages = ProfileLanguageSerializer(many=True, read_only=True)
    windows = WindowSerializer(many=True, read_only=True)
    channels = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    tools = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = FreelancerProfile
        fields = [
            "id",
            "name",
            "headline",
            "bio",
            "timezone",
            "country",
            "hourly_rate",
            "currency",
            "hours_per_week",
            "vetting_status",
            "vetting_score",
            "iqs_90d",
            "iqs_review_count",
            "reliability",
            "skills",
            "languages",
            "windows",
            "channels",
            "tools",
        ]
        read_only_fields = fields


class ProfileViewSet(viewsets.ReadOnlyModelViewSet):
    """Freelancer profiles the caller may see: approved ones for sellers, one's own, all for staff."""

    queryset = FreelancerProfile.objects.none()
    serializer_class = ProfileSerializer
    filterset_class = ProfileFilter

    def get_queryset(self):
        return selectors.profile_detail_qs(self.request.user).order_by("pk")


class JobSkillSerializer(ApiModelSerializer):
    skill = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = JobSkill
        fields = ["skill", "required"]


class JobLanguageSerializer(ApiModelSerializer):
    language = serializers.SlugRelatedField(slug_field="code", read_only=True)
    min_level = serializers.IntegerField(read_only=True, help_text="CEFR: 1 A1, 2 A2, 3 B1, 4 B2, 5 C1, 6 C2")

    class Meta:
        model = JobLanguage
        fields = ["language", "min_level"]


class JobSerializer(ApiModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    skills = JobSkillSerializer(many=True, read_only=True)
    languages = JobLanguageSerializer(many=True, read_only=True)
    windows = WindowSerializer(many=True, read_only=True)
    channels = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    tools = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = JobPost
        fields = [
            "id",
            "organization",
            "role",
            "description",
            "timezone",
            "hours_per_week",
            "rate_min",
            "rate_max",
            "currency",
            "start_date",
            "status",
            "skills",
            "languages",
            "windows",
            "channels",
            "tools",
            "created_at",
        ]
        read_only_fields = fields


class SignalSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    weight = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="0–100: how well it is met")
    points = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="weight × value / 100")


class MatchSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    profile = ProfileSerializer()
    total = serializers.DecimalField(max_digits=5, decimal_places=2)
    breakdown = SignalSerializer(many=True)


class MatchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    week_start = serializers.DateField(help_text="Monday (UTC) of the week whose calendar overlap is computed for")
    results = MatchSerializer(many=True)


class MatchQuerySerializer(serializers.Serializer):
    page = BoundedIntegerField(
        min_value=1,
        max_value=10_000,
        default=1,
        error_messages={"invalid": "A page number is a positive integer."},
    )


class MatchPagination(PageNumberPagination):
    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Job posts of the caller's organizations, and their ranked candidates."""

    queryset = JobPost.objects.none()
    serializer_class = JobSerializer
    filterset_class = JobFilter

    def get_queryset(self):
        return selectors.job_detail_qs(self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter("page", int, description="1-based page number"),
            OpenApiParameter("page_size", int, description="Candidates per page (default 20, at most 100)"),
        ],
        responses=MatchPageSerializer,
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def matches(self, request, pk=None):
        """Approved freelancers ranked for this job, with the per-signal breakdown of each total."""
        job = get_for_actor(
            JobPost.objects.filter(pk__in=scoped(JobPost, request.user).values("pk")), request.user, pk=pk
        )
        paginator = MatchPagination()
        size = paginator.get_page_size(request) or paginator.page_size
        query = MatchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        number = query.validated_data["page"]
        page = selectors.job_matches(actor=request.user, job=job, limit=size, offset=(number - 1) * size)
        base = request.build_absolute_uri(request.path)
        last = max(1, -(-page.count // size))
        results = [
            {"rank": (number - 1) * size + i + 1, "profile": c.profile, "total": c.total, "breakdown": c.breakdown}
            for i, c in enumerate(page.candidates)
        ]
        from .matching.availability import current_week_start

        data = {
            "count": page.count,
            "next": f"{base}?page={number + 1}&page_size={size}" if number < last else None,
            "previous": f"{base}?page={number - 1}&page_size={size}" if number > 1 else None,
            "week_start": current_week_start(),
            "results": MatchSerializer(results, many=True).data,
        }
        return Response(data)


class ContractSerializer(ApiModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "organization",
            "freelancer",
            "offer",
            "title",
            "status",
            "pay_rate",
            "bill_rate",
            "currency",
            "weekly_hour_cap",
            "starts_on",
            "started_at",
            "ended_at",
            "end_reason",
        ]
        read_only_fields = fields


class OfferSerializer(ApiModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    job = serializers.PrimaryKeyRelatedField(queryset=JobPost.objects.none(), required=False, allow_null=True)
    freelancer = serializers.PrimaryKeyRelatedField(queryset=FreelancerProfile.objects.none())
    contract = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id",
            "organization",
            "job",
            "freelancer",
            "title",
            "pay_rate",
            "currency",
            "weekly_hour_cap",
            "start_date",
            "message",
            "bonus_terms",
            "status",
            "expires_at",
            "responded_at",
            "decline_reason",
            "contract",
            "created_at",
        ]
        read_only_fields = [
            "organization",
            "currency",
            "status",
            "expires_at",
            "responded_at",
            "decline_reason",
            "contract",
            "created_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["job"].queryset = scoped(JobPost, request.user)
            self.fields["freelancer"].queryset = scoped(FreelancerProfile, request.user)

    @extend_schema(responses={200: serializers.IntegerField(allow_null=True)})
    def get_contract(self, obj) -> int | None:
        contract = getattr(obj, "contract", None)
        return contract.pk if contract else None


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class OfferViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Offers of the caller's organizations, and offers made to the calling freelancer."""

    queryset = Offer.objects.none()
    serializer_class = OfferSerializer
    filterset_class = OfferFilter

    def get_queryset(self):
        return selectors.offer_list(actor=self.request.user).select_related("contract")

    def perform_create(self, serializer):
        data = serializer.validated_data
        job = data.get("job")
        if job is not None:
            organization = job.organization
        elif is_api_key(self.request.user):
            organization = self.request.user.organization
        else:
            organization = getattr(self.request, "organization", None)
        if organization is None:
            raise serializers.ValidationError({"job": ["Give the job the offer is for."]})
        try:
            serializer.instance = services.offer_create(
                actor=self.request.user,
                organization=organization,
                freelancer=data["freelancer"],
                job=job,
                title=data["title"],
                pay_rate=data["pay_rate"],
                weekly_hour_cap=data["weekly_hour_cap"],
                start_date=data["start_date"],
                message=data.get("message", ""),
                bonus_terms=data.get("bonus_terms") or {},
            )
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc

    def _respond(self, request, fn, **kwargs):
        offer = self.get_object()
        try:
            result = fn(offer=offer, actor=request.user, **kwargs)
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc
        return result

    @extend_schema(request=None, responses={201: ContractSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        contract = self._respond(request, services.offer_accept)
        return Response(ContractSerializer(contract, context={"request": request}).data, status=201)

    @extend_schema(request=ReasonSerializer, responses=OfferSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        offer = self._respond(request, services.offer_decline, reason=reason.validated_data.get("reason", ""))
        return Response(OfferSerializer(offer, context={"request": request}).data)

    @extend_schema(request=None, responses=OfferSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        offer = self._respond(request, services.offer_withdraw)
        return Response(OfferSerializer(offer, context={"request": request}).data)


class ContractViewSet(viewsets.ReadOnlyModelViewSet):
    """Contracts of the caller's organizations, and the calling freelancer's own."""

    queryset = Contract.objects.none()
    serializer_class = ContractSerializer
    filterset_class = ContractFilter

    def get_queryset(self):
        return selectors.contract_list(actor=self.request.user)

    def _transition(self, request, fn):
        contract = self.get_object()
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        try:
            contract = fn(contract=contract, actor=request.user, reason=reason.validated_data.get("reason", ""))
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc
        return Response(ContractSerializer(contract).data)

    @extend_schema(request=ReasonSerializer, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self._transition(request, services.contract_pause)

    @extend_schema(request=ReasonSerializer, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._transition(request, services.contract_resume)

    @extend_schema(request=ReasonSerializer, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self._transition(request, services.contract_end)


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("profiles", ProfileViewSet, basename="profile")
router.register("jobs", JobViewSet, basename="job")
router.register("offers", OfferViewSet, basename="offer")
router.register("contracts", ContractViewSet, basename="contract")
urlpatterns = router.urls
