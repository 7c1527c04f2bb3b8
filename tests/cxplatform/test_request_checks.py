"""A NUL in an address is a 400 naming where it is, never a 500 (PostgreSQL refuses NUL in text)."""

import pytest
from django.utils import translation

from tests.surveys.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_nul_in_an_api_id_is_a_400_naming_the_path(superuser_api_client):
    res = superuser_api_client.delete("/api/v1/customers/%00/")
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "invalid_characters"
    assert "NUL" in res.json()["error"]["message"]
    assert list(res.json()["error"]["fields"]) == ["path"]


def test_a_nul_in_an_api_filter_is_a_400_naming_the_parameter(superuser_api_client):
    res = superuser_api_client.get("/api/v1/cases/?customer=%00")
    assert res.status_code == 400
    assert list(res.json()["error"]["fields"]) == ["customer"]


@pytest.mark.parametrize(
    "address",
    [
        "/admin/surveys/customer/?external_id=%00",
        "/admin/surveys/customer/?q=%00",
        "/admin/surveys/customer/%00/change/",
        "/admin/closedloop/case/?customer__external_id__exact=a%00b",
    ],
)
def test_a_nul_in_an_admin_address_is_a_400(client, django_user_model, address):
    CustomerFactory(external_id="c-1")
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "pw"))
    res = client.get(address)
    assert res.status_code == 400
    assert "NUL" in res.content.decode()


def test_an_address_without_nul_passes(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "pw"))
    assert client.get("/admin/surveys/customer/?q=c-1").status_code == 200


def test_a_nul_in_an_admin_action_s_selected_ids_is_a_400(client, django_user_model):
    customer = CustomerFactory(external_id="c-1")
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "pw"))
    res = client.post("/admin/surveys/customer/", {"action": "delete_selected", "_selected_action": ["\x00"]})
    assert res.status_code == 400
    assert "NUL" in res.content.decode()
    assert (
        client.post(
            "/admin/surveys/customer/", {"action": "delete_selected", "_selected_action": [customer.pk]}
        ).status_code
        == 200
    )


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "NUL 字符"), ("zh-hant", "NUL 字元")])
def test_the_400_page_is_in_the_reader_s_language(client, language, words):
    with translation.override("en"):  # the language the request activates ends with it, not in later tests
        res = client.get("/admin/surveys/customer/?q=%00", HTTP_ACCEPT_LANGUAGE=language)
    assert res.status_code == 400
    assert words in res.content.decode()
