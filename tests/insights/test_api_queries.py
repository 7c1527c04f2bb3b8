"""The metrics endpoints' query strings: bad parameters are a 400 naming them, days are bounded."""

import pytest

from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db
SCORES = "/api/v1/metrics/scores/"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"touchpoint": "nowhere"}, "touchpoint", "Unknown touchpoint: nowhere."),
        ({"survey": 999999}, "survey", "Unknown survey: 999999."),
        ({"since": "2026-05-01", "until": "2026-04-01"}, "until", "until must not be before since."),
        ({"interval": "hour"}, "interval", '"hour" is not a valid choice.'),
        ({"interval": "day", "since": "2020-01-01", "until": "2026-01-01"}, "since", "At most 400 buckets"),
        ({"language": "fr"}, "language", '"fr" is not a valid choice.'),
        ({"since": "yesterday"}, "since", "Date has wrong format"),
        ({"until": "9999-12-31"}, "until", "Must be a day from 1900-01-01 to 9000-12-31."),
        ({"since": "0001-01-01", "until": "0001-02-01"}, "since", "Must be a day from 1900-01-01"),
        ({"survey": "99999999999999999999"}, "survey", "less than or equal to"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(params, field, message, role_client):
    SurveyFactory(kind="nps")
    response = role_client("CX lead", "lead").get(SCORES, params)
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert message in str([errors for name, errors in fields.items() if name.split(".")[0] == field])


def test_surveys_of_different_kinds_cannot_be_mixed(role_client):
    nps, csat = SurveyFactory(kind="nps"), SurveyFactory(kind="csat")
    response = role_client("CX lead", "lead").get(SCORES, {"survey": [nps.id, csat.id]})
    assert response.status_code == 400
    assert "different kinds" in str(response.json())


@pytest.mark.parametrize("endpoint", ["scores", "breakdown", "drivers", "loop", "response-rates"])
def test_every_metrics_endpoint_bounds_its_days(endpoint, role_client):
    SurveyFactory(kind="nps")
    client = role_client("CX lead", "lead")
    assert client.get(f"/api/v1/metrics/{endpoint}/", {"until": "9999-12-31"}).status_code == 400
    assert client.get(f"/api/v1/metrics/{endpoint}/", {"since": "1900-01-01", "until": "1900-02-01"}).status_code == 200
