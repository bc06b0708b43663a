"""Recompute the weekly QA roll-ups from the reviews, or check them against a fresh aggregation."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from qa_scoring import rollups


class Command(BaseCommand):
    help = "Rebuild ReviewRollup and CriterionRollup from the submitted production reviews (or --check them)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="only compare with a fresh aggregation; exit 1 when they differ"
        )

    def handle(self, *args, check: bool = False, **options):
        if check:
            diff = rollups.differences()
            if diff:
                for name, rows in diff.items():
                    for key, stored, fresh in rows[:20]:
                        self.stderr.write(f"{name} {key}: stored {stored}, fresh {fresh}")
                raise CommandError(f"The QA roll-ups differ in {sum(len(r) for r in diff.values())} rows.")
            self.stdout.write("The QA roll-ups equal a fresh aggregation.")
            return
        reviews, criteria = rollups.rebuild()
        if options.get("verbosity", 1):
            self.stdout.write(f"Rebuilt the QA roll-ups: {reviews} review rows, {criteria} criterion rows.")
