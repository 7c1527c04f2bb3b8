"""Answering through an invitation: one click from the email, a comment on the page, the 24-hour rule."""

import re
from datetime import timedelta
from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected

import pytest
from django.core import mail
from django.utils import timezone

from surveys import tasks
from surveys.models import Invitation, Response
from surveys.services import invitations
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation():
    survey = SurveyFactory(kind="nps", follow_up_zh_hant="您給出這個分數的主要原因是什麼？")
    customer = CustomerFactory(locale="zh-hant", email="lin@shop.example")
    return InvitationFactory(survey=survey, customer=customer, locale="zh-hant", status=Invitation.Status.SENT)


def test_one_click_from_the_email_records_the_score_then_the_page_takes_a_comment(client, invitation):
    # when the customer clicks "3" in the email
    page = client.get(f"/s/{invitation.token}/", {"score": 3})

    # then the answer is recorded and the page, in traditional Chinese, asks for more
    assert page.status_code == 200
    html = page.content.decode()
    assert "您給出這個分數的主要原因是什麼？" in html
    assert 'lang="zh-hant"' in html
    response = Response.objects.get(invitation=invitation)
    assert (response.score, response.classification, response.channel) == (3, "detractor", "email")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ANSWERED

    # when they add a comment (keeping the score)
    done = client.post(f"/s/{invitation.token}/", {"comment": "訂單同步經常失敗，客服說不是他們的問題 😡"})

    # then the same response carries it, and they see the thank-you page
    assert done.status_code == 302
    assert done["Location"] == f"/s/{invitation.token}/thanks/"
    response.refresh_from_db()
    assert (response.score, response.comment) == (3, "訂單同步經常失敗，客服說不是他們的問題 😡")
    assert Response.objects.count() == 1
    assert client.get(done["Location"]).status_code == 200


def test_changing_the_score_within_24_hours_updates_the_same_response(client, invitation):
    client.get(f"/s/{invitation.token}/", {"score": 3})
    client.post(f"/s/{invitation.token}/", {"score": "8", "comment": "其實還不錯"})
    response = Response.objects.get(invitation=invitation)
    assert (response.score, response.classification, response.comment) == (8, "passive", "其實還不錯")


def test_after_24_hours_a_second_answer_is_refused_with_409(client, invitation):
    invitations.invitation_respond(token=invitation.token, score=9)
    Invitation.objects.filter(pk=invitation.pk).update(answered_at=timezone.now() - timedelta(hours=25))
    page = client.get(f"/s/{invitation.token}/", {"score": 1})
    assert page.status_code == 409
    assert Response.objects.get(invitation=invitation).score == 9


def test_a_forged_token_in_the_api_is_a_403(api_client):
    res = api_client.post("/api/v1/public/responses/", {"invitation": "y" * 32, "score": 10}, format="json")
    assert res.status_code == 403
    assert res.json()["error"]["code"] == "invitation_invalid"


def test_an_expired_invitation_in_the_api_is_a_410(api_client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    res = api_client.post("/api/v1/public/responses/", {"invitation": invitation.token, "score": 10}, format="json")
    assert res.status_code == 410
    assert res.json()["error"]["code"] == "invitation_expired"


def test_api_answers_through_an_invitation_too(api_client, invitation):
    res = api_client.post("/api/v1/public/responses/", {"invitation": invitation.token, "score": 10}, format="json")
    assert res.status_code == 201, res.content
    again = api_client.post(
        "/api/v1/public/responses/", {"invitation": invitation.token, "score": 10, "comment": "很好"}, format="json"
    )
    assert again.json()["id"] == res.json()["id"]
    assert Response.objects.get().comment == "很好"


def test_an_expired_invitation_shows_a_clear_410_page(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    page = client.get(f"/s/{invitation.token}/", {"score": 9})
    assert page.status_code == 410
    assert "過期" in page.content.decode() or "expired" in page.content.decode()
    assert not Response.objects.exists()


def test_a_forged_token_shows_a_clear_403_page(client):
    page = client.get("/s/" + "x" * 32 + "/", {"score": 9})
    assert page.status_code == 403
    assert "not valid" in page.content.decode() or "無效" in page.content.decode()


def test_a_score_outside_the_scale_in_the_link_is_not_recorded(client, invitation):
    page = client.get(f"/s/{invitation.token}/", {"score": 42})
    assert page.status_code == 200
    assert not Response.objects.exists()


def test_the_page_posts_need_a_csrf_token(invitation):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/s/{invitation.token}/", {"score": "9"}).status_code == 403


def test_the_anonymous_link_page_records_an_answer(client):
    survey = SurveyFactory(kind="csat")
    page = client.get(f"/s/{survey.public_key}/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page.status_code == 200
    assert survey.question_zh_hans in page.content.decode()
    done = client.post(f"/s/{survey.public_key}/", {"score": "2", "comment": "包装破损"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert done.status_code == 302
    response = Response.objects.get()
    assert (response.score, response.channel, response.locale, response.comment) == (2, "link", "zh-hans", "包装破损")


def test_the_page_without_a_score_says_what_is_missing(client):
    survey = SurveyFactory()
    page = client.post(f"/s/{survey.public_key}/", {"comment": "hi"})
    assert page.status_code == 400
    assert "Please choose an answer." in page.content.decode()


def test_one_click_unsubscribe(client, invitation):
    page = client.get(f"/u/{invitation.token}/")
    assert page.status_code == 200
    invitation.customer.refresh_from_db()
    assert invitation.customer.unsubscribed_at is not None
    assert client.post(f"/u/{invitation.token}/").status_code == 200  # RFC 8058 one-click POST, idempotent


def test_a_transient_smtp_error_is_retried_later_with_backoff(monkeypatch):
    invitation = InvitationFactory(status=Invitation.Status.SCHEDULED)
    calls = {"n": 0}
    real_send = mail.EmailMultiAlternatives.send

    def flaky_send(message, fail_silently=False):
        calls["n"] += 1
        if calls["n"] == 1:
            raise SMTPServerDisconnected("connection lost")
        return real_send(message, fail_silently)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", flaky_send)

    # the first attempt fails: the invitation waits a minute, with the error shown
    tasks.invitation_send.apply(args=[invitation.id])
    invitation.refresh_from_db()
    assert (invitation.status, invitation.send_attempts) == (Invitation.Status.SCHEDULED, 1)
    assert "SMTPServerDisconnected" in invitation.last_error
    assert invitation.send_at > timezone.now() + timedelta(seconds=50)
    tasks.invitation_send_due.apply()
    assert calls["n"] == 1  # not due yet

    # once the backoff has passed the sweep sends it
    Invitation.objects.filter(pk=invitation.pk).update(send_at=timezone.now() - timedelta(seconds=1))
    tasks.invitation_send_due.apply()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.send_attempts, invitation.last_error) == ("sent", 2, "")
    assert len(mail.outbox) == 1


def test_after_five_transient_failures_the_invitation_fails(monkeypatch):
    invitation = InvitationFactory(status=Invitation.Status.SCHEDULED)

    def down(message, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", down)
    for _ in range(5):
        Invitation.objects.filter(pk=invitation.pk).update(send_at=timezone.now() - timedelta(seconds=1))
        tasks.invitation_send_due.apply()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.send_attempts) == (Invitation.Status.FAILED, 5)
    assert "mail server down" in invitation.last_error


def test_a_refused_recipient_is_marked_failed_and_shown(monkeypatch):
    invitation = InvitationFactory(status=Invitation.Status.SCHEDULED)

    def refuse(message, fail_silently=False):
        raise SMTPRecipientsRefused({"x@y": (550, b"no such user")})

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refuse)
    tasks.invitation_send.apply(args=[invitation.id])
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.FAILED
    assert "SMTPRecipientsRefused" in invitation.last_error


def test_sending_twice_sends_once():
    invitation = InvitationFactory(status=Invitation.Status.SCHEDULED)
    assert invitations.invitation_send(invitation_id=invitation.id) is True
    assert invitations.invitation_send(invitation_id=invitation.id) is False
    assert len(mail.outbox) == 1


def test_a_claim_held_by_a_live_worker_is_not_taken_but_an_abandoned_one_is():
    invitation = InvitationFactory(status=Invitation.Status.SCHEDULED)
    assert invitations.invitation_claim(invitation_id=invitation.id, now=timezone.now())
    assert invitations.invitation_send(invitation_id=invitation.id) is False  # another worker is on it
    Invitation.objects.filter(pk=invitation.pk).update(claimed_at=timezone.now() - timedelta(minutes=16))
    assert invitations.invitation_send(invitation_id=invitation.id) is True
    assert len(mail.outbox) == 1


def test_due_invitations_go_out_and_old_ones_expire():
    due = InvitationFactory(status=Invitation.Status.SCHEDULED, send_at=timezone.now() - timedelta(minutes=1))
    later = InvitationFactory(status=Invitation.Status.SCHEDULED, send_at=timezone.now() + timedelta(hours=1))
    stale = InvitationFactory(status=Invitation.Status.SENT, expires_at=timezone.now() - timedelta(days=1))
    tasks.invitation_send_due.apply()
    statuses = {i.pk: i.status for i in Invitation.objects.all()}
    assert statuses == {due.pk: "sent", later.pk: "scheduled", stale.pk: "expired"}


def test_the_email_s_links_follow_the_public_base_url(settings):
    settings.CX_PUBLIC_BASE_URL = "http://127.0.0.1:8010/"
    invitation = InvitationFactory(status=Invitation.Status.SCHEDULED)
    assert invitations.invitation_send(invitation_id=invitation.id) is True
    message = mail.outbox[0]
    links = set(re.findall(r"https?://[^\s\"'<>]+", message.body + message.alternatives[0][0]))
    assert f"http://127.0.0.1:8010/s/{invitation.token}/?score=10" in links
    assert f"http://127.0.0.1:8010/u/{invitation.token}/" in links
    assert all(link.startswith("http://127.0.0.1:8010/") for link in links if f"/{invitation.token}/" in link)


def test_pending_invitations_are_withdrawn_and_never_sent():
    pending = InvitationFactory()
    sent = InvitationFactory(customer=pending.customer, status=Invitation.Status.SENT)
    assert invitations.invitations_cancel_pending(customer_id=pending.customer_id) == 1
    pending.refresh_from_db()
    assert pending.status == Invitation.Status.EXPIRED
    assert not invitations.invitation_send(invitation_id=pending.id)
    assert Invitation.objects.get(pk=sent.pk).status == Invitation.Status.SENT


def test_customers_unsubscribed_by_id_once():
    customer = CustomerFactory()
    assert invitations.customers_unsubscribe(customer_ids=[customer.id]) == 1
    assert invitations.customers_unsubscribe(customer_ids=[customer.id]) == 0
    customer.refresh_from_db()
    assert customer.unsubscribed_at is not None
