"""Background work through the real broker and a real worker process."""

import pytest

from accounts import services
from accounts.models import Invitation, Role

from .conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_invitation_email_is_sent_by_the_worker_after_commit(
    celery_worker_process, real_broker, mail_dir, seller_owner, org
):
    invitation = services.invitation_create(
        actor=seller_owner, organization=org, email="new.hire@acme.test", role=Role.REVIEWER
    )

    sent_at = wait_for(lambda: Invitation.objects.get(pk=invitation.pk).sent_at)

    assert sent_at is not None
    bodies = [p.read_text() for p in mail_dir.iterdir()]
    mine = [b for b in bodies if "To: new.hire@acme.test" in b]
    assert len(mine) == 1
    assert f"/invitations/{invitation.token}/" in mine[0].replace("=\n", "")
    assert "as reviewer" in mine[0]


def test_health_reports_postgres_redis_cache_and_broker(client, celery_worker_process):
    response = client.get("/api/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "detail": "postgresql"}
    assert body["checks"]["broker"] == {"ok": True, "detail": "redis"}
    assert body["checks"]["cache"]["ok"] is True
