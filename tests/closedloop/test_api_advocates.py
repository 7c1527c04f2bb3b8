"""The advocates API (closedloop.api.advocates): the export's parameters."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/advocates/export/?since=", "since"),  # was: an export of everyone
        ("/api/v1/advocates/export/?format=", "format"),
    ],
)
def test_a_parameter_given_empty_or_mistyped_is_a_400_naming_it(root, url, field):
    response = root.get(url)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
