"""Everything under /api/: health, the OpenAPI schema and docs, and each app's endpoints."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import HealthView

urlpatterns = [
    path("health/", HealthView.as_view(), name="api-health"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("accounts.api")),
    path("", include("marketplace.api")),
    path("", include("qa_scoring.api")),
    path("", include("qa_ops.api")),
    path("", include("vetting.api")),
    path("", include("timesheets.api")),
    path("", include("billing.api")),
    path("", include("cms.api")),
]
