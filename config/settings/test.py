"""Test settings. DATABASE_URL / CELERY_BROKER_URL / CACHE_URL from the environment switch to real services."""

import os

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run inline unless a test drives the real worker (tests/services).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env("TEST_EMAIL_DIR", default=""):
    # The services suite's worker writes e-mails to files the tests read.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("TEST_EMAIL_DIR")

# Each parallel test process talks to its own worker through its own queue.
CELERY_TASK_DEFAULT_QUEUE = f"shiftdesk-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"

# Parallel test processes each get their own Redis cache database (CACHE_URL's number + 1 + the process's index):
# a test that empties the cache (rate limits, TOTP replay keys) must not empty another process's in the middle of
# its test.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and "redis" in CACHES["default"]["BACKEND"].lower():  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _url = urlsplit(CACHES["default"]["LOCATION"])  # noqa: F405
    _db = int(_url.path.strip("/") or 0) + 1 + int(_worker[2:])
    CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{_db}"))  # noqa: F405
