from django.urls import path

from . import views

app_name = "marketplace"
urlpatterns = [
    path("profile/", views.profile_edit, name="profile_edit"),
    path("profile/skills/", views.profile_skill_add, name="profile_skill_add"),
    path("profile/skills/<int:skill_id>/remove/", views.profile_skill_remove, name="profile_skill_remove"),
    path("profile/languages/", views.profile_language_add, name="profile_language_add"),
    path("profile/languages/<int:language_id>/remove/", views.profile_language_remove, name="profile_language_remove"),
    path("profile/windows/", views.profile_window_add, name="profile_window_add"),
    path("profile/windows/<int:window_id>/remove/", views.profile_window_remove, name="profile_window_remove"),
    path("freelancers/", views.freelancer_list, name="freelancer_list"),
    path("freelancers/<int:pk>/", views.freelancer_detail, name="freelancer_detail"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/new/", views.job_edit, name="job_create"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/edit/", views.job_edit, name="job_edit"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:job_pk>/offer/<int:profile_pk>/", views.offer_create, name="offer_create"),
    path("jobs/<int:job_pk>/offer-bill-rate/", views.offer_bill_rate, name="offer_bill_rate"),
    path("offers/", views.offer_list, name="offer_list"),
    path("offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/<str:action>/", views.offer_respond, name="offer_respond"),
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/<str:action>/", views.contract_transition, name="contract_transition"),
]
