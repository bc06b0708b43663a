from django.urls import path

from . import views

app_name = "qa_ops"
urlpatterns = [
    path("", views.my_assignments, name="home"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/run/", views.rule_run, name="rule_run"),
    path("assignments/", views.assignment_list, name="assignment_list"),
    path("assignments/mine/", views.my_assignments, name="my_assignments"),
    path("assignments/overdue/", views.overdue, name="overdue"),
    path("assignments/<int:pk>/reassign/", views.assignment_reassign, name="assignment_reassign"),
    path("assignments/<int:pk>/remove/", views.assignment_remove, name="assignment_remove"),
    path("autoqa/", views.autoqa_agreement, name="autoqa"),
    path("autoqa/<slug:check>/toggle/", views.autoqa_toggle, name="autoqa_toggle"),
    path("conversations/<int:pk>/suggestions/", views.conversation_suggestions, name="suggestions"),
    path("calibration/", views.session_list, name="session_list"),
    path("calibration/new/", views.session_create, name="session_create"),
    path("calibration/drift/", views.reviewer_drift, name="drift"),
    path("calibration/<int:pk>/", views.session_detail, name="session_detail"),
    path("calibration/<int:pk>/close/", views.session_close, name="session_close"),
    path("calibration/<int:pk>/results.csv", views.session_results_csv, name="session_results_csv"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:chart>.csv", views.dashboard_csv, name="dashboard_csv"),
]
