"""Accessibility checks with axe-core (vendored from the npm registry: tests/browser/vendor/axe.min.js)."""

from __future__ import annotations

import time
from pathlib import Path

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
BLOCKING = {"serious", "critical"}


def axe_violations(page) -> list[str]:
    """Serious and critical axe violations on the current page, as readable lines."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(n['target'][0] for n in v['nodes'][:3])}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


_last_code_step: dict[str, int] = {}


def login(page, email: str, password: str, totp_secret: str | None = None) -> None:
    """Log in through the real form (and the TOTP step for staff)."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    if totp_secret:
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

        page.wait_for_url("**/accounts/2fa/authenticate/")
        # A code is accepted once per user (allauth refuses a replay): a second login of the same user within
        # the same 30-second step waits for the next code.
        counter = int(time.time()) // 30
        if _last_code_step.get(email) == counter:
            time.sleep((counter + 1) * 30 - time.time() + 0.1)
            counter = int(time.time()) // 30
        _last_code_step[email] = counter
        code = format_hotp_value(hotp_value(totp_secret, counter))
        page.locator("#id_code").fill(code)
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
