"""Operations view billing in the admin. The ledger is read-only here: it changes only through services."""

from django.contrib import admin

from .models import (
    BillingProfile,
    Bonus,
    BonusRule,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    JournalEntry,
    LedgerAccount,
    PaymentAttempt,
    Payout,
    PayoutAccount,
    PayoutBatch,
    Posting,
    StripeEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "contract", "description", "quantity", "unit_price", "amount", "pay_amount", "evidence"]
    exclude = ["source_key"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "organization", "week_start", "status", "total", "currency", "paid_at"]
    list_filter = ["status", "currency"]
    search_fields = ["number", "organization__name"]
    list_select_related = ["organization"]
    inlines = [LineInline]


@admin.register(InvoiceLine)
class InvoiceLineAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "kind", "description", "amount", "pay_amount"]
    list_filter = ["kind"]
    search_fields = ["description", "invoice__number"]
    list_select_related = ["invoice__organization"]


@admin.register(InvoiceCounter)
class InvoiceCounterAdmin(ReadOnlyAdmin):
    list_display = ["year", "last_number"]


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "number", "gateway", "status", "amount", "currency", "payment_intent_id", "created_at"]
    list_filter = ["status", "gateway"]
    search_fields = ["payment_intent_id", "charge_id", "invoice__number"]
    list_select_related = ["invoice__organization"]


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ["pk", "freelancer", "invoice", "amount", "currency", "rail", "status", "transfer_id", "batch"]
    list_filter = ["status", "rail"]
    search_fields = ["freelancer__user__email", "transfer_id"]
    list_select_related = ["freelancer__user", "invoice__organization", "batch"]


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_at", "status", "sent_at", "confirmed_at"]
    list_filter = ["status"]


@admin.register(PayoutAccount)
class PayoutAccountAdmin(admin.ModelAdmin):
    list_display = ["freelancer", "rail", "stripe_account_id"]
    list_filter = ["rail"]
    search_fields = ["freelancer__user__email", "stripe_account_id"]
    list_select_related = ["freelancer__user"]


@admin.register(BillingProfile)
class BillingProfileAdmin(ReadOnlyAdmin):
    list_display = ["organization", "card_brand", "card_last4", "consecutive_failures", "updated_at"]
    search_fields = ["organization__name", "stripe_customer_id"]
    list_select_related = ["organization"]


@admin.register(BonusRule)
class BonusRuleAdmin(ReadOnlyAdmin):
    list_display = ["contract", "min_reviews", "require_no_critical_fail", "min_schedule_adherence", "active"]
    list_select_related = ["contract__organization", "contract__freelancer__user"]


@admin.register(Bonus)
class BonusAdmin(ReadOnlyAdmin):
    list_display = ["contract", "kind", "status", "period_start", "amount", "currency", "reason"]
    list_filter = ["kind", "status"]
    search_fields = ["reason", "message", "contract__title"]
    list_select_related = ["contract__organization", "contract__freelancer__user"]


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["key", "type", "currency", "organization", "freelancer"]
    list_filter = ["type", "currency"]
    search_fields = ["key"]
    list_select_related = ["organization", "freelancer__user"]


class PostingInline(admin.TabularInline):
    model = Posting
    extra = 0
    can_delete = False
    readonly_fields = ["account", "amount", "currency"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ["idempotency_key", "memo", "created_at", "reverses"]
    search_fields = ["idempotency_key", "memo"]
    inlines = [PostingInline]
    list_select_related = ["reverses"]


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ["entry", "account", "amount", "currency"]
    list_filter = ["currency"]
    list_select_related = ["entry", "account"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "object_id", "received_at", "processed_at"]
    list_filter = ["type"]
    search_fields = ["event_id", "object_id"]
