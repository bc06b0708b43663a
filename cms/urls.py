from django.urls import path

from . import views

app_name = "cms"

urlpatterns = [
    path("", views.playbook_list, name="playbook_list"),
    path("search/", views.search, name="search"),
    path("coaching/", views.coaching, name="coaching"),
    path("copy/", views.copy_template, name="copy_template"),
    path("pages/<int:page_id>/reverify/", views.reverify, name="reverify"),
    path("pages/<int:page_id>/acknowledge/", views.acknowledge_copy, name="acknowledge_copy"),
]
