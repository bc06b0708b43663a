"""Time API: entries (clock in/out, manual) and timesheets (submit, approve, dispute, answer, resolve).

Objects come from the actor's scope (other tenants answer 404); services apply every rule; their
``ValidationError`` becomes a field-keyed 400 and a role refusal a 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Sum
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from accounts.access import scoped
from config.api_inputs import ApiModelSerializer, BoundedDateTimeField, BoundedIntegerField
from config.api_permissions import PersonRequired
from marketplace.models import Contract

from . import selectors, services
from .filters import TimeEntryFilter, TimesheetFilter
from .models import TimeEntry, Timesheet


def _call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        raise exceptions.ValidationError(detail) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc


class TimeEntrySerializer(ApiModelSerializer):
    contract_title = serializers.CharField(source="contract.title", read_only=True)
    week_start = serializers.DateField(source="timesheet.week_start", read_only=True)
    timesheet_status = serializers.CharField(source="timesheet.status", read_only=True)

    class Meta:
        model = TimeEntry
        fields = [
            "id",
            "contract",
            "contract_title",
            "timesheet",
            "week_start",
            "timesheet_status",
            "source",
            "started_at",
            "ended_at",
            "minutes",
            "note",
        ]
        read_only_fields = fields


class ManualEntrySerializer(serializers.Serializer):
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.none())
    started_at = BoundedDateTimeField()
    ended_at = BoundedDateTimeField()
    note = serializers.CharField(allow_blank=True, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["contract"].queryset = selectors.freelancer_contracts(actor=request.user)


class ClockInSerializer(ManualEntrySerializer):
    started_at = None
    ended_at = None
    note = None


class TimesheetSerializer(ApiModelSerializer):
    contract_title = serializers.CharField(source="contract.title", read_only=True)
    organization = serializers.SlugRelatedField(source="contract.organization", slug_field="slug", read_only=True)
    freelancer = serializers.EmailField(source="contract.freelancer.user.email", read_only=True)
    total_minutes = serializers.IntegerField(read_only=True, allow_null=True)
    approved_hours = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True, allow_null=True)

    class Meta:
        model = Timesheet
        fields = [
            "id",
            "contract",
            "contract_title",
            "organization",
            "freelancer",
            "week_start",
            "status",
            "total_minutes",
            "submitted_minutes",
            "approved_minutes",
            "approved_hours",
            "submitted_at",
            "auto_submitted",
            "review_due_at",
            "approved_at",
            "auto_approved",
            "disputed_minutes",
            "dispute_reason",
            "freelancer_response",
            "resolution_note",
            "resolved_at",
        ]
        read_only_fields = fields


class DisputeSerializer(serializers.Serializer):
    disputed_minutes = BoundedIntegerField(min_value=1)
    reason = serializers.CharField(max_length=2000)


class RespondSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=2000)


class ResolveSerializer(serializers.Serializer):
    approved_minutes = BoundedIntegerField(min_value=0)
    note = serializers.CharField(max_length=2000)


class EmptySerializer(serializers.Serializer):
    pass


class TimeEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = TimeEntry.objects.none()
    serializer_class = TimeEntrySerializer
    filterset_class = TimeEntryFilter
    ordering_fields = ["started_at"]

    def get_queryset(self):
        return scoped(TimeEntry, self.request.user).order_by("-started_at", "pk")

    def get_permissions(self):
        if self.action in {"create", "clock_in", "clock_out"}:
            return [PersonRequired()]  # the freelancer's own shifts: an API key has no freelancer
        return super().get_permissions()

    def get_serializer_class(self):
        return {"create": ManualEntrySerializer, "clock_in": ClockInSerializer, "clock_out": EmptySerializer}.get(
            self.action, TimeEntrySerializer
        )

    @extend_schema(request=ManualEntrySerializer, responses={201: TimeEntrySerializer})
    def create(self, request):
        """Add manual time (a note is required)."""
        serializer = ManualEntrySerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        entry = _call(services.time_entry_create_manual, actor=request.user, **serializer.validated_data)
        return Response(TimeEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClockInSerializer, responses={201: TimeEntrySerializer})
    @action(detail=False, methods=["post"], url_path="clock-in")
    def clock_in(self, request):
        serializer = ClockInSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        entry = _call(services.time_entry_clock_in, actor=request.user, **serializer.validated_data)
        return Response(TimeEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TimeEntrySerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="clock-out")
    def clock_out(self, request):
        """End the running entry; returns the stored entries (two when the shift crossed the week end)."""
        entries = _call(services.time_entry_clock_out, actor=request.user)
        return Response(TimeEntrySerializer(entries, many=True).data)


class TimesheetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Timesheet.objects.none()
    serializer_class = TimesheetSerializer
    filterset_class = TimesheetFilter
    ordering_fields = ["week_start"]

    def get_queryset(self):
        return (
            scoped(Timesheet, self.request.user)
            .annotate(total_minutes=Sum("entries__minutes"))
            .order_by("-week_start", "pk")
        )

    def get_serializer_class(self):
        return {
            "dispute": DisputeSerializer,
            "respond": RespondSerializer,
            "resolve": ResolveSerializer,
            "submit": EmptySerializer,
            "approve": EmptySerializer,
        }.get(self.action, TimesheetSerializer)

    def _done(self, timesheet: Timesheet) -> Response:
        return Response(TimesheetSerializer(self.get_queryset().get(pk=timesheet.pk)).data)

    def _with(self, serializer_class, service):
        timesheet = self.get_object()
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return self._done(_call(service, actor=self.request.user, timesheet=timesheet, **serializer.validated_data))

    @extend_schema(request=None, responses={200: TimesheetSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._done(_call(services.timesheet_submit, actor=request.user, timesheet=self.get_object()))

    @extend_schema(request=None, responses={200: TimesheetSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the submitted hours. Approving twice is harmless."""
        return self._done(_call(services.timesheet_approve, actor=request.user, timesheet=self.get_object()))

    @extend_schema(request=DisputeSerializer, responses={200: TimesheetSerializer})
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        return self._with(DisputeSerializer, services.timesheet_dispute)

    @extend_schema(request=RespondSerializer, responses={200: TimesheetSerializer})
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        return self._with(RespondSerializer, services.timesheet_respond)

    @extend_schema(request=ResolveSerializer, responses={200: TimesheetSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._with(ResolveSerializer, services.timesheet_resolve)


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("time-entries", TimeEntryViewSet, basename="time-entry")
router.register("timesheets", TimesheetViewSet, basename="timesheet")

urlpatterns = router.urls
