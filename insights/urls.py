from django.contrib import admin
from django.urls import path

from insights.churn_views import churn_reasons_page
from insights.views import insights_dashboard

urlpatterns = [
    path("admin/insights/", admin.site.admin_view(insights_dashboard), name="insights"),
    path("admin/insights/churn-reasons/", admin.site.admin_view(churn_reasons_page), name="insights-churn-reasons"),
]
