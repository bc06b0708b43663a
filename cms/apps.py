from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "SOP playbooks"

    def ready(self) -> None:
        # Selectors register their access scopes on import.
        from . import selectors  # noqa: F401
