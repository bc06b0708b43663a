"""Load the demo data. Idempotent: each app's ``demo.seed`` creates only what is missing."""

from importlib import import_module

from django.core.management.base import BaseCommand

# Order matters: later apps build on earlier ones.
DEMO_MODULES = [
    "accounts.demo",
    "marketplace.demo",
    "qa_scoring.demo",
    "qa_ops.demo",
    "cms.demo",
    "vetting.demo",
    "timesheets.demo",
    "billing.demo",
]


class Command(BaseCommand):
    help = "Create demo organizations, people and data (safe to run again)."

    def handle(self, *args, **options):
        from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

        logins: list[tuple[str, str]] = []
        for path in DEMO_MODULES:
            module = import_module(path)
            logins += module.seed(self.stdout) or []
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, email in logins:
            self.stdout.write(f"  {role:<40} {email}")
        self.stdout.write(f"Staff accounts use two-factor authentication; TOTP secret for the demo: {DEMO_TOTP_SECRET}")
