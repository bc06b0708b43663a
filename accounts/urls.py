from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("orgs/switch/", views.organization_switch, name="organization_switch"),
    path("orgs/<slug:slug>/members/", views.members, name="members"),
    path("orgs/<slug:slug>/invitations/", views.invitation_create, name="invitation_create"),
    path("orgs/<slug:slug>/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("orgs/<slug:slug>/members/<int:pk>/role/", views.membership_role, name="membership_role"),
    path("orgs/<slug:slug>/members/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("orgs/<slug:slug>/api-keys/", views.api_keys, name="api_keys"),
    path("orgs/<slug:slug>/api-keys/<int:pk>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("orgs/<slug:slug>/audit/", views.audit_log, name="audit_log"),
    path("invitations/<str:token>/", views.invitation_detail, name="invitation"),
]
