"""Operations views of the playbook bookkeeping; the pages themselves are edited in the Wagtail admin."""

from django.contrib import admin

from .models import PageCopyLink, PlaybookSpace, ReviewReminder, SOPPageTag


@admin.register(PlaybookSpace)
class PlaybookSpaceAdmin(admin.ModelAdmin):
    list_display = ["organization", "group", "playbook", "created_at"]
    list_select_related = ["organization", "group", "playbook"]
    search_fields = ["organization__name", "organization__slug"]
    readonly_fields = ["organization", "group", "playbook", "created_at"]


@admin.register(PageCopyLink)
class PageCopyLinkAdmin(admin.ModelAdmin):
    list_display = ["page", "origin", "synced_at"]
    list_select_related = ["page", "origin"]
    search_fields = ["page__title", "origin__title"]
    readonly_fields = ["page", "origin"]


@admin.register(ReviewReminder)
class ReviewReminderAdmin(admin.ModelAdmin):
    list_display = ["page", "period", "review_by", "sent_at"]
    list_select_related = ["page"]
    list_filter = ["period"]
    search_fields = ["page__title"]
    readonly_fields = ["page", "period", "review_by", "sent_at"]


@admin.register(SOPPageTag)
class SOPPageTagAdmin(admin.ModelAdmin):
    list_display = ["content_object", "tag"]
    list_select_related = ["content_object", "tag"]
    search_fields = ["tag__name", "content_object__title"]
    raw_id_fields = ["content_object", "tag"]
