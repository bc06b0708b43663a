"""The Celery app. Tasks are thin wrappers around services; the beat schedule is code."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("shiftdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

BEAT_SCHEDULE = {
    "accounts.expire-invitations": {
        "task": "accounts.tasks.expire_invitations",
        "schedule": crontab(minute=5),
    },
}
app.conf.beat_schedule = BEAT_SCHEDULE
