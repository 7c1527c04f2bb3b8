"""Text-direction controls: refused in ids and names, removed from customers' comments, everywhere they come in."""

import json

import pytest
from django.core.exceptions import ValidationError

from common.text import bidi_controls_refused, bidi_controls_removed
from surveys.models import Customer, Invitation, Response
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory

CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("control", CONTROLS)
def test_every_control_is_refused_in_an_id_and_removed_from_a_comment(control):
    with pytest.raises(ValidationError) as refused:
        bidi_controls_refused(f"acct{control}42")
    assert refused.value.params == {"char": f"U+{ord(control):04X}"}
    assert bidi_controls_removed(f"invoice{control}fdp.exe 退款") == "invoicefdp.exe 退款"


def test_what_is_not_a_control_passes():
    bidi_controls_refused("林美玲 \u200f O'Brien")  # a right-to-left mark is not an override
    assert bidi_controls_removed("שלום \u200f hello") == "שלום \u200f hello"


def post(client, body):
    return client.post("/api/v1/public/responses/", json.dumps(body), content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("customer", "field"),
    [
        ({"external_id": "acct\u202e42"}, "customer.external_id"),
        ({"external_id": "acct-42", "name": "Lin\u2067 Meiling"}, "customer.name"),
    ],
)
def test_the_public_api_refuses_a_control_in_an_id_or_name_naming_the_field(api_client, customer, field):
    survey = SurveyFactory(kind="nps")
    res = post(api_client, {"survey": survey.public_key, "score": 9, "customer": customer})
    assert res.status_code == 400, res.content
    messages = res.json()["error"]["fields"][field]
    assert "text-direction control" in messages[0]
    assert not Response.objects.exists()
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_the_public_api_stores_a_comment_without_its_controls(api_client):
    survey = SurveyFactory(kind="nps")
    res = post(api_client, {"survey": survey.public_key, "score": 3, "comment": "退款\u202e失败 invoice\u2066.exe"})
    assert res.status_code == 201, res.content
    assert Response.objects.get().comment == "退款失败 invoice.exe"


@pytest.mark.django_db
def test_touchpoint_events_refuse_a_control_in_the_customer_name(superuser_api_client):
    res = superuser_api_client.post(
        "/api/v1/touchpoint-events/",
        {"touchpoint": "x", "event_id": "e\u202e1", "customer": {"external_id": "a", "name": "\u202eevil"}},
        format="json",
    )
    assert res.status_code == 400
    assert {"event_id", "customer.name"} <= set(res.json()["error"]["fields"])


@pytest.mark.django_db
def test_the_survey_page_stores_a_comment_without_its_controls(client):
    invitation = InvitationFactory(survey=SurveyFactory(kind="nps"), customer=CustomerFactory(), status="sent")
    client.get(f"/s/{invitation.token}/", {"score": 3})
    done = client.post(f"/s/{invitation.token}/", {"comment": "订单\u202e同步失败"})
    assert done.status_code == 302
    assert Response.objects.get(invitation=invitation).comment == "订单同步失败"
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.ANSWERED


@pytest.mark.django_db
def test_the_customer_admin_refuses_a_control_in_an_id(admin_client):
    res = admin_client.post(
        "/admin/surveys/customer/add/", {"external_id": "acct\u202e42", "name": "Lin", "locale": "en", "value": ""}
    )
    assert res.status_code == 200  # the form again, with the error
    assert "text-direction control character (U+202E)" in res.content.decode()
    assert not Customer.objects.exists()
