from django.contrib import admin

from .models import (
    AutoQACheckSetting,
    AutoQARun,
    AutoQASuggestion,
    CalibrationGrade,
    CalibrationParticipant,
    CalibrationSession,
    ReviewAssignment,
    ReviewerGoal,
    SamplingRule,
    SamplingRun,
)


@admin.register(SamplingRule)
class SamplingRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "period", "count", "percent", "strategy", "seed", "is_active"]
    list_filter = ["period", "strategy", "is_active"]
    search_fields = ["name", "organization__name"]
    raw_id_fields = ["organization", "contract", "created_by"]


@admin.register(SamplingRun)
class SamplingRunAdmin(admin.ModelAdmin):
    list_display = ["rule", "period_start", "created", "unassigned", "started_at", "finished_at"]
    search_fields = ["rule__name"]
    raw_id_fields = ["rule"]


@admin.register(ReviewerGoal)
class ReviewerGoalAdmin(admin.ModelAdmin):
    list_display = ["reviewer", "weekly_goal"]
    search_fields = ["reviewer__email"]
    raw_id_fields = ["reviewer"]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    list_display = ["conversation", "reviewer", "rule", "status", "due_at", "reason"]
    list_filter = ["status"]
    search_fields = ["reviewer__email", "conversation__external_id", "rule__name"]
    raw_id_fields = ["conversation", "reviewer", "rule", "organization"]
    list_select_related = ["conversation", "reviewer", "rule"]


@admin.register(AutoQASuggestion)
class AutoQASuggestionAdmin(admin.ModelAdmin):
    list_display = ["conversation", "check_key", "criterion_key", "value", "confidence", "created_at"]
    list_filter = ["check_key", "value"]
    search_fields = ["conversation__external_id", "check_key"]
    raw_id_fields = ["conversation"]
    list_select_related = ["conversation"]


@admin.register(AutoQARun)
class AutoQARunAdmin(admin.ModelAdmin):
    list_display = ["conversation_id", "claimed_at", "finished_at", "suggestion_count"]
    search_fields = ["conversation__external_id"]
    raw_id_fields = ["conversation"]


@admin.register(AutoQACheckSetting)
class AutoQACheckSettingAdmin(admin.ModelAdmin):
    list_display = ["check_key", "enabled", "updated_at", "updated_by"]
    search_fields = ["check_key"]
    raw_id_fields = ["updated_by"]


class ParticipantInline(admin.TabularInline):
    model = CalibrationParticipant
    extra = 0
    raw_id_fields = ["user"]


@admin.register(CalibrationSession)
class CalibrationSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "lead", "baseline", "deadline", "status"]
    list_filter = ["status", "baseline"]
    search_fields = ["title", "organization__name"]
    raw_id_fields = ["organization", "lead", "expert", "rubric_version", "conversations"]
    inlines = [ParticipantInline]


@admin.register(CalibrationParticipant)
class CalibrationParticipantAdmin(admin.ModelAdmin):
    list_display = ["session", "user", "submitted_at", "notified_at"]
    search_fields = ["session__title", "user__email"]
    raw_id_fields = ["session", "user"]


@admin.register(CalibrationGrade)
class CalibrationGradeAdmin(admin.ModelAdmin):
    list_display = ["participant", "conversation", "criterion", "value"]
    search_fields = ["participant__user__email"]
    raw_id_fields = ["participant", "conversation", "criterion"]
