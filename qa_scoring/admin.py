from django.contrib import admin

from .models import (
    Conversation,
    Criterion,
    CriterionBlockRollup,
    CriterionRollup,
    CriterionScore,
    Dispute,
    DisputeItem,
    ImportJob,
    Message,
    Review,
    ReviewRollup,
    Rubric,
    RubricVersion,
    Section,
)


class VersionInline(admin.TabularInline):
    model = RubricVersion
    extra = 0
    fields = ["number", "status", "published_at", "notes"]
    readonly_fields = ["number", "status", "published_at"]
    show_change_link = True


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "kind", "pass_mark", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "organization__name"]
    inlines = [VersionInline]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["section", "position", "key", "label", "kind", "scale_min", "scale_max", "weight", "allow_na", "critical"]


@admin.register(RubricVersion)
class RubricVersionAdmin(admin.ModelAdmin):
    list_display = ["rubric", "number", "status", "published_at"]
    list_filter = ["status"]
    inlines = [CriterionInline]

    def has_change_permission(self, request, obj=None):
        # Published versions are immutable; edit through a new draft.
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_published)


admin.site.register(Section)


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["position", "author_role", "author_name", "is_internal_note", "sent_at", "text"]
    readonly_fields = fields


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "freelancer", "source", "started_at", "message_count"]
    list_filter = ["source"]
    search_fields = ["external_id", "subject", "organization__name"]
    raw_id_fields = ["freelancer", "contract"]
    inlines = [MessageInline]


class ScoreInline(admin.TabularInline):
    model = CriterionScore
    extra = 0
    readonly_fields = ["criterion", "value", "comment"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["conversation", "reviewer", "kind", "status", "score", "critical_fail", "submitted_at"]
    list_filter = ["kind", "status", "critical_fail"]
    raw_id_fields = ["conversation"]
    readonly_fields = ["score", "critical_fail", "submitted_at"]
    inlines = [ScoreInline]


class DisputeItemInline(admin.TabularInline):
    model = DisputeItem
    extra = 0


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ["review", "raised_by", "status", "resolver", "created_at", "resolved_at"]
    list_filter = ["status"]
    raw_id_fields = ["review"]
    inlines = [DisputeItemInline]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "organization", "status", "imported", "updated", "rejected", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["rejections", "error"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["key", "label", "version", "kind", "weight", "critical"]
    list_filter = ["kind", "critical"]
    search_fields = ["key", "label"]
    raw_id_fields = ["version", "section", "sop_page"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["conversation", "position", "author_role", "author_name", "is_internal_note", "sent_at"]
    list_filter = ["author_role", "is_internal_note"]
    search_fields = ["conversation__external_id", "author_name"]
    raw_id_fields = ["conversation"]


@admin.register(CriterionScore)
class CriterionScoreAdmin(admin.ModelAdmin):
    list_display = ["review", "criterion", "value"]
    raw_id_fields = ["review", "criterion"]
    search_fields = ["criterion__key"]


@admin.register(DisputeItem)
class DisputeItemAdmin(admin.ModelAdmin):
    list_display = ["dispute", "criterion", "original_value", "new_value", "changed"]
    raw_id_fields = ["dispute", "criterion"]
    search_fields = ["criterion__key"]


class RollupAdmin(admin.ModelAdmin):
    """Read-only: the review writers keep these sums (qa_scoring/rollups.py); rebuild with rebuild_qa_rollups."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(ReviewRollup, RollupAdmin)
admin.site.register(CriterionRollup, RollupAdmin)
admin.site.register(CriterionBlockRollup, RollupAdmin)
