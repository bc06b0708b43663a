"""The API's JSON parser, bounded: every JSON request body is checked before it is parsed.

DRF's own ``JSONParser`` reads the whole body (Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not apply to it)
and lets ``json`` recurse until ``RecursionError`` — a 500. Here the body is read up to ``API_JSON_MAX_BYTES``,
then its nesting (``API_JSON_MAX_DEPTH``), the length of each text value (``API_JSON_MAX_STRING_BYTES``) and
the number of values (``API_JSON_MAX_ITEMS``) are checked on the raw bytes, and only then is it parsed. Past a
bound the answer is a 400 that names the bound and the byte (and line) where it was crossed.
"""

from __future__ import annotations

import codecs
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings
from rest_framework.utils import json as drf_json

from qa_scoring.importers.jsonscan import JsonLimitError, check_json_bytes
from qa_scoring.importers.limits import human_size

DEFAULTS = {
    "API_JSON_MAX_BYTES": 1024 * 1024,
    "API_JSON_MAX_DEPTH": 32,
    "API_JSON_MAX_ITEMS": 10_000,
    "API_JSON_MAX_STRING_BYTES": 100 * 1024,
}


def _limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


class BoundedJSONParser(JSONParser):
    """``application/json`` bodies within the API_JSON_* bounds; a clear 400 otherwise."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        max_bytes = _limit("API_JSON_MAX_BYTES")
        body = stream.read(max_bytes + 1) if stream is not None else b""
        if len(body) > max_bytes:
            raise ParseError(
                _("The JSON body is larger than %(size)s, past the limit (API_JSON_MAX_BYTES).")
                % {"size": human_size(max_bytes)}
            )
        encoding = (parser_context.get("encoding") or settings.DEFAULT_CHARSET).lower()
        if codecs.lookup(encoding).name != "utf-8":
            try:
                body = body.decode(encoding).encode("utf-8")
            except (UnicodeDecodeError, LookupError):
                raise ParseError(_("The JSON body is not valid %(encoding)s text.") % {"encoding": encoding}) from None
        try:
            check_json_bytes(
                body,
                max_depth=_limit("API_JSON_MAX_DEPTH"),
                max_field_bytes=_limit("API_JSON_MAX_STRING_BYTES"),
                max_items=_limit("API_JSON_MAX_ITEMS"),
            )
        except JsonLimitError as exc:
            raise ParseError(_message(exc)) from None
        try:
            parse_constant = drf_json.strict_constant if api_settings.STRICT_JSON else None
            return json.loads(body.decode("utf-8"), parse_constant=parse_constant)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        except ValueError as exc:  # UnicodeDecodeError included
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None


def _message(exc: JsonLimitError) -> str:
    where = {"byte": f"{exc.offset:,}", "line": f"{exc.line:,}"}
    if exc.bound == "depth":
        text = _(
            "The JSON body is nested more than %(limit)s levels deep at byte %(byte)s (line %(line)s), "
            "past the limit (API_JSON_MAX_DEPTH)."
        )
    elif exc.bound == "field":
        text = _(
            "The JSON body holds a text value longer than %(limit)s bytes at byte %(byte)s (line %(line)s), "
            "past the limit (API_JSON_MAX_STRING_BYTES)."
        )
    else:
        text = _("The JSON body holds more than %(limit)s values, past the limit (API_JSON_MAX_ITEMS).")
    return text % {"limit": f"{exc.limit:,}", **where}
