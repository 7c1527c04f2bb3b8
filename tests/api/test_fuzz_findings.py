"""What the schema-driven fuzzing found, kept as plain tests: a parameter given but empty or mistyped is a 400."""

import pytest

from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(django_user_model):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_superuser("root", "r@example.com", "pw"))
    SurveyFactory(kind="nps")
    return client


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/advocates/export/?since=", "since"),  # was: an export of everyone
        ("/api/v1/advocates/export/?format=", "format"),
        ("/api/v1/metrics/advocates/?until=", "until"),
        ("/api/v1/metrics/scores/?kind=", "kind"),
        ("/api/v1/metrics/loop/?since=", "since"),
        ("/api/v1/cases/?page_size=null&page_size=null", "page_size"),  # was: the default page size
        ("/api/v1/cases/?overdue=null", "overdue"),  # was: no filter
        ("/api/v1/cases/?since=", "since"),
        ("/api/v1/responses/?page_size=0", "page_size"),
        ("/api/v1/responses/?until=", "until"),
        ("/api/v1/responses/?survey=", "survey"),  # was: no filter
        ("/api/v1/cases/?owner=", "owner"),
    ],
)
def test_a_parameter_given_empty_or_mistyped_is_a_400_naming_it(root, url, field):
    response = root.get(url)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_true_and_false_still_filter_the_queue(root):
    assert root.get("/api/v1/cases/?overdue=true&mine=false").status_code == 200
    assert root.get("/api/v1/cases/?overdue=1").status_code == 200


def test_a_page_past_the_end_is_a_documented_404(root):
    assert root.get("/api/v1/cases/?page=0").status_code == 404


def test_the_staff_token_s_group_still_decides(root, role_client):
    assert role_client("Marketing", "marketing").get("/api/v1/metrics/scores/?kind=").status_code == 403
