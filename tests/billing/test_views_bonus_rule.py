"""The seller's QA bonus-rule editor (`billing:bonus_rule`): defaults, saving, validation, who may edit."""

from __future__ import annotations

import re
from decimal import Decimal
from html import escape

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import AuditEvent, Role
from billing import services
from billing.models import BonusRule
from marketplace.models import ContractStatus
from tests.accounts.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PERCENT_RANGE = "Give a percent between 0 and 100 (e.g. 5)."
EXISTING_TIERS = [{"min_iqs": "85", "percent": "3"}]


def _url(contract) -> str:
    return reverse("billing:bonus_rule", args=[contract.pk])


def _data(*tiers: tuple[str, str, str], **fields: str) -> dict[str, str]:
    """The form as the browser posts it: tier rows (threshold, kind, value), then the week's conditions."""
    data = {"tier-TOTAL_FORMS": str(len(tiers)), "tier-INITIAL_FORMS": "0"}
    for i, (min_iqs, kind, value) in enumerate(tiers):
        data.update({f"tier-{i}-min_iqs": min_iqs, f"tier-{i}-kind": kind, f"tier-{i}-value": value})
    data.update({"min_reviews": "5", "require_no_critical_fail": "on", "min_schedule_adherence": ""})
    data.update(fields)
    return data


def _input(body: str, html_id: str) -> str:
    match = re.search(rf'<input [^>]*id="{re.escape(html_id)}"[^>]*>', body)
    assert match, f"no input #{html_id}"
    return match.group(0)


def _rule_row(contract) -> tuple:
    rule = BonusRule.objects.get(contract=contract)
    return (rule.tiers, rule.min_reviews, rule.require_no_critical_fail, rule.min_schedule_adherence, rule.active)


@pytest.fixture
def existing_rule(seller_owner, contract):
    return services.bonus_rule_set(
        actor=seller_owner, contract=contract, tiers=EXISTING_TIERS, min_reviews=8, require_no_critical_fail=False
    )


def test_get_without_rule_shows_the_defaults(client_for, seller_owner, contract):
    response = client_for(seller_owner).get(_url(contract))

    assert response.status_code == 200
    body = response.content.decode()
    assert "<strong>Now:</strong>" not in body
    assert 'name="tier-TOTAL_FORMS" value="2"' in body
    assert 'value="' not in _input(body, "id_tier-0-min_iqs")
    assert 'value="' not in _input(body, "id_tier-1-value")
    assert 'value="5"' in _input(body, "id_min_reviews")
    assert " checked" in _input(body, "id_require_no_critical_fail")
    assert 'value="' not in _input(body, "id_min_schedule_adherence")
    assert "Tiers (amounts in USD)" in body


def test_get_with_a_rule_shows_it_in_words_and_in_the_form(client_for, seller_member, contract, existing_rule):
    body = client_for(seller_member).get(_url(contract)).content.decode()

    assert (
        "<strong>Now:</strong> IQS at least 85 → 3 % of the week&#x27;s earnings. "
        "Paid for a week with at least 8 reviews." in body
    )
    assert 'name="tier-TOTAL_FORMS" value="2"' in body  # the saved tier and one empty row
    assert 'value="85"' in _input(body, "id_tier-0-min_iqs")
    assert 'value="3"' in _input(body, "id_tier-0-value")
    assert 'value="8"' in _input(body, "id_min_reviews")
    assert " checked" not in _input(body, "id_require_no_critical_fail")


def test_post_creates_exactly_the_rule_and_returns_to_the_contract(client_for, seller_member, contract):
    client = client_for(seller_member)
    response = client.post(
        _url(contract),
        _data(("90", "percent", "5"), ("95", "fixed", "50"), ("", "percent", ""), min_schedule_adherence="92.5"),
    )

    assert response.status_code == 302
    assert response.url == reverse("marketplace:contract_detail", args=[contract.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "QA bonus rule saved for Customer support (e-mail)."
    ]
    rule = BonusRule.objects.get()
    assert rule.contract == contract
    assert rule.tiers == [{"min_iqs": "90", "percent": "5"}, {"min_iqs": "95", "fixed": "50.00"}]
    assert (rule.min_reviews, rule.require_no_critical_fail, rule.active) == (5, True, True)
    assert rule.min_schedule_adherence == Decimal("92.50")
    event = AuditEvent.objects.get(action="bonus_rule.set")
    assert (event.actor, event.organization, event.target_id) == (seller_member, contract.organization, str(rule.pk))


def test_post_changes_the_existing_rule_without_a_second_row(client_for, seller_owner, contract, existing_rule):
    response = client_for(seller_owner).post(_url(contract), _data(("92", "fixed", "40"), min_reviews="3"))

    assert response.status_code == 302
    assert BonusRule.objects.count() == 1
    rule = BonusRule.objects.get()
    assert rule.pk == existing_rule.pk
    assert _rule_row(contract) == ([{"min_iqs": "92", "fixed": "40.00"}], 3, True, None, True)


def test_add_tier_row_saves_nothing(client_for, seller_owner, contract):
    response = client_for(seller_owner).post(_url(contract), {**_data(("90", "percent", "5")), "add_tier": "1"})

    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="tier-TOTAL_FORMS" value="2"' in body
    assert 'value="90"' in _input(body, "id_tier-0-min_iqs")
    assert "id_tier-1-min_iqs" in body
    assert not BonusRule.objects.exists()


INVALID = [
    pytest.param(_data(("90", "percent", "150")), "id_tier-0-value", PERCENT_RANGE, id="percent>100"),
    pytest.param(_data(("90", "percent", "0")), "id_tier-0-value", PERCENT_RANGE, id="percent=0"),
    pytest.param(
        _data(("95", "percent", "5"), ("90", "percent", "3")),
        "id_tier-1-min_iqs",
        "Tiers go upwards: use more than the tier above (95).",
        id="tiers-decreasing",
    ),
    pytest.param(
        _data(("90", "percent", "5"), ("90", "fixed", "20")),
        "id_tier-1-min_iqs",
        "Tiers go upwards: use more than the tier above (90).",
        id="duplicate-threshold",
    ),
    pytest.param(_data(("90", "fixed", "")), "id_tier-0-value", "Give the bonus of this tier.", id="missing-amount"),
    pytest.param(
        _data(("90", "fixed", "0")), "id_tier-0-value", "The amount must be more than 0 USD.", id="fixed-amount-0"
    ),
    pytest.param(
        _data(("", "percent", "5")), "id_tier-0-min_iqs", "Give the IQS this tier starts at (0–100).", id="no-threshold"
    ),
    pytest.param(
        _data(("101", "percent", "5")), "id_tier-0-min_iqs", "The threshold is an IQS between 0 and 100.", id="iqs>100"
    ),
    pytest.param(
        _data(("90", "percent", "5"), min_schedule_adherence="120"),
        "id_min_schedule_adherence",
        "Ensure this value is less than or equal to 100.",
        id="adherence>100",
    ),
    pytest.param(
        _data(("90", "percent", "5"), min_schedule_adherence="-1"),
        "id_min_schedule_adherence",
        "Ensure this value is greater than or equal to 0.",
        id="adherence<0",
    ),
    pytest.param(
        _data(("90", "percent", "5"), min_reviews="0"),
        "id_min_reviews",
        "Ensure this value is greater than or equal to 1.",
        id="min-reviews-0",
    ),
]


@pytest.mark.parametrize(("data", "field_id", "error"), INVALID)
def test_invalid_input_shows_the_error_at_the_field_and_stores_nothing(
    client_for, seller_owner, contract, data, field_id, error
):
    response = client_for(seller_owner).post(_url(contract), data)

    assert response.status_code == 400
    body = response.content.decode()
    assert f'<small class="error" id="{field_id}_error">{escape(error)}</small>' in body
    tag = _input(body, field_id)
    assert 'aria-invalid="true"' in tag
    assert f"{field_id}_error" in tag  # the input is described by its error
    assert body.count('aria-invalid="true"') == 1  # only that field is flagged
    assert not BonusRule.objects.exists()
    assert not AuditEvent.objects.filter(action="bonus_rule.set").exists()


@pytest.mark.parametrize(("data", "field_id", "error"), INVALID)
def test_invalid_input_leaves_the_existing_rule_unchanged(
    client_for, seller_owner, contract, existing_rule, data, field_id, error
):
    before = _rule_row(contract)

    response = client_for(seller_owner).post(_url(contract), data)

    assert response.status_code == 400
    assert f'<small class="error" id="{field_id}_error">{escape(error)}</small>' in response.content.decode()
    assert BonusRule.objects.count() == 1
    assert _rule_row(contract) == before
    assert AuditEvent.objects.filter(action="bonus_rule.set").count() == 1  # the fixture's only


def test_no_tier_at_all_is_refused_above_the_tiers(client_for, seller_owner, contract):
    response = client_for(seller_owner).post(_url(contract), _data(("", "percent", ""), ("", "fixed", "")))

    assert response.status_code == 400
    body = response.content.decode()
    assert (
        '<div class="form-errors" role="alert"><p>Give at least one tier, e.g. IQS at least 90 → 5 % of the '
        "week&#x27;s earnings.</p></div>" in body
    )
    assert not BonusRule.objects.exists()


@pytest.fixture
def viewer(org):
    return MembershipFactory(user__email="vic@acme.test", organization=org, role=Role.VIEWER).user


@pytest.fixture
def org_reviewer(org):
    return MembershipFactory(user__email="rita@acme.test", organization=org, role=Role.REVIEWER).user


# Other tenants and people without a contract cannot tell the contract exists; those who may see the contract
# but not set its rule (its freelancer, Acme's viewers and reviewers, platform staff) are refused outright.
DENIED = [
    pytest.param("outsider", 404, id="other-organization"),
    pytest.param("freelancer_no_contract", 404, id="freelancer-without-contract"),
    pytest.param("freelancer", 403, id="the-contracts-freelancer"),
    pytest.param("viewer", 403, id="seller-viewer"),
    pytest.param("org_reviewer", 403, id="seller-reviewer"),
    pytest.param("staff", 403, id="platform-ops"),
]


@pytest.mark.parametrize(("persona", "status"), DENIED)
def test_who_may_not_edit_gets_nothing_and_changes_nothing(
    request, client_for, contract, existing_rule, persona, status
):
    client = client_for(request.getfixturevalue(persona))
    before = _rule_row(contract)

    assert client.get(_url(contract)).status_code == status
    assert client.post(_url(contract), _data(("99", "fixed", "500"), min_reviews="1")).status_code == status

    assert BonusRule.objects.count() == 1
    assert _rule_row(contract) == before
    assert AuditEvent.objects.filter(action="bonus_rule.set").count() == 1


def test_denied_post_creates_no_rule_on_a_contract_without_one(client_for, outsider, freelancer, contract):
    for user in (outsider, freelancer):
        assert client_for(user).post(_url(contract), _data(("90", "percent", "5"))).status_code in (403, 404)
    assert not BonusRule.objects.exists()


def test_ended_contract_refuses_editing(client_for, seller_owner, contract, existing_rule):
    contract.status = ContractStatus.ENDED
    contract.save(update_fields=["status"])
    before = _rule_row(contract)
    contract_page = reverse("marketplace:contract_detail", args=[contract.pk])
    refusal = "This contract has ended; its bonus rule can no longer change."

    got = client_for(seller_owner).get(_url(contract))
    posted = client_for(seller_owner).post(_url(contract), _data(("99", "fixed", "500")))

    for response in (got, posted):
        assert response.status_code == 302
        assert response.url == contract_page
        assert [str(m) for m in get_messages(response.wsgi_request)] == [refusal]
    assert _rule_row(contract) == before
    assert AuditEvent.objects.filter(action="bonus_rule.set").count() == 1


def test_get_and_post_query_counts(client_for, seller_owner, contract, existing_rule, django_assert_num_queries):
    client = client_for(seller_owner)
    client.get(_url(contract))  # warm the session and the site's caches

    # session, user, staff groups, roles, organization, contract, rule, the navigation.s freelancer profile
    with django_assert_num_queries(8):
        assert client.get(_url(contract)).status_code == 200
    # the same reads, then in one savepoint: the rule, its checks, the update and the audit event
    with django_assert_num_queries(14):
        assert client.post(_url(contract), _data(("90", "percent", "5"), ("95", "fixed", "50"))).status_code == 302
    with django_assert_num_queries(8):
        assert client.post(_url(contract), _data(("90", "percent", "150"))).status_code == 400
