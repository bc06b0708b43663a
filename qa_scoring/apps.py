from django.apps import AppConfig


class QaScoringConfig(AppConfig):
    name = "qa_scoring"
    verbose_name = "QA scoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from . import rollups, selectors  # noqa: F401 - selectors registers the access scopes
        from .models import Review

        pre_delete.connect(rollups.on_review_delete, sender=Review, dispatch_uid="qa_rollups_review_delete")
