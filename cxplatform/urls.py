from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cxplatform import health

# The console is cxplatform's, not Django's: its name in the header, the page titles and on the home page.
admin.site.site_header = _("cxplatform")
admin.site.site_title = _("cxplatform console")
admin.site.index_title = _("Customer-experience console")

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the admin header's language switch
    path("", include("insights.urls")),  # /admin/insights/, before the admin's own pages
    path("admin/", admin.site.urls),
    path("api/v1/", include("surveys.api.urls")),
    path("api/v1/", include("closedloop.api.urls")),
    path("api/v1/", include("insights.api.urls")),
    path("api/v1/", include("portfolio.urls")),
    path("api/v1/", include("webhooks.api.urls")),
    path("delighted/v1/", include("delighted_api.api.urls")),
    path("", include("surveys.urls")),
    path("", include("closedloop.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves Swagger UI's init script as a file (?script), not inline: no CSP exception needed
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = "cxplatform.errors.not_found"
handler500 = "cxplatform.errors.server_error"
