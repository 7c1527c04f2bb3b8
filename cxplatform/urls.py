from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cxplatform import health
from surveys.dashboard import insights_dashboard

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("healthz", health.healthz, name="healthz"),
    path("admin/insights/", admin.site.admin_view(insights_dashboard), name="insights"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("surveys.api.urls")),
    path("api/v1/", include("closedloop.api.urls")),
    path("", include("surveys.urls")),
    path("", include("closedloop.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = "cxplatform.errors.not_found"
handler500 = "cxplatform.errors.server_error"
