"""Demo data for this app. Idempotent: creates only what is missing."""


def seed(out) -> list[tuple[str, str]]:
    """Return extra (role, e-mail) demo logins to print, if any."""
    return []
