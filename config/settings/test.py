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
