"""Walk every URL pattern as an anonymous visitor: only the explicit allow-list may answer without login."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

pytestmark = pytest.mark.django_db

# Public on purpose. Everything else must send anonymous visitors to the login page or refuse them.
PUBLIC = [
    r"^/$",
    r"^/accounts/(login|signup|logout|password/reset|password/reset/done|password/reset/key/.*|confirm-email/.*|"
    r"inactive|reauthenticate|email/verification/sent|2fa/authenticate|login/code/confirm|signup/passkey|"
    r"login/code|password/reset/code/.*|signup/code)/?$",
    r"^/api/(health|schema|docs)/$",
    r"^/admin/logout/$",  # only redirects to the admin index, which asks for login
    r"^/billing/stripe/webhook/$",  # Stripe calls it: authenticated by its signature; unsigned → 400, nothing stored
]
SAMPLES = {"int": "1", "slug": "x", "str": "x", "uuid": str(uuid.UUID(int=1)), "path": "x"}
ROUTE_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _route_sample(route: str) -> str:
    return ROUTE_PARAM.sub(lambda m: SAMPLES.get(m.group("conv") or "str", "x"), route)


def _regex_sample(regex: str) -> str | None:
    s = regex.lstrip("^").rstrip("$").replace(r"\Z", "").replace(r"\.", ".")
    s = re.sub(r"\(\?P<\w+>[^)]*\)", "1", s)
    s = s.replace("/?", "/")
    if re.search(r"[\\()\[\]*+?|{}]", s):
        return None
    return s


def _walk(resolvers, prefix=""):
    for entry in resolvers:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            part = _route_sample(str(pattern))
        elif isinstance(pattern, RegexPattern):
            part = _regex_sample(pattern.regex.pattern)
        else:  # pragma: no cover
            part = None
        if part is None:
            yield entry, None
            continue
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + part)
        elif isinstance(entry, URLPattern):
            yield entry, "/" + prefix + part


def all_urls() -> list[tuple[str, str | None]]:
    return [(getattr(e, "name", None) or str(e.pattern), url) for e, url in _walk(get_resolver().url_patterns)]


def test_every_pattern_can_be_materialised():
    unmaterialised = [name for name, url in all_urls() if url is None]
    assert unmaterialised == []


def test_anonymous_visitors_reach_only_public_pages(client):
    urls = sorted({url for _, url in all_urls() if url})
    assert len(urls) > 50  # the walk really walks
    leaks = []
    for url in urls:
        if any(re.match(p, url) for p in PUBLIC):
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            code = response.status_code
            location = response.get("Location", "")
            to_login = code == 302 and location.startswith(("/accounts/login/", "/admin/login/"))
            if not (to_login or code in (401, 403, 404, 405)):
                leaks.append(f"{method.upper()} {url} -> {code} {location}")
    assert leaks == []


def test_public_pages_answer(client):
    for url in ["/", "/accounts/login/", "/accounts/signup/", "/api/health/", "/api/schema/", "/api/docs/"]:
        assert client.get(url).status_code == 200, url
