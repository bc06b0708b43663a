from django.urls import path

from . import views

app_name = "qa_scoring"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("conversations/", views.conversation_list, name="conversation_list"),
    path("conversations/<int:pk>/", views.conversation_detail, name="conversation_detail"),
    path("conversations/<int:pk>/export.csv", views.conversation_export, name="conversation_export"),
    path("conversations/<int:pk>/review/", views.review_start, name="review_start"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/mine/", views.my_reviews, name="my_reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/dispute/", views.dispute_create, name="dispute_create"),
    path("disputes/", views.dispute_list, name="dispute_list"),
    path("disputes/<int:pk>/", views.dispute_detail, name="dispute_detail"),
    path("import/", views.import_page, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("rubrics/", views.rubric_list, name="rubric_list"),
    path("rubrics/new/", views.rubric_create, name="rubric_create"),
    path("rubrics/<int:pk>/draft/", views.rubric_new_draft, name="rubric_new_draft"),
    path("rubrics/versions/<int:pk>/", views.rubric_version, name="rubric_version"),
    path("rubrics/versions/<int:pk>/publish/", views.rubric_publish, name="rubric_publish"),
    path("rubrics/versions/<int:pk>/sections/", views.section_add, name="section_add"),
    path("rubrics/sections/<int:pk>/criteria/", views.criterion_add, name="criterion_add"),
    path("rubrics/criteria/<int:pk>/move/", views.criterion_move, name="criterion_move"),
    path("rubrics/criteria/<int:pk>/delete/", views.criterion_delete, name="criterion_delete"),
]
