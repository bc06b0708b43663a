from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("", views.billing_home, name="home"),
    path("bonuses/new/", views.bonus_create, name="bonus_create"),
    path("card/", views.card, name="card"),
    path("card/save/", views.card_save, name="card_save"),
    path("contracts/<int:pk>/bonus-rule/", views.bonus_rule_edit, name="bonus_rule"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:pk>/csv/", views.invoice_csv, name="invoice_csv"),
    path("invoices/<int:pk>/paid/", views.invoice_mark_paid, name="invoice_mark_paid"),
    path("invoices/<int:pk>/pay/", views.invoice_pay_now, name="invoice_pay_now"),
    path("invoices/<int:pk>/pay/confirm/", views.invoice_pay_confirm, name="invoice_pay_confirm"),
    path("earnings/", views.earnings, name="earnings"),
    path("ops/", views.ops_desk, name="ops"),
    path("ops/invoices/paid/", views.invoices_mark_paid, name="invoices_mark_paid"),
    path("ops/batches/new/", views.batch_create, name="batch_create"),
    path("ops/batches/<int:pk>/csv/", views.batch_csv, name="batch_csv"),
    path("ops/batches/<int:pk>/advance/", views.batch_advance, name="batch_advance"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
