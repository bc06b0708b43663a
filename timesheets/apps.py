from django.apps import AppConfig


class TimesheetsConfig(AppConfig):
    name = "timesheets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Selectors register their access scopes on import.
        from . import selectors  # noqa: F401
