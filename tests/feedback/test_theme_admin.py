"""The theme map in the admin: CX leads edit it, CX staff read it, Marketing does not see it."""

import pytest
from django.db import IntegrityError

from feedback.models import Theme, ThemeTerm

pytestmark = pytest.mark.django_db
LIST = "/admin/feedback/theme/"


@pytest.fixture
def login_as(client, user_with_role):
    """Log the test client in as a new staff user with `group`'s role."""

    def login(group):
        client.force_login(user_with_role(group, f"u-{group}"))
        return client

    return login


@pytest.mark.parametrize(
    ("group", "listed", "can_add"), [("CX lead", 200, 200), ("CX staff", 200, 403), ("Marketing", 403, 403)]
)
def test_who_sees_and_edits_the_theme_map(client, group, listed, can_add, login_as):
    client = login_as(group)
    assert client.get(LIST).status_code == listed
    assert client.get(LIST + "add/").status_code == can_add


def test_a_lead_adds_a_theme_with_chinese_and_english_terms(client, login_as):
    client = login_as("CX lead")
    response = client.post(
        LIST + "add/",
        {
            "key": "delivery",
            "name_en": "Delivery",
            "name_zh": "物流配送",
            "active": "on",
            "terms-TOTAL_FORMS": "3",
            "terms-INITIAL_FORMS": "0",
            "terms-0-term": "物流",
            "terms-1-term": "發貨",
            "terms-2-term": "delivery",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    theme = Theme.objects.get(key="delivery")
    assert sorted(theme.terms.values_list("term", flat=True)) == ["delivery", "物流", "發貨"]


def test_a_term_another_theme_has_in_another_case_is_refused_with_a_message(client, login_as):
    client = login_as("CX lead")
    form = {
        "key": "money-back",
        "name_en": "Money back",
        "active": "on",
        "terms-TOTAL_FORMS": "1",
        "terms-INITIAL_FORMS": "0",
        "terms-0-term": "REFUND",  # Refunds has "refund"
    }
    response = client.post(LIST + "add/", form)
    assert response.status_code == 200
    assert "This term already belongs to a theme" in response.content.decode()
    assert not Theme.objects.filter(key="money-back").exists()
    with pytest.raises(IntegrityError):
        ThemeTerm.objects.create(theme=Theme.objects.get(key="support"), term="Refund")
