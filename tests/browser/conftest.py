"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Skipped when /usr/bin/chromium is missing, unless REQUIRE_BROWSER is set (``.ci/run`` sets it after installing
chromium), so CI can never pass by skipping them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Flags that work on a machine without network access or a display.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests themselves are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    missing = not CHROMIUM.exists()
    if missing and os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(f"REQUIRE_BROWSER is set but {CHROMIUM} does not exist")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is not installed"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, base_url: str, *, width: int = 1280, height: int = 900):
    """A page in a browser context of its own; console errors and uncaught script errors land in
    ``page.console_errors`` (the journeys assert it stays empty)."""
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height})
    new = context.new_page()
    new.set_default_timeout(20_000)
    errors: list[str] = []
    new.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    new.on("pageerror", lambda exc: errors.append(str(exc)))
    new.console_errors = errors
    return context, new


@pytest.fixture
def page(browser, live_server):
    context, new = _new_page(browser, live_server.url)
    yield new
    context.close()


@pytest.fixture
def open_page(browser, live_server):
    """``open_page()`` → a new page in a browser context of its own (another person at another computer).

    Contexts close at the end of the test.
    """
    contexts = []

    def make(*, width: int = 1280, height: int = 900):
        context, new = _new_page(browser, live_server.url, width=width, height=height)
        contexts.append(context)
        return new

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shipped_data(transactional_db):
    """The data the migrations ship (taxonomy, the default QA rubric), back after an earlier test's flush.

    Transactional tests (every live-server test) empty the tables when they end; the journeys start from what a
    fresh installation holds, so they put the migrations' data back with the migrations' own functions
    (both are idempotent).
    """
    import importlib

    from django.apps import apps

    for module, function in [
        ("marketplace.migrations.0004_seed_taxonomy", "seed"),
        ("qa_scoring.migrations.0002_default_ecommerce_rubric", "create"),
    ]:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth's rate limits live in the cache, which outlives a test: start each browser test with none."""
    from django.core.cache import cache

    cache.clear()
