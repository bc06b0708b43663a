"""Funnel figures equal counts computed directly; the chart and CSV show them; query count is fixed."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.vetting.conftest import make_candidate, to_stage
from vetting import selectors, services
from vetting.models import Application, ApplicationStatus, Stage, StageResult

pytestmark = pytest.mark.django_db


def _pipeline(staff):
    """8 applications: 2 waiting at the screen, 1 failed the screen and rejected, 2 at the assessment,
    1 at the interview, 1 approved, 1 approved then suspended."""
    apps = []
    for i in range(8):
        p = make_candidate(f"f{i}@freelance.test")
        apps.append(services.application_submit(actor=p.user, profile=p))
    services.profile_screen_judge(actor=staff, application=apps[2], score=10)
    services.application_reject(actor=staff, application=Application.objects.get(pk=apps[2].pk), reason="profile")
    for a in apps[3:5]:
        to_stage(a, Stage.ASSESSMENT, staff)
    to_stage(apps[5], Stage.INTERVIEW, staff)
    for a in apps[6:8]:
        services.application_approve(actor=staff, application=to_stage(a, Stage.DECISION, staff))
    return apps


def test_funnel_figures_equal_direct_counts(vetting_staff, staff, scenarios):
    apps = _pipeline(vetting_staff)
    services.freelancer_suspend(actor=staff, application=Application.objects.get(pk=apps[7].pk), reason="Spam")
    # Known durations for the profile screen: 1 h, 2 h, 4 h, 8 h, 16 h, 32 h (finished ones only).
    finished = StageResult.objects.filter(stage=Stage.PROFILE_SCREEN, finished_at__isnull=False).order_by("pk")
    for hours, result in zip([1, 2, 4, 8, 16, 32], finished, strict=True):
        StageResult.objects.filter(pk=result.pk).update(finished_at=result.started_at + timedelta(hours=hours))

    data = selectors.funnel(actor=vetting_staff)

    assert data.applied == Application.objects.count() == 8
    assert data.approved == Application.objects.filter(status__in=["approved", "suspended"]).count() == 2
    assert data.rejected == Application.objects.filter(status="rejected").count() == 1
    rows = {r.stage: r for r in data.rows}
    for stage in Stage.values:
        results = StageResult.objects.filter(stage=stage)
        assert rows[stage].reached == results.count()
        assert rows[stage].passed == results.filter(outcome="passed").count()
        assert rows[stage].failed == results.filter(outcome="failed").count()
        assert rows[stage].in_progress == results.filter(outcome="pending").count()
    assert (rows["profile_screen"].reached, rows["profile_screen"].passed, rows["profile_screen"].failed) == (8, 5, 1)
    assert rows["profile_screen"].pass_rate == Decimal("83.3")
    assert rows["profile_screen"].median_hours == Decimal("6.0")  # median of 1, 2, 4, 8, 16, 32
    assert (rows["assessment"].reached, rows["assessment"].passed) == (5, 3)
    assert (rows["interview"].reached, rows["interview"].passed) == (3, 2)
    assert (rows["checks"].reached, rows["checks"].passed) == (2, 2)
    assert (rows["decision"].reached, rows["decision"].passed, rows["decision"].failed) == (3, 2, 1)


def test_funnel_period_filter(vetting_staff):
    old = make_candidate("old@freelance.test")
    a = services.application_submit(actor=old.user, profile=old)
    Application.objects.filter(pk=a.pk).update(submitted_at=timezone.now() - timedelta(days=40))
    new = make_candidate("new@freelance.test")
    services.application_submit(actor=new.user, profile=new)

    data = selectors.funnel(actor=vetting_staff, since=timezone.now() - timedelta(days=30))

    assert data.applied == 1
    assert data.rows[0].reached == 1


def test_funnel_query_count_is_constant(vetting_staff, django_assert_num_queries, scenarios):
    _pipeline(vetting_staff)
    vetting_staff.groups.all()  # noqa: B018
    selectors.funnel(actor=vetting_staff)  # warm the actor's group cache
    with django_assert_num_queries(3):
        selectors.funnel(actor=vetting_staff)
    for i in range(5):
        p = make_candidate(f"more{i}@freelance.test")
        services.application_submit(actor=p.user, profile=p)
    with django_assert_num_queries(3):
        assert selectors.funnel(actor=vetting_staff).applied == 13


def test_funnel_page_chart_and_csv(client_for, vetting_staff, scenarios):
    _pipeline(vetting_staff)
    client = client_for(vetting_staff)

    page = client.get("/vetting/staff/funnel/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body
    assert "8 (100.0 %)" in body
    assert "2 (25.0 %)" in body  # approved
    assert "style=" not in body

    response = client.get("/vetting/staff/funnel.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["step", "reached", "passed", "failed", "in_progress", "pass_rate_percent", "median_hours"]
    assert rows[1][:2] == ["applied", "8"]
    assert rows[2][:6] == ["profile_screen", "8", "5", "1", "2", "83.3"]
    assert rows[3][:5] == ["assessment", "5", "3", "0", "2"]
    assert rows[-1][:2] == ["approved", "2"]


def test_funnel_page_bad_dates_show_inline_error(client_for, vetting_staff):
    response = client_for(vetting_staff).get("/vetting/staff/funnel/?since=2026-05-01&until=2026-04-01")
    assert response.status_code == 400
    assert "Must be after the start date." in response.content.decode()


def test_statuses_after_pipeline(vetting_staff, scenarios):
    apps = _pipeline(vetting_staff)
    statuses = [Application.objects.get(pk=a.pk).status for a in apps]
    assert statuses == ["open", "open", "rejected", "open", "open", "open", "approved", "approved"]
    assert ApplicationStatus.APPROVED == "approved"
