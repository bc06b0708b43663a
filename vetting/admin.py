"""Operations can read the whole pipeline here; stages change only through the vetting screens (audited)."""

from django.contrib import admin

from .models import (
    Application,
    AssessmentAnswer,
    AssessmentAttempt,
    InterviewScorecard,
    InterviewSlot,
    Reference,
    Scenario,
    StageResult,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StageResultInline(admin.TabularInline):
    model = StageResult
    extra = 0
    can_delete = False
    readonly_fields = ["stage", "outcome", "score", "pass_mark", "reviewer", "notes", "started_at", "finished_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["pk", "freelancer", "status", "stage", "submitted_at", "stage_entered_at", "vetting_score"]
    list_filter = ["status", "stage", "rejection_reason"]
    search_fields = ["freelancer__user__email", "freelancer__user__full_name"]
    list_select_related = ["freelancer__user"]
    inlines = [StageResultInline]


@admin.register(StageResult)
class StageResultAdmin(ReadOnlyAdmin):
    list_display = ["application", "stage", "outcome", "score", "pass_mark", "reviewer", "started_at", "finished_at"]
    list_filter = ["stage", "outcome"]
    search_fields = ["application__freelancer__user__email"]
    list_select_related = ["application__freelancer__user", "reviewer"]


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "active", "created_at"]
    list_filter = ["category", "active"]
    search_fields = ["title", "customer_message"]


@admin.register(AssessmentAttempt)
class AssessmentAttemptAdmin(ReadOnlyAdmin):
    list_display = ["application", "started_at", "deadline", "submitted_at", "review_id"]
    search_fields = ["application__freelancer__user__email"]
    list_select_related = ["application__freelancer__user"]


@admin.register(AssessmentAnswer)
class AssessmentAnswerAdmin(ReadOnlyAdmin):
    list_display = ["attempt", "position", "scenario"]
    search_fields = ["scenario__title"]
    list_select_related = ["attempt__application__freelancer__user", "scenario"]


@admin.register(InterviewSlot)
class InterviewSlotAdmin(ReadOnlyAdmin):
    list_display = ["starts_at", "duration_minutes", "interviewer", "application", "booked_at"]
    search_fields = ["interviewer__email"]
    list_select_related = ["interviewer", "application__freelancer__user"]


@admin.register(InterviewScorecard)
class InterviewScorecardAdmin(ReadOnlyAdmin):
    list_display = ["application", "interviewer", "communication", "english", "reliability", "customer_mindset"]
    search_fields = ["application__freelancer__user__email"]
    list_select_related = ["application__freelancer__user", "interviewer"]


@admin.register(Reference)
class ReferenceAdmin(ReadOnlyAdmin):
    list_display = ["name", "relationship", "application", "recorded_by", "created_at"]
    search_fields = ["name", "contact"]
    list_select_related = ["application__freelancer__user", "recorded_by"]
