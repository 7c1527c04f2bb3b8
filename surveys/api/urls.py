from django.urls import path

from surveys.api.public import PublicResponseCreateApi
from surveys.api.staff import ResponseListApi, SurveyListApi

urlpatterns = [
    path("public/responses/", PublicResponseCreateApi.as_view(), name="public-response-create"),
    path("surveys/", SurveyListApi.as_view(), name="survey-list"),
    path("responses/", ResponseListApi.as_view(), name="response-list"),
]
