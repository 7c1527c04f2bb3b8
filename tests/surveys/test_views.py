"""The survey pages a customer opens (surveys.views): bad paths, HEAD requests, a comment after the answer went."""

import pytest

from surveys.models import Invitation, Response
from tests.surveys.factories import InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/s/ab%00/", "/s/ab%00/thanks/", "/u/ab%00/", "/api/v1/public/surveys/ab%00/"])
def test_nul_bytes_in_paths_are_a_400(client, path):
    assert client.get(path).status_code == 400  # cxplatform.request_checks, before any lookup


def test_a_comment_without_a_score_when_the_answer_was_deleted_is_a_400_page(client):
    invitation = InvitationFactory(status=Invitation.Status.SENT)
    client.get(f"/s/{invitation.token}/", {"score": 5})
    Response.objects.all().delete()
    res = client.post(f"/s/{invitation.token}/", {"comment": "还在吗"})
    assert res.status_code == 400
    assert "Please choose an answer." in res.content.decode()


def test_head_requests_record_nothing(client):
    invitation = InvitationFactory(status=Invitation.Status.SENT)
    assert client.head(f"/s/{invitation.token}/", {"score": 10}).status_code == 200
    assert not Response.objects.exists()
