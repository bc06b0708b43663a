"""The decision e-mail task: enqueued after commit, sent once, retried after a failed send."""

from __future__ import annotations

from unittest import mock

import pytest

from vetting import services
from vetting.models import Application
from vetting.tasks import send_decision_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def rejected(candidate, candidate_profile, vetting_staff, django_capture_on_commit_callbacks):
    app = services.application_submit(actor=candidate, profile=candidate_profile)
    services.profile_screen_judge(actor=vetting_staff, application=app, score=5)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        app = services.application_reject(actor=vetting_staff, application=app, reason="profile")
    assert len(callbacks) == 1  # enqueued on commit, not before
    return app


def test_decision_email_is_sent_once(rejected, mailoutbox):
    assert send_decision_email(rejected.pk) == "sent"
    assert send_decision_email(rejected.pk) == "skipped"

    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "[Shiftdesk] Your Shiftdesk application"
    assert "This time we are not able to approve it." in mailoutbox[0].body


def test_failed_send_releases_the_claim_for_the_retry(rejected, mailoutbox):
    with mock.patch("vetting.tasks.send_mail", side_effect=OSError("smtp down")), pytest.raises(OSError):
        send_decision_email.run(rejected.pk)
    assert Application.objects.get(pk=rejected.pk).decision_email_sent_at is None

    assert send_decision_email(rejected.pk) == "sent"
    assert len(mailoutbox) == 1


def test_no_email_for_an_open_application(candidate, candidate_profile, mailoutbox):
    app = services.application_submit(actor=candidate, profile=candidate_profile)

    assert send_decision_email(app.pk) == "skipped"
    assert mailoutbox == []
