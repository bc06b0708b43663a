"""The live fuzz server: production settings, served over plain HTTP on loopback without collected static files."""

from config.settings.production import *  # noqa: F403

SECURE_SSL_REDIRECT = False  # loopback HTTP; the fuzzer never speaks TLS
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},  # no manifest needed
}
# The fuzzer sends thousands of requests in minutes from one key and one person: throttling them would turn the
# later calls into 429s and leave operations unexplored. The throttles have their own tests.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "1000000/hour"),  # noqa: F405
}
