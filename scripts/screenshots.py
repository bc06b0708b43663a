"""Regenerate docs/screenshots/*.png from the demo data.

Builds a fresh SQLite database with the demo data, serves it, and photographs the key screens in Debian's
chromium through Playwright. Run with `make screenshots`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
DB = ROOT / "var" / "screenshots.sqlite3"
PASSWORD = "shiftdesk-demo"  # noqa: S105 - the demo password printed by seed_demo
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - demo staff only

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings.local",
    "DATABASE_URL": f"sqlite:///{DB}",
    "CELERY_TASK_ALWAYS_EAGER": "1",
    "DEBUG": "1",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _path(resolve: Callable[[], str] | str) -> str:
    return resolve() if callable(resolve) else resolve


def shots() -> list[tuple[str, str | None, Callable[[], str] | str]]:
    """(file name, demo login or None, path or a function computing it from the demo data)."""
    import django

    os.environ.update({k: v for k, v in ENV.items() if k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")})
    django.setup()
    from django.urls import NoReverseMatch, reverse

    def maybe(name: str, *args) -> Callable[[], str]:
        def resolve() -> str:
            try:
                return reverse(name, args=args)
            except NoReverseMatch:
                return ""

        return resolve

    return [
        ("landing", None, "/"),
        ("seller-dashboard", "owner@northwind.example", "/"),
        ("seller-team", "owner@northwind.example", "/orgs/northwind-goods/members/"),
        ("api-docs", None, "/api/docs/"),
        *extra_shots(maybe),
    ]


def extra_shots(maybe) -> list:
    """Screens of the product areas; each resolves its URL from the demo data."""
    from screenshot_pages import PAGES  # noqa: PLC0415 - optional, lives beside this script

    return PAGES(maybe)


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    DB.parent.mkdir(exist_ok=True)
    DB.unlink(missing_ok=True)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=ENV, check=True)
    subprocess.run([python, "manage.py", "seed_demo"], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    server = subprocess.Popen(
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/health/", timeout=1)  # noqa: S310 - our own local server
                break
            except OSError:
                time.sleep(0.3)
        sys.path.insert(0, str(ROOT / "scripts"))
        sys.path.insert(0, str(ROOT))
        from tests.browser.a11y import login
        from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for name, email, target in shots():
                path = _path(target)
                if not path:
                    print(f"skipped {name}: its page is not available")
                    continue
                context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 860})
                page = context.new_page()
                if email:
                    staff = email.endswith("@shiftdesk.example")
                    login(page, email, PASSWORD, totp_secret=TOTP_SECRET if staff else None)
                page.goto(path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
                print(f"docs/screenshots/{name}.png  ←  {path}")
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
