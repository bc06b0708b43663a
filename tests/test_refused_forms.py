"""A refused form answers 400; to a browser (HTMX, or a page load) 200 with X-Form-Refused, and nothing stored."""

from __future__ import annotations

import pytest

from cms.models import PlaybookPage
from tests.cms.factories import make_playbook

pytestmark = pytest.mark.django_db

BAD_COPY = {"template": 999999, "title": ""}


@pytest.fixture
def seller(client_for, seller_owner):
    make_playbook(title="Starter template", slug="starter")
    return client_for(seller_owner)


def test_a_refused_form_stays_400_for_other_callers(seller, org):
    response = seller.post("/playbooks/copy/", BAD_COPY)
    assert response.status_code == 400
    assert "X-Form-Refused" not in response
    assert "Select a valid choice" in response.content.decode()
    assert not PlaybookPage.objects.filter(owner_organization=org).exists()


@pytest.mark.parametrize("browser", [{"HTTP_SEC_FETCH_DEST": "document"}, {"HTTP_HX_REQUEST": "true"}])
def test_a_browser_gets_the_refused_form_as_200_marked_refused(seller, org, browser):
    response = seller.post("/playbooks/copy/", BAD_COPY, **browser)
    assert (response.status_code, response["X-Form-Refused"]) == (200, "400")
    assert response.reason_phrase == "OK"
    assert {"HX-Request", "Sec-Fetch-Dest"} <= {v.strip() for v in response["Vary"].split(",")}
    assert '<small class="error" id="id_template_error">' in response.content.decode()
    assert not PlaybookPage.objects.filter(owner_organization=org).exists()


def test_other_refusals_keep_their_status(client_for, freelancer, seller_owner, org):
    forbidden = client_for(freelancer).post("/playbooks/copy/", BAD_COPY, HTTP_HX_REQUEST="true")
    assert forbidden.status_code == 403 and "X-Form-Refused" not in forbidden
    api = client_for(seller_owner).post(
        "/api/conversations/import/?organization=acme", b"", content_type="text/csv", HTTP_HX_REQUEST="true"
    )
    assert api.status_code == 400 and "X-Form-Refused" not in api  # JSON answers are not pages
    assert client_for(seller_owner).get("/playbooks/copy/", HTTP_SEC_FETCH_DEST="document").status_code == 405
