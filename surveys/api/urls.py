from django.urls import path

from surveys.api.customers import CustomerForgetApi
from surveys.api.definitions import SurveyDefinitionApi, SurveyDefinitionImportApi, definition_schema
from surveys.api.events import TouchpointEventBatchApi, TouchpointEventCreateApi
from surveys.api.public import PublicResponseCreateApi
from surveys.api.response_exports import ResponseExportApi
from surveys.api.staff import ResponseListApi, SurveyListApi
from surveys.api.widget import PublicSurveyApi

urlpatterns = [
    path("public/responses/", PublicResponseCreateApi.as_view(), name="public-response-create"),
    path("public/surveys/<slug:public_key>/", PublicSurveyApi.as_view(), name="public-survey"),
    path("surveys/", SurveyListApi.as_view(), name="survey-list"),
    path("surveys/<int:pk>/definition/", SurveyDefinitionApi.as_view(), name="survey-definition"),
    path("surveys/definitions/", SurveyDefinitionImportApi.as_view(), name="survey-definition-import"),
    path("schemas/survey-definition.v1.json", definition_schema, name="survey-definition-schema"),
    path("touchpoint-events/", TouchpointEventCreateApi.as_view(), name="touchpoint-event-create"),
    path("touchpoint-events/batch/", TouchpointEventBatchApi.as_view(), name="touchpoint-event-batch"),
    path("responses/", ResponseListApi.as_view(), name="response-list"),
    path("responses/export/", ResponseExportApi.as_view(), name="response-export"),
    path("customers/<path:external_id>/", CustomerForgetApi.as_view(), name="customer-forget"),
]
