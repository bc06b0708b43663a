"""How forms behave in the browser: a question before a consequential action, and a busy button meanwhile."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from marketplace.models import ContractStatus
from tests.conftest import PASSWORD

from .a11y import login
from .journey import status_message, text_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_ending_a_contract_asks_first_and_a_no_changes_nothing(page, seller_owner, contract):
    login(page, seller_owner.email, PASSWORD)
    page.goto(f"/marketplace/contracts/{contract.pk}/")
    questions = []

    def answer(dialog, accept: bool):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="End contract").click()
    assert questions == [f"End “{contract.title}”? It cannot be restarted; time can no longer be recorded on it."]
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    assert page.get_by_role("button", name="End contract").get_attribute("aria-busy") is None  # not left busy

    # The form's other button (Pause) asks nothing: the question belongs to the button that needs it.
    page.get_by_label("Reason").fill("Holiday season over")
    page.get_by_role("button", name="Pause").click()
    assert status_message(page) == f"Contract {contract.title}: pause done."
    assert questions == [questions[0]]
    contract.refresh_from_db()
    assert contract.status == ContractStatus.PAUSED

    # Yes, but without a reason: the service refuses, and says so next to the Reason field.
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="End contract").click()
    reason = page.get_by_label("Reason")
    expect(reason).to_have_attribute("aria-invalid", "true")
    assert text_of(page.locator("#id_reason_error")) == "Say why the contract ends."
    assert "id_reason_error" in reason.get_attribute("aria-describedby").split()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.PAUSED

    reason.fill("The season is over")
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="End contract").click()
    assert status_message(page) == f"Contract {contract.title}: end done."
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ENDED
    assert "Ended" in text_of(page.locator("dl"))
    assert page.console_errors == []


# Records each submit event as the page saw it (after app.js had its say) and presses the button again at once,
# as an impatient user would, while the first submission is on its way.
RECORD_SUBMITS = """() => window.addEventListener("submit", (event) => {
  const log = JSON.parse(sessionStorage.getItem("submits") || "[]");
  log.push({busy: event.submitter.getAttribute("aria-busy"), prevented: event.defaultPrevented});
  sessionStorage.setItem("submits", JSON.stringify(log));
  if (log.length === 1) setTimeout(() => event.target.requestSubmit(event.submitter), 0);
})"""


def test_a_pressed_button_shows_it_is_busy_and_a_second_press_sends_nothing(page, seller_owner, contract):
    login(page, seller_owner.email, PASSWORD)
    page.goto(f"/marketplace/contracts/{contract.pk}/")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.evaluate(RECORD_SUBMITS)
    page.get_by_label("Reason").fill("Stock count week")
    page.get_by_role("button", name="Pause").click()
    assert status_message(page) == f"Contract {contract.title}: pause done."
    submits = page.evaluate("JSON.parse(sessionStorage.getItem('submits'))")
    assert submits == [{"busy": "true", "prevented": False}, {"busy": "true", "prevented": True}]
    assert [url.rsplit("/", 3)[-2:] for url in posts] == [["pause", ""]]  # one request went, not two
    contract.refresh_from_db()
    assert contract.status == ContractStatus.PAUSED
    assert page.console_errors == []


def test_an_upload_shows_its_progress_then_the_import_job(page, seller_owner, org, tmp_path, monkeypatch, settings):
    from qa_scoring import tasks

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(tasks.run_import_job, "delay_on_commit", lambda job_id: None)  # no worker in this test
    export = tmp_path / "amazon-messages.csv"
    rows = [f"C-{n},2026-11-02T09:{n % 60:02d}:00Z,customer,Buyer {n},Where is my parcel {n}?" for n in range(6000)]
    export.write_text("conversation_id,sent_at,sender_type,sender_name,text\n" + "\n".join(rows) + "\n")
    login(page, seller_owner.email, PASSWORD)
    page.goto("/qa/import/")
    # A slow uplink (about 150 kB/s), so the upload takes a few seconds, as a big export does.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 150_000},
    )
    page.get_by_label("File").set_input_files(str(export))
    page.get_by_role("button", name="Import").click()
    # While the file goes up, the bar and its label say how far it is, and the button is busy.
    expect(page.get_by_role("progressbar", name="Upload progress")).to_be_visible()
    expect(page.locator("[data-progress-label]")).to_have_text(re.compile(r"^Uploading… [1-9][0-9]? %$"))
    assert page.get_by_role("button", name="Import").get_attribute("aria-busy") == "true"
    page.wait_for_url("**/qa/import/*/", timeout=60_000)
    assert (
        text_of(page.locator("#import-progress p").first)
        == "Queued — waiting for a worker; this page updates by itself."
    )
    assert page.console_errors == []


def test_a_seller_sets_a_go_live_date_with_the_wagtail_date_picker(page, seller_owner, org):
    """Wagtail starts its date pickers with inline scripts; here they start from a static file, under the CSP."""
    from cms import services
    from tests.cms.factories import make_playbook, make_sop

    playbook = make_playbook(title="Acme playbook", slug="acme-playbook", organization=org)
    sop = make_sop(playbook=playbook, title="Damaged parcels", slug="damaged")
    services.playbook_spaces_reconcile()
    login(page, seller_owner.email, PASSWORD)
    page.goto(f"/cms-admin/pages/{sop.pk}/edit/")
    page.get_by_role("button", name="Toggle status").click()
    page.get_by_role("button", name="Set schedule").click()
    dialog = page.get_by_role("dialog", name="Set publishing schedule")
    go_live = dialog.locator("#id_go_live_at")
    go_live.click()
    picker = page.locator(".xdsoft_datetimepicker:visible")
    expect(picker).to_be_visible()
    picker.locator(".xdsoft_next").first.click()  # next month
    picker.locator(".xdsoft_date:not(.xdsoft_other_month)[data-date='15']").first.click()
    value = go_live.input_value()
    assert re.fullmatch(r"\d{4}-\d{2}-15 \d{2}:\d{2}", value), value
    assert page.console_errors == []
