from django.apps import AppConfig


class VettingConfig(AppConfig):
    name = "vetting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import selectors  # noqa: F401  (registers access scopes)
