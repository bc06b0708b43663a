"""The Wagtail admin's URLs, adapted to this site's rules: every page asks for login (through allauth), and
Wagtail's catch-all 404 pattern is dropped (Django's own 404 answers instead), so the URL walk can test them."""

from django.contrib.auth.decorators import login_required
from django.urls import URLPattern
from django.urls.resolvers import RegexPattern
from wagtail.admin import urls as wagtailadmin_urls

# Wagtail serves these two without login (icon sprite and JS translations); only editors need them here.
_PUBLIC_IN_WAGTAIL = {"wagtailadmin_sprite", "wagtailadmin_javascript_catalog"}


def _adapt(patterns):
    for entry in patterns:
        is_regex = isinstance(entry, URLPattern) and isinstance(entry.pattern, RegexPattern)
        if is_regex and entry.pattern.regex.pattern in (r"^.*/$", r"^"):
            continue  # the catch-all default view
        if isinstance(entry, URLPattern) and entry.name in _PUBLIC_IN_WAGTAIL:
            entry = URLPattern(entry.pattern, login_required(entry.callback), entry.default_args, entry.name)
        yield entry


urlpatterns = list(_adapt(wagtailadmin_urls.urlpatterns))
