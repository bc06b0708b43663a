from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _popcount(value):
    return None if value is None else int(value).bit_count()


def _sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite has no popcount; matching's SQL uses ``sd_popcount`` there and ``bit_count`` on PostgreSQL."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("sd_popcount", 1, _popcount, deterministic=True)


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import selectors  # noqa: F401  (registers access scopes)

        connection_created.connect(_sqlite_functions, dispatch_uid="marketplace_sqlite_functions")
