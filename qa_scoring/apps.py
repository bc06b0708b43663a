from django.apps import AppConfig


class QaScoringConfig(AppConfig):
    name = "qa_scoring"
    default_auto_field = "django.db.models.BigAutoField"
