"""Under /api/ every error is JSON, with production settings too (DEBUG off): 404, 500, services' errors."""

import json

import pytest
import stripe
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from rest_framework.test import APIRequestFactory

from billing.models import StripeEvent
from config.api_errors import exception_handler

pytestmark = pytest.mark.django_db
SECRET = "whsec_test_shiftdesk"


def test_unknown_api_path_is_a_json_404(client, settings):
    settings.DEBUG = False
    response = client.get("/api/no-such-endpoint/")

    assert (response.status_code, response["Content-Type"], response.json()) == (
        404,
        "application/json",
        {"detail": "Not found."},
    )


def test_unknown_page_outside_the_api_stays_html(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_crash_under_the_api_is_a_json_500(client_for, seller_owner, settings, monkeypatch):
    settings.DEBUG = False

    def crash(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr("accounts.api.MeView.get", crash)
    client = client_for(seller_owner)
    client.raise_request_exception = False
    response = client.get("/api/me/")

    assert (response.status_code, response["Content-Type"]) == (500, "application/json")
    assert response.json() == {"detail": "Server error. It has been logged; please try again later."}


def test_the_500_page_outside_the_api_stays_html(rf):
    from config.views import error_500

    response = error_500(rf.get("/time/"))

    assert (response.status_code, response["Content-Type"].startswith("text/html")) == (500, True)


def _context():
    return {"request": APIRequestFactory().get("/api/x/"), "view": None}


def test_a_services_validation_error_becomes_a_field_keyed_400():
    response = exception_handler(ValidationError({"note": "Say why."}), _context())

    assert (response.status_code, response.data) == (400, {"note": ["Say why."]})


def test_a_services_permission_denied_keeps_its_message():
    response = exception_handler(PermissionDenied("Only the seller's managers approve time."), _context())

    assert (response.status_code, response.data) == (403, {"detail": "Only the seller's managers approve time."})


def test_a_value_the_database_refuses_is_a_400():
    response = exception_handler(DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"), _context())

    assert (response.status_code, response.data) == (
        400,
        {"non_field_errors": ["A value cannot be stored: it is too large or contains a NUL character."]},
    )


def _signed(client, payload: str):
    header = stripe.WebhookSignature.generate_signature_header(payload, SECRET)
    return client.post(
        "/billing/stripe/webhook/", data=payload, content_type="application/json", **{"HTTP_STRIPE_SIGNATURE": header}
    )


@pytest.mark.parametrize(
    ("event", "detail"),
    [
        (
            {"object": "event", "type": "payment_intent.succeeded"},
            "The event needs a string “id” of 1 to 80 characters.",
        ),
        ({"id": 42, "type": "payment_intent.succeeded"}, "The event needs a string “id” of 1 to 80 characters."),
        ({"id": "evt_" + "x" * 80, "type": "x"}, "The event needs a string “id” of 1 to 80 characters."),
        ({"id": "evt_1"}, "The event needs a string “type” of 1 to 80 characters."),
        ({"id": "evt_1", "type": "x", "data": {"object": []}}, "The event's “data.object” must be a JSON object."),
        (["evt_1"], "The event must be a JSON object."),
    ],
)
def test_a_correctly_signed_but_unusable_stripe_event_is_a_400(client, settings, event, detail):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    response = _signed(client, json.dumps(event))

    assert (response.status_code, response.json()) == (400, {"detail": detail})
    assert StripeEvent.objects.count() == 0


def test_a_signed_body_that_is_not_json_is_a_400(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    response = _signed(client, "not json")

    assert (response.status_code, response.json()) == (400, {"detail": "Invalid signature or payload."})
    assert StripeEvent.objects.count() == 0
