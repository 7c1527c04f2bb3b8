"""/delighted/v1/: every path also answers with `.json` at its end, as Delighted's did."""

from django.urls import re_path

from delighted_api.api.contacts import BouncesApi, MetricsApi, UnsubscribesApi
from delighted_api.api.people import PendingSurveyRequestsApi, PeopleApi, PersonApi
from delighted_api.api.responses import SurveyResponseApi, SurveyResponsesApi

JSON = r"(?:\.json)?$"

urlpatterns = [
    re_path(r"^people" + JSON, PeopleApi.as_view(), name="delighted-people"),
    re_path(
        r"^people/(?P<email>[^/]+)/survey_requests/pending" + JSON,
        PendingSurveyRequestsApi.as_view(),
        name="delighted-pending-survey-requests",
    ),
    re_path(r"^people/(?P<identifier>[^/]+?)" + JSON, PersonApi.as_view(), name="delighted-person"),
    re_path(r"^survey_responses" + JSON, SurveyResponsesApi.as_view(), name="delighted-survey-responses"),
    re_path(
        r"^survey_responses/(?P<response_id>[^/]+?)" + JSON,
        SurveyResponseApi.as_view(),
        name="delighted-survey-response",
    ),
    re_path(r"^metrics" + JSON, MetricsApi.as_view(), name="delighted-metrics"),
    re_path(r"^unsubscribes" + JSON, UnsubscribesApi.as_view(), name="delighted-unsubscribes"),
    re_path(r"^bounces" + JSON, BouncesApi.as_view(), name="delighted-bounces"),
]
