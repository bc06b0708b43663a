"""How the API answers errors, and how the OpenAPI schema documents them.

Every error under /api/ is JSON: ``{"detail": "..."}`` for 401/403/404/405/415/429/500, and field-keyed lists of
messages for a 400 (``{"field": ["message"]}``, ``{"non_field_errors": [...]}``). A service's Django
``ValidationError`` becomes that 400 and its ``PermissionDenied`` a 403 wherever it escapes a view; Django's
own 404/500 pages for /api/ paths (``config.views``) answer the same JSON body.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIX = "/api/"
DATA_ERROR = gettext_lazy("A value cannot be stored: it is too large or contains a NUL character.")
logger = logging.getLogger(__name__)


def validation_detail(exc: DjangoValidationError) -> dict:
    """A Django ValidationError as DRF's field-keyed 400 body."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    if isinstance(exc, DataError):
        # The last line of defence (inputs are bounded before they reach the database): a value the database
        # refuses (a NUL character in text, a number past its column) is the caller's input, so a 400.
        logger.warning("Database refused an API input on %s: %s", context["request"].path, exc)
        exc = exceptions.ValidationError({"non_field_errors": [DATA_ERROR]})
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied) and str(exc):
        exc = exceptions.PermissionDenied(str(exc))
    return drf_exception_handler(exc, context)


def is_api_request(request) -> bool:
    return request.path.startswith(API_PREFIX)


def json_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def api_not_found() -> JsonResponse:
    return json_error(404, _("Not found."))


def api_server_error() -> JsonResponse:
    return json_error(500, _("Server error. It has been logged; please try again later."))


def api_bad_request() -> JsonResponse:
    return json_error(400, _("Bad request."))


def api_forbidden(reason: str = "") -> JsonResponse:
    return json_error(403, reason or _("You do not have permission to perform this action."))


# --- schema

ERROR_DESCRIPTIONS = {
    "400": "Invalid input: a list of messages under each field's name (or `non_field_errors`).",
    "401": "Not authenticated: no session and no valid `Authorization: Api-Key …` header.",
    "403": "Authenticated but not allowed (for example a person-only action called with an API key).",
    "404": "No such object in your scope (other organizations' objects answer 404 too).",
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents its 400/401/403/404 bodies.

    400 where the operation takes input (a body or query parameters), 401/403 where it needs authentication,
    404 where its path names an object; a view's own description of a status wins.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "properties": {"detail": {"type": "string", "description": "What went wrong, in words for a person."}},
        "required": ["detail"],
    }
    schemas["ValidationError"] = {
        "type": "object",
        "description": "Field name → list of messages; `non_field_errors` for the whole input. "
        "Nested inputs nest the same way.",
        "properties": {"non_field_errors": {"type": "array", "items": {"type": "string"}}},
        "additionalProperties": {},
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            wanted = []
            params = operation.get("parameters", [])
            if "requestBody" in operation or any(p.get("in") == "query" for p in params):
                wanted.append(("400", "ValidationError"))
            if operation.get("security") != [{}] and operation.get("security") != []:
                wanted += [("401", "Error"), ("403", "Error")]
            if "{" in path:
                wanted.append(("404", "Error"))
            for code, component in wanted:
                responses.setdefault(
                    code,
                    {
                        "content": {"application/json": {"schema": _ref(component)}},
                        "description": ERROR_DESCRIPTIONS[code],
                    },
                )
    return result
