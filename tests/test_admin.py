"""Operations work in the Django admin: every model of ours is registered and its list page works."""

import pytest
from django.apps import apps
from django.contrib import admin

from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

OUR_APPS = ["accounts", "marketplace", "qa_scoring", "qa_ops", "vetting", "timesheets", "billing", "cms"]


def _our_models():
    from wagtail.models import Page

    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            if issubclass(model, Page):
                continue  # pages are edited in the Wagtail admin
            yield model


def test_every_model_is_registered_in_the_admin():
    missing = [m._meta.label for m in _our_models() if m not in admin.site._registry]
    assert missing == []


def test_every_changelist_and_search_answers_for_ops(client_for):
    ops = make_staff("root@shiftdesk.test", "ops")
    ops.is_superuser = True
    ops.save()
    client = client_for(ops)
    broken = []
    for model in _our_models():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue
        if client.get(url).status_code != 200:
            broken.append(url)
        if model_admin.search_fields and client.get(url, {"q": "x"}).status_code != 200:
            broken.append(url + "?q=x")
    assert broken == []


def test_friendly_error_pages(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Back to your dashboard" in response.content
