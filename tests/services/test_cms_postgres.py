"""Playbooks on PostgreSQL: full-text search through Wagtail's PostgreSQL backend, and concurrent reminder runs."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection

from cms import selectors, services
from cms.models import ReviewReminder
from tests.cms.factories import make_playbook, make_sop

pytestmark = pytest.mark.django_db(transaction=True)


def test_postgres_full_text_search_is_scoped(org, other_org, seller_owner):
    from wagtail.search.backends import get_search_backend

    assert type(get_search_backend()).__name__ == "PostgresSearchBackend"
    acme = make_playbook(title="Acme playbook", slug="acme-pb", organization=org)
    globex = make_playbook(title="Globex playbook", slug="globex-pb", organization=other_org)
    make_sop(playbook=acme, title="Damaged parcels", slug="damaged", summary="Refunds for damaged items")
    make_sop(playbook=globex, title="Globex damaged", slug="gdamaged", summary="Refunds for damaged items")
    titles = [p.title for p in selectors.sop_search(actor=seller_owner, query="refunds damaged")]
    assert titles == ["Damaged parcels"]


def test_concurrent_reminder_runs_send_once(org, seller_owner):
    acme = make_playbook(title="Acme playbook", slug="acme-pb", organization=org)
    pages = [
        make_sop(playbook=acme, title=f"Stale {n}", slug=f"stale-{n}", review_by=dt.date(2026, 1, 1)) for n in range(5)
    ]
    counts: list[int] = []

    def run():
        try:
            counts.append(services.review_reminders_send(today=dt.date(2026, 3, 2)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == len(pages)
    assert ReviewReminder.objects.count() == len(pages)
    assert sum(m.body.count("review by") for m in mail.outbox) == len(pages)
