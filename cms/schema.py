"""OpenAPI: the Wagtail admin's internal API (used by the editor's own screens) is not part of our public API."""


def exclude_wagtail_admin_api(endpoints):
    return [e for e in endpoints if not e[0].startswith("/cms-admin/")]
