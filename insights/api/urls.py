from django.urls import path

from insights.api.advocacy import AdvocacyMetricsApi
from insights.api.answers import ScoreByAnswerApi
from insights.api.backtest import HealthBacktestApi
from insights.api.churn_reasons import ChurnReasonsApi
from insights.api.metrics import LoopKpisApi, ResponseRatesApi, ScoreBreakdownApi, ScoreDriversApi, ScoreSeriesApi
from insights.api.requests import RequestsApi, RequestsExportApi
from insights.api.retention import RetentionApi

urlpatterns = [
    path("metrics/advocates/", AdvocacyMetricsApi.as_view(), name="metrics-advocates"),
    path("metrics/answers/", ScoreByAnswerApi.as_view(), name="metrics-answers"),
    path("metrics/churn-reasons/", ChurnReasonsApi.as_view(), name="metrics-churn-reasons"),
    path("metrics/scores/", ScoreSeriesApi.as_view(), name="metrics-scores"),
    path("metrics/breakdown/", ScoreBreakdownApi.as_view(), name="metrics-breakdown"),
    path("metrics/health-backtest/", HealthBacktestApi.as_view(), name="metrics-health-backtest"),
    path("metrics/drivers/", ScoreDriversApi.as_view(), name="metrics-drivers"),
    path("metrics/loop/", LoopKpisApi.as_view(), name="metrics-loop"),
    path("metrics/requests/", RequestsApi.as_view(), name="metrics-requests"),
    path("metrics/requests/export/", RequestsExportApi.as_view(), name="metrics-requests-export"),
    path("metrics/retention/", RetentionApi.as_view(), name="metrics-retention"),
    path("metrics/response-rates/", ResponseRatesApi.as_view(), name="metrics-response-rates"),
]
