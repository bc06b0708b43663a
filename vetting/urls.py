from django.urls import path

from . import views

app_name = "vetting"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("apply/", views.apply, name="apply"),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/start/", views.assessment_start, name="assessment_start"),
    path("interview/", views.interview, name="interview"),
    path("interview/<int:pk>/book/", views.interview_book, name="interview_book"),
    path("staff/", views.board, name="board"),
    path("staff/funnel/", views.funnel, name="funnel"),
    path("staff/funnel.csv", views.funnel_csv, name="funnel_csv"),
    path("staff/scenarios/", views.scenarios, name="scenarios"),
    path("staff/scenarios/<int:pk>/", views.scenario_edit, name="scenario_edit"),
    path("staff/slots/", views.slots, name="slots"),
    path("staff/applications/<int:pk>/", views.detail, name="detail"),
    path("staff/applications/<int:pk>/screen/", views.screen, name="screen"),
    path("staff/applications/<int:pk>/grade/", views.grade, name="grade"),
    path("staff/applications/<int:pk>/scorecard/", views.scorecard, name="scorecard"),
    path("staff/applications/<int:pk>/checks/", views.checks, name="checks"),
    path("staff/applications/<int:pk>/references/", views.reference, name="reference"),
    path("staff/applications/<int:pk>/checks/complete/", views.checks_complete, name="checks_complete"),
    path("staff/applications/<int:pk>/fail/", views.stage_fail, name="stage_fail"),
    path("staff/applications/<int:pk>/approve/", views.approve, name="approve"),
    path("staff/applications/<int:pk>/reject/", views.reject, name="reject"),
    path("staff/applications/<int:pk>/suspend/", views.suspend, name="suspend"),
]
