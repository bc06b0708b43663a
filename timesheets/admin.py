"""Operations view of time data. Read-mostly: workflow changes go through the services (and leave audit events)."""

from django.contrib import admin

from .models import PlannedShift, TimeEntry, Timesheet


@admin.register(Timesheet)
class TimesheetAdmin(admin.ModelAdmin):
    list_display = ["contract", "week_start", "status", "submitted_minutes", "approved_minutes", "review_due_at"]
    list_filter = ["status", "auto_submitted", "auto_approved"]
    search_fields = ["contract__title", "contract__organization__name", "contract__freelancer__user__email"]
    list_select_related = ["contract__organization", "contract__freelancer__user"]
    date_hierarchy = "week_start"
    readonly_fields = [f.name for f in Timesheet._meta.fields]


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ["freelancer", "contract", "started_at", "ended_at", "minutes", "source"]
    list_filter = ["source"]
    search_fields = ["contract__title", "freelancer__user__email", "note"]
    list_select_related = ["freelancer__user", "contract__organization", "contract__freelancer__user"]
    readonly_fields = [f.name for f in TimeEntry._meta.fields]


@admin.register(PlannedShift)
class PlannedShiftAdmin(admin.ModelAdmin):
    list_display = ["contract", "starts_at", "ends_at", "note"]
    search_fields = ["contract__title", "contract__freelancer__user__email"]
    list_select_related = ["contract__organization", "contract__freelancer__user"]
