"""The live fuzz server: production settings, served over plain HTTP on loopback without collected static files."""

from config.settings.production import *  # noqa: F403

SECURE_SSL_REDIRECT = False  # loopback HTTP; the fuzzer never speaks TLS
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},  # no manifest needed
}
