"""The portfolio's addresses: the accounts API under /api/v1/ (cxplatform.urls includes it there)."""

from django.urls import include, path

urlpatterns = [path("", include("portfolio.api.urls"))]
