"""The loop's figures narrowed by the score filters: kind, plan and language."""

import pytest

from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db


def test_loop_kpis_follow_the_kind_plan_and_language_filters(role_client):
    from tests.closedloop.factories import CaseFactory

    nps, csat = SurveyFactory(kind="nps"), SurveyFactory(kind="csat")
    CaseFactory(survey_id=nps.id, customer_plan="pro", locale="zh-hans")
    CaseFactory(survey_id=nps.id, customer_plan="starter", locale="en")
    CaseFactory(survey_id=csat.id, survey_kind="csat", customer_plan="pro", locale="en")
    client = role_client("CX lead", "lead")

    def opened(**params):
        return client.get("/api/v1/metrics/loop/", params).json()["opened"]

    assert opened() == 2  # nps, the default kind
    assert opened(kind="csat") == 1
    assert opened(plan="pro") == 1
    assert opened(language="zh-hans") == 1
    assert opened(plan="enterprise") == 0
