"""Billing pages: the seller's invoices, card and "Pay now", a printable invoice and its CSV, the QA bonus rule of
a contract, the freelancer's earnings, the ops desk, and the Stripe webhook (public, authenticated by its
signature)."""

from __future__ import annotations

import datetime as dt

from csp.constants import NONCE
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.access import get_for_actor, has_org_role, is_platform_staff, organization_ids, scoped
from accounts.models import MANAGE_ROLES
from marketplace.models import Contract, ContractStatus

from . import cycle, exports, selectors, services
from .filters import InvoiceFilter
from .forms import BonusRuleForm, CardSaveForm, MarkPaidForm, OneOffBonusForm, TierFormSet, tier_initial
from .gateways import GatewayUnavailable, gateway_name
from .models import BillingProfile, Invoice, InvoiceStatus, PayoutBatch
from .stripe_events import WebhookRejected, stripe_event_from_request

PAGE_SIZE = 25


def _seller_org(request):
    org = getattr(request, "organization", None)
    if org is None or org.pk not in organization_ids(request.user, MANAGE_ROLES):
        raise Http404("No seller organization you manage.")
    return org


def _require_ops(request) -> None:
    if not is_platform_staff(request.user, "ops"):
        raise PermissionDenied("Only platform operations can do that.")


def _payment_instructions(invoice=None) -> dict:
    """Bank transfer details for the manual gateway; the reference is the invoice number."""
    due = None
    if invoice is not None and invoice.issued_at:
        due = (invoice.issued_at + dt.timedelta(days=settings.BILLING_PAYMENT_TERMS_DAYS)).date()
    return {"bank_details": settings.BILLING_BANK_DETAILS, "due_on": due}


def _with_stripe_js(response):
    """Let this page load Stripe.js (and its card frames) on top of the site's strict policy, with a nonce."""
    response._csp_update = {
        "script-src": ["https://js.stripe.com", NONCE],
        "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
        "connect-src": ["https://api.stripe.com"],
    }
    return response


def _bonus_contracts(request, org):
    return scoped(Contract, request.user).filter(organization=org, status=ContractStatus.ACTIVE)


@login_required
def billing_home(request, bonus_form=None, status=200):
    org = _seller_org(request)
    invoices = selectors.invoice_list(actor=request.user, organization_id=org.pk, filters=request.GET)
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "organization": org,
        "filter": InvoiceFilter(request.GET or None),
        "page": page,
        "profile": BillingProfile.objects.filter(organization=org).first(),
        "bonus_form": bonus_form or OneOffBonusForm(contracts=_bonus_contracts(request, org)),
        "card_payments": gateway_name() == "stripe",
        **_payment_instructions(),
    }
    return render(request, "billing/home.html", context, status=status)


# ---------------------------------------------------------------- card (Stripe SetupIntent + Elements)
def _card_page(request, org, *, form=None, status=200):
    context = {
        "organization": org,
        "profile": BillingProfile.objects.filter(organization=org).first(),
        "card_payments": gateway_name() == "stripe",
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "form": form or CardSaveForm(),
        "client_secret": "",
        **_payment_instructions(),
    }
    if context["card_payments"] and context["publishable_key"]:
        try:
            context["setup_intent_id"], context["client_secret"] = services.card_setup_start(
                actor=request.user, organization=org
            )
        except GatewayUnavailable:
            context["stripe_down"] = True
        context["profile"] = BillingProfile.objects.filter(organization=org).first()
    response = render(request, "billing/card.html", context, status=status)
    return _with_stripe_js(response) if context["client_secret"] else response


@login_required
def card(request):
    """Add or replace the card invoices are charged to; with the manual gateway, how to pay by bank transfer."""
    return _card_page(request, _seller_org(request))


@login_required
@require_POST
def card_save(request):
    org = _seller_org(request)
    form = CardSaveForm(request.POST)
    if form.is_valid():
        try:
            profile = services.card_save_from_setup_intent(
                actor=request.user, organization=org, setup_intent_id=form.cleaned_data["setup_intent"]
            )
        except ValidationError as exc:
            for error in exc.message_dict.get("card", exc.messages):
                form.add_error(None, error)
        except GatewayUnavailable:
            form.add_error(None, "Stripe did not answer. Nothing was saved; try again in a minute.")
        else:
            messages.success(request, f"Card saved: {profile.card_brand.title()} ending in {profile.card_last4}.")
            return redirect("billing:home")
    else:
        form.add_error(None, "The card was not confirmed. Enter it again.")
    return _card_page(request, org, form=form, status=400)


# ---------------------------------------------------------------- Pay now (and the bank's 3-D Secure)
@login_required
@require_POST
def invoice_pay_now(request, pk: int):
    invoice = get_for_actor(selectors.seller_invoice(actor=request.user, pk=pk), request.user)
    try:
        outcome = services.invoice_pay_now(actor=request.user, invoice=invoice)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("billing:invoice", pk=invoice.pk)
    except GatewayUnavailable:
        messages.error(request, f"Stripe did not answer about invoice {invoice.number}; try again in a minute.")
        return redirect("billing:invoice", pk=invoice.pk)
    if outcome.status == "requires_action":
        context = {
            "invoice": invoice,
            "client_secret": outcome.client_secret,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        }
        response = render(request, "billing/pay_authenticate.html", context)
        return _with_stripe_js(response) if context["publishable_key"] else response
    if outcome.status == "succeeded":
        messages.success(request, f"Invoice {invoice.number} is paid. Thank you.")
    elif outcome.status == "failed":
        messages.error(request, f"Invoice {invoice.number} is still unpaid: {outcome.error}")
    else:
        messages.info(request, f"Invoice {invoice.number} has nothing to pay now.")
    return redirect("billing:invoice", pk=invoice.pk)


@login_required
@require_POST
def invoice_pay_confirm(request, pk: int):
    """The browser ran the bank's authentication; what happened is read from Stripe, not from the browser."""
    invoice = get_for_actor(selectors.seller_invoice(actor=request.user, pk=pk), request.user)
    try:
        outcome = services.invoice_payment_confirm(actor=request.user, invoice=invoice)
    except GatewayUnavailable:
        messages.error(request, f"Stripe did not answer about invoice {invoice.number}; try again in a minute.")
        return redirect("billing:invoice", pk=invoice.pk)
    invoice.refresh_from_db()
    if outcome == "succeeded":
        messages.success(request, f"Invoice {invoice.number} is paid. Thank you.")
    elif outcome == "requires_action":
        messages.error(request, f"Your bank has not confirmed the payment of invoice {invoice.number} yet.")
    else:
        messages.error(
            request, f"Invoice {invoice.number} is still unpaid: {invoice.last_payment_error or 'not authenticated.'}"
        )
    return redirect("billing:invoice", pk=invoice.pk)


# ---------------------------------------------------------------- QA bonus rule of a contract
@login_required
def bonus_rule_edit(request, pk: int):
    contract = get_for_actor(Contract, request.user, pk=pk)  # the scope 404s for other tenants
    if not has_org_role(request.user, contract.organization_id, MANAGE_ROLES):
        raise PermissionDenied("Only the seller's owners and managers set the QA bonus rule.")
    if contract.status == ContractStatus.ENDED:
        messages.error(request, "This contract has ended; its bonus rule can no longer change.")
        return redirect("marketplace:contract_detail", pk=contract.pk)
    rule = selectors.bonus_rule_of(actor=request.user, contract=contract)
    kwargs = {"prefix": "tier", "form_kwargs": {"currency": contract.currency}}
    status = 200
    if request.method == "POST":
        data = request.POST
        if "add_tier" in data:  # one more empty row, nothing saved
            data = data.copy()
            data["tier-TOTAL_FORMS"] = str(min(int(data.get("tier-TOTAL_FORMS") or 0) + 1, 20))
            form, tiers = BonusRuleForm(data), TierFormSet(data, **kwargs)
        else:
            form, tiers = BonusRuleForm(data), TierFormSet(data, **kwargs)
            if all([form.is_valid(), tiers.is_valid()]):  # both validated, so every error shows at once
                try:
                    services.bonus_rule_set(
                        actor=request.user, contract=contract, tiers=tiers.tiers(), **form.cleaned_data
                    )
                except ValidationError as exc:
                    for error in exc.messages:
                        form.add_error(None, error)
                else:
                    messages.success(request, f"QA bonus rule saved for {contract.title}.")
                    return redirect("marketplace:contract_detail", pk=contract.pk)
            status = 400
    else:
        initial = {"min_reviews": 5, "require_no_critical_fail": True}
        if rule is not None:
            initial = {
                "min_reviews": rule.min_reviews,
                "require_no_critical_fail": rule.require_no_critical_fail,
                "min_schedule_adherence": rule.min_schedule_adherence,
            }
        rows = tier_initial(rule)
        form, tiers = BonusRuleForm(initial=initial), TierFormSet(initial=rows or None, **kwargs)
        tiers.extra = 2 if not rows else 1
    context = {"contract": contract, "rule": rule, "form": form, "tiers": tiers}
    return render(request, "billing/bonus_rule.html", context, status=status)


@login_required
@require_POST
def bonus_create(request):
    org = _seller_org(request)
    form = OneOffBonusForm(request.POST, contracts=_bonus_contracts(request, org))
    if form.is_valid():
        try:
            services.bonus_one_off_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, "Bonus added; it will be on the next invoice.")
            return redirect("billing:home")
    return billing_home(request, bonus_form=form, status=400)


def _attach_evidence_reviews(request, items) -> None:
    """Each bonus (or bonus line) gets ``reviews``: those of its evidence the viewer may open, oldest first."""
    reviews = selectors.bonus_evidence_reviews(actor=request.user, bonuses=items)
    for item in items:
        ids = [int(i) for i in (item.evidence or {}).get("review_ids", []) if str(i).isdigit()]
        item.reviews = sorted((reviews[i] for i in ids if i in reviews), key=lambda r: (r.submitted_at, r.pk))


@login_required
def invoice_detail(request, pk: int):
    invoice = get_for_actor(selectors.invoice_detail(actor=request.user, pk=pk), request.user)
    if invoice.status == InvoiceStatus.DRAFT:
        raise Http404
    card_payments = gateway_name() == "stripe"
    lines = selectors.explain_lines(invoice.lines.all())
    _attach_evidence_reviews(request, lines)
    context = {
        "invoice": invoice,
        "lines": lines,
        "pay_total": invoice.total - invoice.fee,
        "card_payments": card_payments,
        "can_pay_now": card_payments
        and invoice.status == InvoiceStatus.PAYMENT_FAILED
        and invoice.organization_id in organization_ids(request.user, MANAGE_ROLES),
        **_payment_instructions(invoice),
    }
    return render(request, "billing/invoice.html", context)


@login_required
def invoice_csv(request, pk: int):
    invoice = get_for_actor(selectors.invoice_detail(actor=request.user, pk=pk), request.user)
    if invoice.status == InvoiceStatus.DRAFT:
        raise Http404
    response = HttpResponse(exports.invoice_csv(invoice), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.csv"'
    return response


@login_required
def earnings(request):
    page = Paginator(selectors.earnings_lines(actor=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.explain_lines(page.object_list)
    bonuses = selectors.explain_bonuses(selectors.bonus_list(actor=request.user, freelancer_only=True)[:50])
    _attach_evidence_reviews(request, bonuses)
    context = {
        "lines": page,
        "bonuses": bonuses,
        "payouts": selectors.payout_list(actor=request.user)[:50],
    }
    return render(request, "billing/earnings.html", context)


# ---------------------------------------------------------------- ops
@login_required
def ops_desk(request, mark_paid_error: str = "", status: int = 200):
    _require_ops(request)
    open_invoices = selectors.invoice_list(actor=request.user, filters={"status": request.GET.get("status", "")})
    context = {
        "filter": InvoiceFilter(request.GET or None),
        "page": Paginator(open_invoices, PAGE_SIZE).get_page(request.GET.get("page")),
        "batches": PayoutBatch.objects.order_by("-created_at")[:20],
        "problems": cycle.reconcile() if request.GET.get("reconcile") else None,
        "mark_paid_error": mark_paid_error,
    }
    return render(request, "billing/ops.html", context, status=status)


@login_required
@require_POST
def invoices_mark_paid(request):
    """Several invoices at once: first a page that names them and their total, then the marking itself."""
    _require_ops(request)
    raw = [v for v in request.POST.getlist("invoices") if v.isdigit()]
    chosen = selectors.invoices_for_ops(actor=request.user, ids=[int(v) for v in raw])
    form = MarkPaidForm(request.POST, invoice_ids=[i.pk for i in chosen])
    if not form.is_valid():
        if not raw:
            return ops_desk(request, mark_paid_error="Tick at least one invoice to mark paid.", status=400)
        return ops_desk(request, mark_paid_error="The invoices you ticked are no longer open.", status=400)
    chosen = [i for i in chosen if i.pk in set(form.cleaned_data["invoices"])]
    if request.POST.get("confirm") != "yes":
        totals: dict[str, object] = {}
        for invoice in chosen:
            totals[invoice.currency] = totals.get(invoice.currency, 0) + invoice.total
        context = {"invoices": chosen, "totals": sorted(totals.items())}
        return render(request, "billing/ops_mark_paid.html", context)
    services.invoices_mark_paid(invoice_ids=[i.pk for i in chosen], actor=request.user, via="manual")
    paid = dict(Invoice.objects.filter(pk__in=[i.pk for i in chosen]).values_list("pk", "status"))
    done = [i.number for i in chosen if paid.get(i.pk) == InvoiceStatus.PAID]
    skipped = [i.number for i in chosen if paid.get(i.pk) != InvoiceStatus.PAID]
    if done:
        messages.success(request, f"Marked paid: {', '.join(done)}.")
    if skipped:
        messages.error(request, f"Not open any more, left as they were: {', '.join(skipped)}.")
    return redirect("billing:ops")


@login_required
@require_POST
def invoice_mark_paid(request, pk: int):
    _require_ops(request)
    invoice = get_for_actor(Invoice, request.user, pk=pk)
    if services.invoice_mark_paid(invoice=invoice, actor=request.user, via="manual"):
        messages.success(request, f"Invoice {invoice.number} marked paid.")
    else:
        messages.error(request, f"Invoice {invoice.number} is not open.")
    return redirect("billing:ops")


@login_required
@require_POST
def batch_create(request):
    _require_ops(request)
    batch = services.payout_batch_create(actor=request.user)
    messages.success(request, f"{batch} created." if batch else "No pending manual payouts.")
    return redirect("billing:ops")


@login_required
def batch_csv(request, pk: int):
    _require_ops(request)
    batch = get_for_actor(PayoutBatch, request.user, pk=pk)
    response = HttpResponse(exports.payout_batch_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payout-batch-{batch.pk}.csv"'
    return response


@login_required
@require_POST
def batch_advance(request, pk: int):
    _require_ops(request)
    batch = get_for_actor(PayoutBatch, request.user, pk=pk)
    try:
        if batch.status == "pending":
            services.payout_batch_mark_sent(actor=request.user, batch=batch)
        else:
            services.payout_batch_mark_confirmed(actor=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("billing:ops")


# ---------------------------------------------------------------- Stripe webhook
@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Public on purpose: authenticated by the Stripe-Signature HMAC over the raw body (tolerance 300 s)."""
    try:
        event = stripe_event_from_request(body=request.body, signature=request.headers.get("Stripe-Signature"))
    except WebhookRejected as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    stored = services.stripe_event_record(event=event)
    return HttpResponse("stored" if stored else "duplicate", content_type="text/plain")
