from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import pre_delete


def _overlap(a, b):
    """Set bits shared by two equal-length '0'/'1' strings (PostgreSQL: bit_count(a & b))."""
    if a is None or b is None:
        return None
    return (int(a, 2) & int(b, 2)).bit_count()


def _popcount(value):
    """Set bits of a non-negative integer mask (PostgreSQL: bit_count(CAST(x AS bit(64))))."""
    return None if value is None else int(value).bit_count()


def _sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite has no bit strings or popcount; matching's scoring expression (``marketplace.matching.scoring``)
    calls these there and ``bit_count`` on PostgreSQL."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("sd_overlap", 2, _overlap, deterministic=True)
        connection.connection.create_function("sd_popcount", 1, _popcount, deterministic=True)


def _profile_leaves_the_index(sender, instance, **kwargs) -> None:
    """A profile deleted by any path (admin, a deleted user's cascade, a script) first leaves every ranking head
    and its candidate count. Derived-data upkeep, like a trigger — no domain flow runs here."""
    from .matching.index import match_index_remove

    match_index_remove(profile_ids=[instance.pk])


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import selectors  # noqa: F401  (registers access scopes)

        connection_created.connect(_sqlite_functions, dispatch_uid="marketplace_sqlite_functions")
        pre_delete.connect(
            _profile_leaves_the_index, sender=self.get_model("FreelancerProfile"), dispatch_uid="profile_leaves_index"
        )
