"""Load the demo data, or check it. Idempotent: each app's ``demo.seed`` creates only what is missing."""

from importlib import import_module

from django.core.management.base import BaseCommand, CommandError

# Order matters: later apps build on earlier ones (the QA demo links the rubric to the playbook's SOP pages;
# billing bills the timesheets and decides bonuses from the reviews).
DEMO_MODULES = [
    "accounts.demo",
    "marketplace.demo",
    "cms.demo",
    "qa_scoring.demo",
    "qa_ops.demo",
    "vetting.demo",
    "timesheets.demo",
    "billing.demo",
]


class Command(BaseCommand):
    help = "Create demo organizations, people and data (safe to run again); --check verifies the demo's figures."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Seed nothing: check the stored data keeps the demo's invariants (exit 1 at the first broken one).",
        )

    def handle(self, *args, **options):
        if options["check"]:
            return self._check()
        from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

        logins: dict[str, str] = {}
        for path in DEMO_MODULES:
            module = import_module(path)
            for role, email in module.seed(self.stdout) or []:
                logins.setdefault(email, role)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, role in logins.items():
            self.stdout.write(f"  {role:<50} {email}")
        self.stdout.write(f"Staff accounts use two-factor authentication; TOTP secret for the demo: {DEMO_TOTP_SECRET}")

    def _check(self):
        from accounts.demo_check import BrokenInvariant, check_demo

        try:
            checked = check_demo()
        except BrokenInvariant as exc:
            raise CommandError(f"Demo check failed: {exc.invariant}: {exc.detail}", returncode=1) from exc
        self.stdout.write(self.style.SUCCESS(f"Demo check passed: {', '.join(checked)}."))
