import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import services
from billing.models import Bonus, Invoice, InvoiceStatus
from tests.billing.factories import WEEK, approved_timesheet
from tests.marketplace.factories import ContractFactory

pytestmark = pytest.mark.django_db


def _issue(contract, minutes=600, week=WEEK):
    approved_timesheet(contract, minutes, week_start=week)
    return services.invoices_generate(week_start=week)[0]


def test_seller_sees_only_its_invoices(client_for, seller_owner, outsider, contract, other_contract):
    mine = _issue(contract)
    approved_timesheet(other_contract, 60)
    services.invoices_generate(week_start=WEEK)
    theirs = Invoice.objects.get(organization=other_contract.organization)

    body = client_for(seller_owner).get("/billing/").content.decode()
    assert mine.number in body
    assert theirs.number not in body
    assert client_for(seller_owner).get(f"/billing/invoices/{mine.pk}/").status_code == 200
    assert client_for(outsider).get(f"/billing/invoices/{mine.pk}/").status_code == 404
    assert client_for(outsider).get(f"/billing/invoices/{mine.pk}/csv/").status_code == 404


def test_freelancer_cannot_open_invoices_but_sees_own_earnings(
    client_for, freelancer, freelancer_no_contract, contract
):
    invoice = _issue(contract)
    assert client_for(freelancer).get(f"/billing/invoices/{invoice.pk}/").status_code == 404
    body = client_for(freelancer).get("/billing/earnings/").content.decode()
    assert "100.00 USD" in body
    other = client_for(freelancer_no_contract).get("/billing/earnings/").content.decode()
    assert "100.00 USD" not in other
    assert "Nothing billed yet" in other


def test_billing_page_query_count_is_constant(client_for, seller_owner, contract, org, django_assert_num_queries):
    client = client_for(seller_owner)
    _issue(contract)
    client.get("/billing/")
    with django_assert_num_queries(11):
        assert client.get("/billing/").status_code == 200
    for n in range(1, 4):
        _issue(ContractFactory(organization=org), week=WEEK + dt.timedelta(days=7 * n))
    with django_assert_num_queries(11):
        assert client.get("/billing/").status_code == 200


def test_invoice_csv_neutralises_formulas(client_for, seller_owner, contract):
    contract.title = "=HYPERLINK(1)"
    contract.save()
    invoice = _issue(contract)
    body = client_for(seller_owner).get(f"/billing/invoices/{invoice.pk}/csv/").content.decode()
    assert "'=HYPERLINK(1)" in body
    assert f"{invoice.number},Total,,,,,120.00,USD" in body


def test_one_off_bonus_form(client_for, seller_owner, seller_member, contract, outsider):
    response = client_for(seller_member).post(
        "/billing/bonuses/new/", {"contract": contract.pk, "amount": "25.00", "message": "Great Black Friday"}
    )
    assert response.status_code == 302
    bonus = Bonus.objects.get()
    assert (bonus.amount, bonus.kind, bonus.message) == (Decimal("25.00"), "one_off", "Great Black Friday")

    bad = client_for(seller_owner).post(
        "/billing/bonuses/new/", {"contract": contract.pk, "amount": "-1", "message": ""}
    )
    assert bad.status_code == 400
    assert "greater than or equal to 0.01" in bad.content.decode()
    assert Bonus.objects.count() == 1
    # Another seller cannot pick Acme's contract.
    other = client_for(outsider).post("/billing/bonuses/new/", {"contract": contract.pk, "amount": "5", "message": "x"})
    assert other.status_code == 400
    assert Bonus.objects.count() == 1


def test_one_off_bonus_goes_on_next_invoice_with_fee(contract, seller_owner):
    services.bonus_one_off_create(actor=seller_owner, contract=contract, amount=Decimal("25.00"), message="Thanks")
    invoice = _issue(contract)
    assert sorted(invoice.lines.values_list("kind", "amount", "pay_amount")) == [
        ("bonus", Decimal("30.00"), Decimal("25.00")),
        ("time", Decimal("120.00"), Decimal("100.00")),
    ]
    assert Bonus.objects.get().invoice_line.invoice == invoice


def test_ops_mark_paid_and_others_are_refused(client_for, staff, seller_owner, contract):
    invoice = _issue(contract)
    assert client_for(seller_owner).post(f"/billing/invoices/{invoice.pk}/paid/").status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN
    assert client_for(staff).post(f"/billing/invoices/{invoice.pk}/paid/").status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert client_for(staff).get("/billing/ops/?reconcile=1").status_code == 200


def test_earnings_page_query_count_is_constant(client_for, freelancer, contract, staff, django_assert_num_queries):
    client = client_for(freelancer)
    invoice = _issue(contract)
    services.invoice_mark_paid(invoice=invoice, actor=staff, via="manual")
    services.payouts_create(invoice_id=invoice.pk)
    client.get("/billing/earnings/")
    with django_assert_num_queries(9):
        assert client.get("/billing/earnings/").status_code == 200
    for n in range(1, 4):
        other = ContractFactory(organization=contract.organization, freelancer=contract.freelancer)
        paid = _issue(other, week=WEEK + dt.timedelta(days=7 * n))
        services.invoice_mark_paid(invoice=paid, actor=staff, via="manual")
        services.payouts_create(invoice_id=paid.pk)
    with django_assert_num_queries(9):
        body = client.get("/billing/earnings/").content.decode()
    assert body.count("Manual payout batch") == 4


def test_earnings_states_a_bonus_iqs_once_and_a_missed_weeks_iqs_beside_its_reason(client_for, freelancer, contract):
    earned = Bonus.objects.create(
        contract=contract,
        kind="rule",
        status="earned",
        period_start=WEEK,
        amount=Decimal("5.00"),
        currency="USD",
        reason="IQS 96.00 ≥ 90 over 2 reviews → 5 % of 100.00 USD.",
        evidence={"iqs": "96.00", "review_ids": []},
    )
    missed = Bonus.objects.create(
        contract=contract,
        kind="rule",
        status="missed",
        period_start=WEEK + dt.timedelta(days=7),
        currency="USD",
        reason="Only 3 review(s) in the period; the rule needs 5.",
        evidence={"iqs": "88.50", "review_ids": []},
    )

    body = client_for(freelancer).get("/billing/earnings/").content.decode()

    assert (earned.iqs_note, missed.iqs_note) == ("", "IQS 88.50")
    assert body.count("IQS 96.00") == 1
    assert '<span class="badge">IQS 96.00</span>' not in body
    assert 'Only 3 review(s) in the period; the rule needs 5.\n        <br><span class="badge">IQS 88.50</span>' in body


def _rule_bonus(contract, review_ids, *, week=WEEK, iqs="93.50"):
    return Bonus.objects.create(
        contract=contract,
        kind="rule",
        period_start=week,
        amount=Decimal("5.00"),
        currency="USD",
        reason=f"IQS {iqs} ≥ 90 over {len(review_ids)} reviews → fixed 5.00 USD.",
        evidence={"iqs": iqs, "review_ids": review_ids},
    )


def _submitted_review(organization, reviewer, day: int, score: str, contract=None):
    """A submitted review of its own conversation of ``organization`` (of ``contract``'s freelancer if given)."""
    from qa_scoring.models import Review
    from tests.qa_scoring.factories import ConversationFactory, RubricVersionFactory

    conversation = ConversationFactory(
        organization=organization, contract=contract, freelancer=contract.freelancer if contract else None
    )
    return Review.objects.create(
        conversation=conversation,
        rubric_version=RubricVersionFactory(rubric__organization=organization),
        reviewer=reviewer,
        status="submitted",
        score=Decimal(score),
        submitted_at=dt.datetime(2026, 3, day, 12, tzinfo=dt.UTC),
    )


def _review_url(review) -> str:
    return reverse("qa_scoring:review_detail", args=[review.pk])


def test_invoice_evidence_counts_the_reviews_and_links_only_those_the_viewer_may_open(
    client_for, seller_owner, staff, reviewer, contract, other_org
):
    later = _submitted_review(contract.organization, reviewer, 11, "95.00", contract)
    earlier = _submitted_review(contract.organization, reviewer, 10, "92", contract)
    foreign = _submitted_review(other_org, reviewer, 12, "93.50")
    _rule_bonus(contract, [later.pk, earlier.pk, foreign.pk])
    invoice = _issue(contract)
    url = f"/billing/invoices/{invoice.pk}/"
    evidence = "Evidence: IQS 93.50 over 3 reviews in the week of 9 Mar 2026"

    seller_body = client_for(seller_owner).get(url).content.decode()
    ops_body = client_for(staff).get(url).content.decode()

    assert (
        f'<small>{evidence}: <a href="{_review_url(earlier)}">review of 10 Mar, score 92</a>, '
        f'<a href="{_review_url(later)}">review of 11 Mar, score 95</a></small>'
    ) in seller_body
    assert _review_url(foreign) not in seller_body  # another seller's conversation
    assert (
        f'<small>{evidence}: <a href="{_review_url(earlier)}">review of 10 Mar, score 92</a>, '
        f'<a href="{_review_url(later)}">review of 11 Mar, score 95</a>, '
        f'<a href="{_review_url(foreign)}">review of 12 Mar, score 93.50</a></small>'
    ) in ops_body  # platform operations may open every review
    assert "over reviews" not in seller_body + ops_body


def test_invoice_page_queries_do_not_grow_with_bonus_lines(
    client_for, seller_owner, reviewer, contract, org, django_assert_num_queries
):
    _rule_bonus(contract, [_submitted_review(org, reviewer, 10, "93.50", contract).pk])
    invoice = _issue(contract)
    client = client_for(seller_owner)
    url = f"/billing/invoices/{invoice.pk}/"
    client.get(url)
    # session, user, staff groups, roles, organization, invoice, lines with contracts and bonuses, attempts,
    # the reviews the seller may open (one query for all lines), the navigation's freelancer profile
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200

    week = WEEK + dt.timedelta(days=7)
    for n in range(3):
        other = ContractFactory(organization=org, freelancer=contract.freelancer)
        _rule_bonus(other, [_submitted_review(org, reviewer, 17 + n, "94", other).pk], week=week)
    approved_timesheet(contract, 60, week_start=week)
    more = services.invoices_generate(week_start=week)[0]
    assert more.lines.filter(kind="bonus").count() == 3
    with django_assert_num_queries(10):
        assert client.get(f"/billing/invoices/{more.pk}/").status_code == 200
