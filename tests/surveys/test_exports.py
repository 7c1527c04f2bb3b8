"""The responses export: one column per additional question, answers read once a batch, CSV and XLSX alike."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from surveys import exports
from surveys.models import Answer, Response
from tests.surveys.factories import QuestionFactory, ResponseFactory, SurveyFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/responses/export/"


@pytest.fixture
def survey():
    """Five responses answering a select-many, a scale and a text question (the newest answers none)."""
    survey = SurveyFactory(name="Relationship NPS")
    reasons = QuestionFactory(survey=survey, key="reasons", kind="multiple", position=1)
    effort = QuestionFactory(survey=survey, key="effort", kind="scale_5", options=[], position=2)
    why = QuestionFactory(survey=survey, key="why", kind="text", options=[], position=3)
    now = timezone.now()
    for n in range(4):
        response = ResponseFactory(
            survey=survey, score=n, comment="=cmd|' /C calc'!A0", submitted_at=now - timedelta(hours=n + 1)
        )
        Answer.objects.create(response=response, question=reasons, choice="price")
        Answer.objects.create(response=response, question=reasons, choice="support")
        Answer.objects.create(response=response, question=effort, number=n + 1)
        Answer.objects.create(response=response, question=why, text='太贵了, "really"')
    ResponseFactory(survey=survey, score=10, submitted_at=now)
    return survey


def _csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_csv_has_a_column_per_question_and_reads_answers_once_a_batch(
    survey, monkeypatch, django_assert_max_num_queries
):
    # given: batches of two
    monkeypatch.setattr(exports, "BATCH", 2)

    # when: the keys, the responses, and the answers of each of the three batches
    with django_assert_max_num_queries(5):
        content = b"".join(exports.csv_stream(Response.objects.order_by("-submitted_at", "-id")))

    # then
    rows = _csv(content)
    assert list(rows[0])[-3:] == ["reasons", "effort", "why"]
    assert [row["effort"] for row in rows] == ["", "1", "2", "3", "4"]
    assert rows[0]["reasons"] == rows[0]["why"] == ""
    assert rows[1]["reasons"] == "price; support"
    assert rows[1]["why"] == '太贵了, "really"'
    assert rows[1]["comment"].startswith("'=")  # never run as a formula
    assert (rows[1]["survey"], rows[1]["consent_to_contact"]) == ("Relationship NPS", "false")


def test_the_api_exports_the_lists_filters_as_csv_or_xlsx(survey, staff_client):
    # given
    SurveyFactory()  # another survey, its questions' columns absent

    # when
    as_csv = staff_client.get(URL, {"survey": survey.pk})
    as_xlsx = staff_client.get(URL, {"survey": survey.pk, "format": "xlsx"})

    # then
    assert as_csv.status_code == 200
    assert as_csv["Content-Disposition"].endswith('.csv"')
    assert len(_csv(b"".join(as_csv.streaming_content))) == 5
    sheet = load_workbook(io.BytesIO(b"".join(as_xlsx.streaming_content)), read_only=True).active
    header, _newest, second, *_rest = sheet.iter_rows(values_only=True)
    assert header[-3:] == ("reasons", "effort", "why")
    assert second[-3:] == ("price; support", 1, '太贵了, "really"')
    assert second[header.index("score")] == 0


@pytest.mark.parametrize(("params", "field"), [({"format": "pdf"}, "format"), ({"since": "yesterday"}, "since")])
def test_a_bad_format_or_filter_is_a_400_naming_it(staff_client, params, field):
    response = staff_client.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
