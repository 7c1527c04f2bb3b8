from django.urls import path

from portfolio.api.accounts import AccountDetailApi, AccountHealthHistoryApi, AccountListApi
from portfolio.api.churn import AccountChurnApi
from portfolio.api.signals import AccountSignalIngestApi

urlpatterns = [
    path("accounts/", AccountListApi.as_view(), name="account-list"),
    path(
        "accounts/<path:external_id>/health-history/",
        AccountHealthHistoryApi.as_view(),
        name="account-health-history",
    ),
    path("accounts/<path:external_id>/churn/", AccountChurnApi.as_view(), name="account-churn"),
    path("accounts/<path:external_id>/", AccountDetailApi.as_view(), name="account-detail"),
    path("account-signals/", AccountSignalIngestApi.as_view(), name="account-signal-ingest"),
]
