from django.urls import path

from closedloop.api.advocates import AdvocateExportApi, ReferralCreateApi
from closedloop.api.cases import CaseDetailApi, CaseListApi, CaseNoteCreateApi

urlpatterns = [
    path("cases/", CaseListApi.as_view(), name="case-list"),
    path("cases/<int:pk>/", CaseDetailApi.as_view(), name="case-detail"),
    path("cases/<int:pk>/notes/", CaseNoteCreateApi.as_view(), name="case-note-create"),
    path("referrals/", ReferralCreateApi.as_view(), name="referral-create"),
    path("advocates/export/", AdvocateExportApi.as_view(), name="advocate-export"),
]
