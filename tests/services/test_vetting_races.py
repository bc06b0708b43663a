"""Vetting under real concurrency (PostgreSQL) and the decision e-mail through the real worker."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import AuditEvent
from tests.vetting.conftest import make_candidate
from vetting import services
from vetting.models import Application, ApplicationStatus, Outcome, Stage, StageResult

from .conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def vetting_pair(db):
    from tests.conftest import make_staff

    return make_staff("vera@shiftdesk.test", "vetting"), make_staff("walt@shiftdesk.test", "vetting")


def _race(*calls):
    """Run the calls at the same moment in separate threads (own connections); return their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            fn()
            outcomes[i] = "ok"
        except ValidationError as exc:
            outcomes[i] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_two_reviewers_deciding_at_once_make_one_decision(vetting_pair):
    vera, walt = vetting_pair
    profile = make_candidate("race@freelance.test")
    app = services.application_submit(actor=profile.user, profile=profile)
    services.profile_screen_judge(actor=vera, application=app, score=10)

    outcomes = _race(
        lambda: services.application_reject(
            actor=vera, application=Application.objects.get(pk=app.pk), reason="profile"
        ),
        lambda: services.application_reject(actor=walt, application=Application.objects.get(pk=app.pk), reason="other"),
    )

    assert sorted(outcomes, key=str) == sorted(
        ["ok", "This application is not waiting for a decision (it may already be decided)."], key=str
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REJECTED
    assert AuditEvent.objects.filter(target_id=str(app.pk), action="vetting.application.rejected").count() == 1
    assert StageResult.objects.get(application=app, stage=Stage.DECISION).finished_at is not None


def test_two_reviewers_finishing_a_stage_at_once_finish_it_once(vetting_pair):
    vera, walt = vetting_pair
    profile = make_candidate("race2@freelance.test")
    app = services.application_submit(actor=profile.user, profile=profile)

    outcomes = _race(
        lambda: services.profile_screen_judge(actor=vera, application=app, score=90),
        lambda: services.profile_screen_judge(actor=walt, application=app, score=20),
    )

    assert outcomes.count("ok") == 1
    assert outcomes.count("This application is not at the profile screen stage.") == 1
    screen = StageResult.objects.get(application=app, stage=Stage.PROFILE_SCREEN)
    winner_passed = screen.outcome == Outcome.PASSED
    app.refresh_from_db()
    assert app.stage == (Stage.ASSESSMENT if winner_passed else Stage.DECISION)
    assert StageResult.objects.filter(application=app).count() == 2


def test_decision_email_sent_by_the_worker(celery_worker_process, real_broker, mail_dir, vetting_pair):
    vera, _ = vetting_pair
    profile = make_candidate("mailme@freelance.test")
    app = services.application_submit(actor=profile.user, profile=profile)
    services.profile_screen_judge(actor=vera, application=app, score=10)

    services.application_reject(actor=vera, application=Application.objects.get(pk=app.pk), reason="profile")

    wait_for(lambda: Application.objects.get(pk=app.pk).decision_email_sent_at)

    def mails_to_candidate():
        return [b for b in (p.read_text() for p in mail_dir.iterdir()) if "To: mailme@freelance.test" in b]

    # The send is claimed (sent_at set) before the message is written, so wait for the file as well.
    mine = wait_for(mails_to_candidate)
    assert len(mine) == 1
    assert "You can apply again from" in mine[0]
