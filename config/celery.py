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
    # Billing sweeps, hourly: issue last week's invoices (no-op once done), charge, pay out, decide bonuses.
    "billing.generate-invoices": {"task": "billing.tasks.billing_generate_invoices", "schedule": crontab(minute=15)},
    "billing.charge-due": {"task": "billing.tasks.billing_charge_due", "schedule": crontab(minute=25)},
    "billing.send-payouts": {"task": "billing.tasks.billing_send_payouts", "schedule": crontab(minute=35)},
    "billing.evaluate-bonuses": {"task": "billing.tasks.billing_evaluate_bonuses", "schedule": crontab(minute=45)},
    "qa_ops.run-sampling-rules": {"task": "qa_ops.tasks.run_sampling_rules", "schedule": crontab(minute=20)},
    "qa_ops.mark-assignments-done": {"task": "qa_ops.tasks.mark_assignments_done", "schedule": crontab(minute="*/10")},
    "qa_ops.autoqa-sweep": {"task": "qa_ops.tasks.autoqa_sweep", "schedule": crontab(minute="*/5")},
}
BEAT_SCHEDULE.update(
    {
        # cms: weekly review-date reminders (once per SOP page per week) and hourly playbook-space reconcile.
        "cms.review-reminders": {
            "task": "cms.tasks.send_review_reminders",
            "schedule": crontab(minute=0, hour=6, day_of_week="mon"),
        },
        "cms.reconcile-playbook-spaces": {
            "task": "cms.tasks.reconcile_playbook_spaces",
            "schedule": crontab(minute=20),
        },
    }
)
# timesheets: auto-submit after each week ends, auto-approve and reminders hourly (all idempotent).
BEAT_SCHEDULE["timesheets.auto-submit"] = {
    "task": "timesheets.tasks.auto_submit_timesheets",
    "schedule": crontab(minute=15),
}
BEAT_SCHEDULE["timesheets.auto-approve"] = {
    "task": "timesheets.tasks.auto_approve_timesheets",
    "schedule": crontab(minute=25),
}
BEAT_SCHEDULE["timesheets.reminders"] = {
    "task": "timesheets.tasks.send_timesheet_reminders",
    "schedule": crontab(minute=35),
}
# marketplace: expire offers hourly; rebuild the matching index for the new week (its DST rules) each Monday.
BEAT_SCHEDULE["marketplace.expire-offers"] = {"task": "marketplace.tasks.expire_offers", "schedule": crontab(minute=10)}
BEAT_SCHEDULE["marketplace.rebuild-match-index"] = {
    "task": "marketplace.tasks.rebuild_match_index",
    "schedule": crontab(minute=5, hour=0, day_of_week="mon"),
}
app.conf.beat_schedule = BEAT_SCHEDULE
