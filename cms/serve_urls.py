"""Wagtail page serving under /playbooks/, behind login. Named ``wagtail_serve`` so Wagtail's page URLs resolve."""

from django.urls import path, register_converter

from . import views


class PagePathConverter:
    regex = r"[\w\-/]*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PagePathConverter, "pagepath")

urlpatterns = [path("<pagepath:path>", views.serve, name="wagtail_serve")]
