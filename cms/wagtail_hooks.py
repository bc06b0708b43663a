"""The Wagtail admin as part of Shiftdesk: a way back to the app; date pickers that start under the CSP."""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


class BackToAppMenuItem(MenuItem):
    """Resolves its address when shown, so URL configuration is not read at import time."""

    def __init__(self):
        super().__init__(_("Back to Shiftdesk"), "", name="back-to-app", icon_name="arrow-left", order=1)

    def render_component(self, request):
        self.url = reverse("cms:playbook_list")
        return super().render_component(request)


@hooks.register("register_admin_menu_item")
def back_to_app_menu_item() -> MenuItem:
    return BackToAppMenuItem()


@hooks.register("insert_global_admin_js")
def start_pickers_without_inline_scripts() -> str:
    return format_html('<script src="{}" defer></script>', static("js/wagtail_admin.js"))
