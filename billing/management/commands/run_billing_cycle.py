"""Run the billing cycle by hand: the same code beat runs, printing what it did."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from billing import cycle
from billing.gateways import get_gateway
from billing.tasks import billable_week


def parse_iso_week(value: str) -> dt.date:
    try:
        year, week = value.upper().split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    except ValueError as exc:
        raise CommandError(f"--week must look like 2026-W11, not “{value}”.") from exc


class Command(BaseCommand):
    help = "Evaluate due bonuses, issue the week's invoices, charge what is due, create payouts; then reconcile."

    def add_arguments(self, parser):
        parser.add_argument(
            "--week", help="ISO week to invoice, e.g. 2026-W11 (default: the last week whose review window has closed)"
        )

    def handle(self, *args, week=None, **options):
        week_start = parse_iso_week(week) if week else billable_week()
        gateway = get_gateway()
        iso = week_start.isocalendar()
        self.stdout.write(f"Billing cycle for {iso.year}-W{iso.week:02d} (from {week_start}), gateway: {gateway.name}")
        done = cycle.run_cycle(week_start=week_start, gateway=gateway)
        self.stdout.write(f"  bonuses decided: {done['bonuses']}")
        self.stdout.write(f"  invoices issued: {done['invoices']}")
        self.stdout.write(f"  invoices charged: {done['charged']}")
        self.stdout.write(f"  payouts created: {done['payouts']}")
        problems = cycle.reconcile()
        if problems:
            self.stdout.write(self.style.WARNING(f"Reconciliation: {len(problems)} difference(s)"))
            for line in problems:
                self.stdout.write(f"  - {line}")
        else:
            self.stdout.write(self.style.SUCCESS("Reconciliation: ledger, invoices and gateway records agree."))
