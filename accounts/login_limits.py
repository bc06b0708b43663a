"""Failed logins are limited per client, so brute force stops without one client locking another person out.

allauth counts failed logins under ``ACCOUNT_RATE_LIMITS["login_failed"]``: per client (``/ip``) and per key.
Its key is the account alone, so by default five wrong passwords from anywhere lock the account for everyone.
Here the key is the account *and* the client, and a separate, higher ceiling per account
(``"login_failed_account"``) still stops an attack spread over many clients. A successful login gives back the
attempt it used, as allauth does; a password reset clears the reset client's count and the account's ceiling.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit

APP = "allauth.account"
ACCOUNT_ACTION = "login_failed_account"  # its rate lives in ACCOUNT_RATE_LIMITS beside allauth's own


class AccountAdapter(DefaultAccountAdapter):
    def _account_key(self, request, **credentials: Any) -> str:
        return super()._get_login_attempts_cache_key(request, **credentials)

    def _get_login_attempts_cache_key(self, request, **credentials: Any) -> str:
        """allauth's per-key count of failed logins: this account from this client (IPv6 by its /64)."""
        return f"{self._account_key(request, **credentials)}:{ratelimit.get_ip(request)}"

    def pre_authenticate(self, request, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)  # per client and per account + client
        account = self._account_key(request, **credentials)
        usage = ratelimit.consume(request, app=APP, action=ACCOUNT_ACTION, key=account)
        if usage is None:
            self._rollback_login_failed_rl_usage()  # this attempt was never made
            raise self.validation_error("too_many_login_attempts")
        self._login_failed_rl_usage.usage.extend(usage.usage)  # a successful login gives back both

    def _delete_login_attempts_cached_email(self, request, **credentials: Any) -> None:
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(request, app=APP, action=ACCOUNT_ACTION, key=self._account_key(request, **credentials))
