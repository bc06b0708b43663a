from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView

from marketplace.signup_page import signup

from . import views

# The admin logs in through allauth, so MFA and rate limits apply there too.
admin.site.login = login_required(admin.site.login)
admin.site.site_header = "Shiftdesk operations"
admin.site.site_title = "Shiftdesk admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("accounts.urls")),
    path("accounts/signup/", signup, name="account_signup"),  # allauth's, with the side pre-selected from the link
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("config.api")),
    path("marketplace/", include("marketplace.urls")),
    path("qa/", include("qa_scoring.urls")),
    path("qa-ops/", include("qa_ops.urls")),
    path("vetting/", include("vetting.urls")),
    path("time/", include("timesheets.urls")),
    path("billing/", include("billing.urls")),
    # Wagtail admin for playbooks: its own login page is replaced by allauth's (MFA and rate limits apply).
    path("cms-admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("cms-admin/", include("cms.admin_urls")),
    path("playbooks/", include("cms.urls")),
    path("playbooks/", include("cms.serve_urls")),  # Wagtail page serving, after the playbooks area views
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "config.views.error_400"
handler403 = "config.views.error_403"
handler404 = "config.views.error_404"
handler500 = "config.views.error_500"
