from django.apps import AppConfig


class QaScoringConfig(AppConfig):
    name = "qa_scoring"
    verbose_name = "QA scoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import selectors  # noqa: F401 - registers the access scopes
