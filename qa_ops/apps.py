from django.apps import AppConfig


class QaOpsConfig(AppConfig):
    """QA at scale: sampling rules and review assignments, AutoQA suggestions, calibration, dashboards."""

    name = "qa_ops"
    verbose_name = "QA operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import selectors  # noqa: F401  (registers the access scopes)
