from django.contrib import admin
from django.urls import path

from insights.answer_views import answers_page
from insights.churn_views import churn_reasons_page
from insights.request_views import requests_export, requests_page
from insights.views import insights_dashboard

urlpatterns = [
    path("admin/insights/", admin.site.admin_view(insights_dashboard), name="insights"),
    path("admin/insights/answers/", admin.site.admin_view(answers_page), name="insights-answers"),
    path("admin/insights/churn-reasons/", admin.site.admin_view(churn_reasons_page), name="insights-churn-reasons"),
    path("admin/insights/requests/", admin.site.admin_view(requests_page), name="insights-requests"),
    path("admin/insights/requests/export/", admin.site.admin_view(requests_export), name="insights-requests-export"),
]
