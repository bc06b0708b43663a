"""Wagtail's date pickers start without inline scripts (the CSP refuses those)."""

from __future__ import annotations

import pytest

from cms import services

pytestmark = pytest.mark.django_db


def test_the_schedule_dialog_has_picker_markers_and_no_inline_script(client_for, seller_owner, acme_sop):
    services.playbook_spaces_reconcile()
    client = client_for(seller_owner)
    page = client.get(f"/cms-admin/pages/{acme_sop.pk}/edit/").content.decode()
    assert "<script>init" not in page
    config = (
        "{&quot;dayOfWeekStart&quot;: 0, &quot;format&quot;: &quot;Y-m-d H:i&quot;, "
        "&quot;formatTime&quot;: &quot;H:i&quot;, &quot;parentID&quot;: &quot;#schedule-publishing-dialog&quot;}"
    )
    for field in ("id_go_live_at", "id_expire_at"):
        assert (
            f'<span hidden data-picker="initDateTimeChooser" data-picker-for="{field}" data-picker-config="{config}">'
            in page
        )
    assert '<script src="/static/js/wagtail_admin.js" defer></script>' in page
