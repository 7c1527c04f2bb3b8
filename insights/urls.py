from django.contrib import admin
from django.urls import path

from insights.views import insights_dashboard

urlpatterns = [
    path("admin/insights/", admin.site.admin_view(insights_dashboard), name="insights"),
]
