from django.urls import path

from . import views

app_name = "timesheets"
urlpatterns = [
    path("", views.today, name="today"),
    path("clock-in/", views.clock_in, name="clock_in"),
    path("clock-out/", views.clock_out, name="clock_out"),
    path("week/", views.week, name="week"),
    path("entries/new/", views.entry_new, name="entry_new"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("timesheets/<int:pk>/", views.detail, name="detail"),
    path("timesheets/<int:pk>/submit/", views.submit, name="submit"),
    path("timesheets/<int:pk>/approve/", views.approve, name="approve"),
    path("timesheets/<int:pk>/dispute/", views.dispute, name="dispute"),
    path("timesheets/<int:pk>/respond/", views.respond, name="respond"),
    path("timesheets/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("approvals/", views.approvals, name="approvals"),
    path("chart/", views.chart, name="chart"),
    path("export.csv", views.export_csv, name="export"),
    path("shifts/", views.shifts, name="shifts"),
    path("shifts/<int:pk>/delete/", views.shift_delete, name="shift_delete"),
]
