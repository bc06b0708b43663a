"""Seed the fuzz database through the product's services and print the credentials as JSON.

An organization with its owner (a seller), the owner's logged-in session with a CSRF token, and an
organization API key. Run with the fuzz server's settings: ``python -m tests.fuzz.seed``.
"""

from __future__ import annotations

import json
import os


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.fuzz.settings")
    django.setup()

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    from accounts.models import User
    from accounts.services import api_key_create, organization_create

    owner = User.objects.create_user(email="fuzz-owner@shiftdesk.test", password=None, full_name="Fuzz Owner")
    org = organization_create(owner=owner, name="Fuzz Goods")
    _, raw_key = api_key_create(actor=owner, organization=org, name="fuzzer")

    session = SessionStore()
    session[SESSION_KEY] = str(owner.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = owner.get_session_auth_hash()
    session.create()
    csrf = get_token(RequestFactory().get("/"))  # a masked token; the cookie and the header carry the same value

    print(json.dumps({"api_key": raw_key, "sessionid": session.session_key, "csrftoken": csrf}))


if __name__ == "__main__":
    main()
