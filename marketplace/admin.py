from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction

from .matching import availability
from .matching.heads import job_index_invalidate
from .matching.index import match_index_refresh_many
from .models import (
    AvailabilityWindow,
    Channel,
    Contract,
    CoverageWindow,
    FreelancerProfile,
    JobIndex,
    JobLanguage,
    JobPost,
    JobSkill,
    Language,
    MatchHeadRow,
    MatchIndex,
    Offer,
    ProfileLanguage,
    ProfileSkill,
    Skill,
    Tool,
)


class ProfileIndexSync:
    """Admin edits bypass the services: refresh the matching index row of every profile they touch, which also
    keeps every materialized ranking head exact."""

    profile_attr = "profile_id"

    def _profile_ids(self, objs, also=()) -> list[int]:
        return sorted({getattr(obj, self.profile_attr) for obj in objs} | {pk for pk in also if pk})

    def _refresh(self, profile_ids: list[int]) -> None:
        match_index_refresh_many(profile_ids=profile_ids, week_start=availability.current_week_start())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # after the row, its many-to-many and inlines
        moved_from = [form.initial.get(name) for name in ("profile", "freelancer")]  # a row moved between profiles
        self._refresh(self._profile_ids([form.instance], also=moved_from))

    @transaction.atomic
    def delete_model(self, request, obj):
        ids = self._profile_ids([obj])
        super().delete_model(request, obj)
        self._refresh(ids)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        ids = self._profile_ids(queryset)
        super().delete_queryset(request, queryset)
        self._refresh(ids)


class JobIndexSync:
    """Admin edits of a job or its skills, languages and windows invalidate its ranking vector and head."""

    job_attr = "job_id"

    def _invalidate(self, objs, also=()) -> None:
        for job_id in sorted({getattr(obj, self.job_attr) for obj in objs} | {pk for pk in also if pk}):
            job_index_invalidate(job_id=job_id)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._invalidate([form.instance], also=[form.initial.get("job")])

    @transaction.atomic
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._invalidate([obj])

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        objs = list(queryset)
        super().delete_queryset(request, queryset)
        self._invalidate(objs)


class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "bit", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        # Profiles' and jobs' bit masks use the bit: fixed once saved; terms retire by becoming inactive.
        return ["bit"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(Skill, TermAdmin)
admin.site.register(Channel, TermAdmin)
admin.site.register(Tool, TermAdmin)


@admin.register(Language)
class LanguageAdmin(TermAdmin):
    list_display = ["name", "code", "bit", "is_active"]
    search_fields = ["name", "code"]


class ProfileSkillInline(admin.TabularInline):
    model = ProfileSkill
    extra = 0


class ProfileLanguageInline(admin.TabularInline):
    model = ProfileLanguage
    extra = 0


class AvailabilityWindowInline(admin.TabularInline):
    model = AvailabilityWindow
    extra = 0


@admin.register(FreelancerProfile)
class FreelancerProfileAdmin(ProfileIndexSync, admin.ModelAdmin):
    profile_attr = "pk"

    list_display = [
        "user",
        "headline",
        "timezone",
        "hourly_rate",
        "currency",
        "vetting_status",
        "vetting_score",
        "iqs_90d",
        "reliability",
    ]
    list_filter = ["vetting_status", "currency", "country"]
    search_fields = ["user__email", "user__full_name", "headline"]
    list_select_related = ["user"]
    readonly_fields = ["vetting_status", "vetting_score", "iqs_90d", "iqs_review_count", "reliability"]
    inlines = [ProfileSkillInline, ProfileLanguageInline, AvailabilityWindowInline]

    # A deleted profile leaves the index and every head by itself (marketplace.apps); nothing to refresh after.
    def delete_model(self, request, obj):
        admin.ModelAdmin.delete_model(self, request, obj)

    def delete_queryset(self, request, queryset):
        admin.ModelAdmin.delete_queryset(self, request, queryset)


@admin.register(ProfileSkill)
class ProfileSkillAdmin(ProfileIndexSync, admin.ModelAdmin):
    list_display = ["profile", "skill", "level"]
    list_select_related = ["profile__user", "skill"]
    search_fields = ["profile__user__email", "skill__name"]


@admin.register(ProfileLanguage)
class ProfileLanguageAdmin(ProfileIndexSync, admin.ModelAdmin):
    list_display = ["profile", "language", "level"]
    list_select_related = ["profile__user", "language"]
    search_fields = ["profile__user__email", "language__name"]


@admin.register(AvailabilityWindow)
class AvailabilityWindowAdmin(ProfileIndexSync, admin.ModelAdmin):
    list_display = ["profile", "weekday", "start", "end"]
    list_select_related = ["profile__user"]
    search_fields = ["profile__user__email"]


class JobSkillInline(admin.TabularInline):
    model = JobSkill
    extra = 0


class JobLanguageInline(admin.TabularInline):
    model = JobLanguage
    extra = 0


class CoverageWindowInline(admin.TabularInline):
    model = CoverageWindow
    extra = 0


@admin.register(JobPost)
class JobPostAdmin(JobIndexSync, admin.ModelAdmin):
    job_attr = "pk"

    list_display = ["role", "organization", "status", "hours_per_week", "rate_min", "rate_max", "currency"]
    list_filter = ["status", "currency"]
    search_fields = ["role", "organization__name"]
    list_select_related = ["organization"]
    inlines = [JobSkillInline, JobLanguageInline, CoverageWindowInline]


@admin.register(JobSkill)
class JobSkillAdmin(JobIndexSync, admin.ModelAdmin):
    list_display = ["job", "skill", "required"]
    list_select_related = ["job", "skill"]


@admin.register(JobLanguage)
class JobLanguageAdmin(JobIndexSync, admin.ModelAdmin):
    list_display = ["job", "language", "min_level"]
    list_select_related = ["job", "language"]


@admin.register(CoverageWindow)
class CoverageWindowAdmin(JobIndexSync, admin.ModelAdmin):
    list_display = ["job", "weekday", "start", "end"]
    list_select_related = ["job"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "freelancer", "status", "pay_rate", "weekly_hour_cap", "expires_at"]
    list_filter = ["status", "currency"]
    search_fields = ["title", "organization__name", "freelancer__user__email"]
    list_select_related = ["organization", "freelancer__user"]


@admin.register(Contract)
class ContractAdmin(ProfileIndexSync, admin.ModelAdmin):
    profile_attr = "freelancer_id"  # committed hours follow the contract's status and weekly cap

    list_display = ["title", "organization", "freelancer", "status", "pay_rate", "bill_rate", "currency"]
    list_filter = ["status", "currency"]
    search_fields = ["title", "organization__name", "freelancer__user__email"]
    list_select_related = ["organization", "freelancer__user"]


@admin.register(MatchIndex)
class MatchIndexAdmin(admin.ModelAdmin):
    """Read-only: rows are derived from profiles by the matching index services."""

    list_display = [
        "profile",
        "week_start",
        "approved",
        "currency",
        "rate_cents",
        "hours_per_week",
        "committed",
        "quality_bp",
        "reliability_bp",
    ]
    list_filter = ["approved", "currency", "week_start"]
    list_select_related = ["profile__user"]
    search_fields = ["profile__user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DerivedRowAdmin(admin.ModelAdmin):
    """Read-only: matching derives these rows (see marketplace/matching/heads.py)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(JobIndex)
class JobIndexAdmin(DerivedRowAdmin):
    """Deleting a row is safe: the job's next ranking recomputes it and rebuilds its head."""

    list_display = ["job", "week_start", "stale", "head_ready", "candidates", "floor_total", "head_built_at"]
    list_filter = ["head_ready", "stale", "week_start"]
    list_select_related = ["job"]
    search_fields = ["job__role"]


@admin.register(MatchHeadRow)
class MatchHeadRowAdmin(DerivedRowAdmin):
    list_display = ["job", "profile", "total"]
    list_select_related = ["job__job", "profile__user"]
    search_fields = ["profile__user__email"]

    # A head missing a row above its floor would serve a wrong ranking, so rows are not deleted one by one here;
    # deleting a profile or a job (which takes its rows along) still works, and so does deleting a JobIndex row.
    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied("Head rows follow the profiles; delete the job's index row to rebuild its head.")
