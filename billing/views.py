"""Billing pages: the seller's invoices, a printable invoice and its CSV, the freelancer's earnings, the ops desk,
and the Stripe webhook (public, authenticated by its signature)."""

from __future__ import annotations

import stripe
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.access import get_for_actor, is_platform_staff, organization_ids, scoped
from accounts.models import MANAGE_ROLES
from marketplace.models import Contract, ContractStatus

from . import cycle, exports, selectors, services
from .filters import InvoiceFilter
from .forms import OneOffBonusForm
from .gateways import gateway_name
from .models import BillingProfile, Invoice, InvoiceStatus, PayoutBatch

PAGE_SIZE = 25


def _seller_org(request):
    org = getattr(request, "organization", None)
    if org is None or org.pk not in organization_ids(request.user, MANAGE_ROLES):
        raise Http404("No seller organization you manage.")
    return org


def _require_ops(request) -> None:
    if not is_platform_staff(request.user, "ops"):
        raise PermissionDenied("Only platform operations can do that.")


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
    }
    return render(request, "billing/home.html", context, status=status)


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


@login_required
def invoice_detail(request, pk: int):
    invoice = get_for_actor(selectors.invoice_detail(actor=request.user, pk=pk), request.user)
    if invoice.status == InvoiceStatus.DRAFT:
        raise Http404
    return render(request, "billing/invoice.html", {"invoice": invoice, "lines": invoice.lines.all()})


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
    lines = selectors.earnings_lines(actor=request.user)
    context = {
        "lines": Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page")),
        "bonuses": selectors.bonus_list(actor=request.user, freelancer_only=True)[:50],
        "payouts": selectors.payout_list(actor=request.user)[:50],
    }
    return render(request, "billing/earnings.html", context)


# ---------------------------------------------------------------- ops
@login_required
def ops_desk(request):
    _require_ops(request)
    open_invoices = selectors.invoice_list(actor=request.user, filters={"status": request.GET.get("status", "")})
    context = {
        "filter": InvoiceFilter(request.GET or None),
        "page": Paginator(open_invoices, PAGE_SIZE).get_page(request.GET.get("page")),
        "batches": PayoutBatch.objects.order_by("-created_at")[:20],
        "problems": cycle.reconcile() if request.GET.get("reconcile") else None,
    }
    return render(request, "billing/ops.html", context)


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
    secret = settings.STRIPE_WEBHOOK_SECRET
    header = request.headers.get("Stripe-Signature")
    if not secret or not header:
        return HttpResponseBadRequest("Missing signature.")
    try:
        event = stripe.Webhook.construct_event(
            request.body, header, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
        )
    except (ValueError, stripe.SignatureVerificationError):
        return HttpResponseBadRequest("Invalid signature or payload.")
    stored = services.stripe_event_record(event=event.to_dict())
    return HttpResponse("stored" if stored else "duplicate", content_type="text/plain")
