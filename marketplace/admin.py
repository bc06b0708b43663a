from django.contrib import admin

from .models import (
    AvailabilityWindow,
    Channel,
    Contract,
    CoverageWindow,
    FreelancerProfile,
    JobLanguage,
    JobPost,
    JobSkill,
    Language,
    MatchIndex,
    Offer,
    ProfileLanguage,
    ProfileSkill,
    Skill,
    Tool,
)


class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "bit", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


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
class FreelancerProfileAdmin(admin.ModelAdmin):
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


@admin.register(ProfileSkill)
class ProfileSkillAdmin(admin.ModelAdmin):
    list_display = ["profile", "skill", "level"]
    list_select_related = ["profile__user", "skill"]
    search_fields = ["profile__user__email", "skill__name"]


@admin.register(ProfileLanguage)
class ProfileLanguageAdmin(admin.ModelAdmin):
    list_display = ["profile", "language", "level"]
    list_select_related = ["profile__user", "language"]
    search_fields = ["profile__user__email", "language__name"]


@admin.register(AvailabilityWindow)
class AvailabilityWindowAdmin(admin.ModelAdmin):
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
class JobPostAdmin(admin.ModelAdmin):
    list_display = ["role", "organization", "status", "hours_per_week", "rate_min", "rate_max", "currency"]
    list_filter = ["status", "currency"]
    search_fields = ["role", "organization__name"]
    list_select_related = ["organization"]
    inlines = [JobSkillInline, JobLanguageInline, CoverageWindowInline]


@admin.register(JobSkill)
class JobSkillAdmin(admin.ModelAdmin):
    list_display = ["job", "skill", "required"]
    list_select_related = ["job", "skill"]


@admin.register(JobLanguage)
class JobLanguageAdmin(admin.ModelAdmin):
    list_display = ["job", "language", "min_level"]
    list_select_related = ["job", "language"]


@admin.register(CoverageWindow)
class CoverageWindowAdmin(admin.ModelAdmin):
    list_display = ["job", "weekday", "start", "end"]
    list_select_related = ["job"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "freelancer", "status", "pay_rate", "weekly_hour_cap", "expires_at"]
    list_filter = ["status", "currency"]
    search_fields = ["title", "organization__name", "freelancer__user__email"]
    list_select_related = ["organization", "freelancer__user"]


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "freelancer", "status", "pay_rate", "bill_rate", "currency"]
    list_filter = ["status", "currency"]
    search_fields = ["title", "organization__name", "freelancer__user__email"]
    list_select_related = ["organization", "freelancer__user"]


@admin.register(MatchIndex)
class MatchIndexAdmin(admin.ModelAdmin):
    """Read-only: rows are derived from profiles by the matching index services."""

    list_display = ["profile", "week_start", "approved", "currency", "rate_cents", "quality_bp", "reliability_bp"]
    list_filter = ["approved", "currency", "week_start"]
    list_select_related = ["profile__user"]
    search_fields = ["profile__user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
