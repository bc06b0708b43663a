"""The audit log in plain words: one sentence per event type, a readable fallback, never raw codes or JSON."""

import datetime as dt
import html
import re

import pytest

from accounts.audit import audit_record
from accounts.audit_text import audit_sentence
from accounts.models import AuditEvent
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def event(action, data=None, actor=None, target_label="", org=None):
    return AuditEvent.objects.create(
        action=action,
        data=data or {},
        actor=actor,
        actor_label=actor.email if actor else "system",
        target_label=target_label,
        organization=org,
    )


def test_timesheet_events_read_as_sentences(org):
    nora = UserFactory(email="nora@acme.test", full_name="Nora Berzina")
    week = {"freelancer": "Maria", "week_start": "2026-11-30"}
    cases = [
        (
            "timesheet.approved",
            {"approved_minutes": 1120},
            "Nora Berzina approved Maria's week of 30 Nov 2026: 18 h 40 min",
        ),
        (
            "timesheet.auto_approved",
            {"approved_minutes": 60},
            "Maria's week of 30 Nov 2026 was approved automatically after the review window: 1 h 00 min",
        ),
        ("timesheet.submitted", {"minutes": 1120}, "Nora Berzina submitted Maria's week of 30 Nov 2026: 18 h 40 min"),
        (
            "timesheet.disputed",
            {"disputed_minutes": 135, "reason": "No tickets\non Friday"},
            "Nora Berzina disputed 2 h 15 min of Maria's week of 30 Nov 2026: “No tickets on Friday”",
        ),
        (
            "timesheet.resolved",
            {"approved_minutes": 1025, "submitted_minutes": 1120, "note": "Half"},
            "Nora Berzina resolved the dispute on Maria's week of 30 Nov 2026: 17 h 05 min of 18 h 40 min approved",
        ),
    ]
    for action, data, sentence in cases:
        assert audit_sentence(event(action, week | data, actor=nora, org=org)) == sentence


def test_older_events_and_unknown_types_fall_back_to_readable_words(org):
    alice = UserFactory(email="alice@acme.test", full_name="")
    old = event(
        "timesheet.approved", {"approved_minutes": 90}, actor=alice, target_label="Acme inbox · week of 2026-03-09"
    )
    assert audit_sentence(old) == "alice@acme.test approved Acme inbox · week of 2026-03-09: 1 h 30 min"
    unknown = event("qa_ops.rule.created", {"x": 1}, actor=alice, target_label="Low CSAT first")
    assert audit_sentence(unknown) == "alice@acme.test: qa ops rule created — Low CSAT first"
    assert audit_sentence(event("invoice.paid", {"n": 1})) == "Shiftdesk: invoice paid"
    broken = event("timesheet.approved", {"approved_minutes": "lots"}, actor=alice)
    assert audit_sentence(broken) == "alice@acme.test approved a timesheet: —"


def test_audit_log_page_shows_sentences_in_the_viewer_zone(client_for, seller_owner, org):
    seller_owner.full_name, seller_owner.timezone = "Alice Owner", "Asia/Manila"
    seller_owner.save()
    e = audit_record(
        actor=seller_owner,
        action="timesheet.approved",
        organization=org,
        data={"freelancer": "Maria", "week_start": dt.date(2026, 11, 30), "approved_minutes": 1120},
    )
    AuditEvent.objects.filter(pk=e.pk).update(created_at=dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC))
    body = client_for(seller_owner).get("/orgs/acme/audit/").content.decode()
    cells = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td>(.*?)</td>", body, flags=re.S)]
    assert cells == [
        "Mon 7 Dec 2026 09:30 Asia/Manila",
        "Alice Owner approved Maria's week of 30 Nov 2026: 18 h 40 min",
    ]
    assert "timesheet.approved" not in body and "approved_minutes" not in body
