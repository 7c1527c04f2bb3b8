"""The mail server fails: emails are retried, then marked failed, and the admin shows it.

A real SMTP server (aiosmtpd) on 127.0.0.1 answers as the test tells it: a temporary refusal
(451), a permanent one (550 for the recipient), or acceptance.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from closedloop import services as closedloop_services
from closedloop.models import Case, CaseActivity, RootCause
from closedloop.services import CaseChange
from feedback import services as feedback_services
from surveys import tasks
from surveys.models import Invitation
from surveys.services import invitations, privacy
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory
from tests.workers import WORKER_TIMEOUT_SECONDS, celery_app, celery_worker, route_tasks, unique_queue

pytestmark = [pytest.mark.faults, pytest.mark.django_db]
TRY_LATER = "451 4.3.0 Mail server busy, try again later"


def due_now(invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(send_at=timezone.now() - timedelta(seconds=1))


def test_an_invitation_is_retried_while_the_mail_server_refuses_then_sent_once(smtp_server):
    invitation = InvitationFactory(
        survey=SurveyFactory(kind="nps"), customer=CustomerFactory(email="wang@shop.example", locale="zh-hans")
    )
    smtp_server.handler.replies.extend([TRY_LATER, TRY_LATER])

    for attempt in (1, 2):
        due_now(invitation)
        tasks.invitation_send_due.apply()  # what beat runs
        invitation.refresh_from_db()
        assert (invitation.status, invitation.send_attempts) == (Invitation.Status.SCHEDULED, attempt)
        assert "451" in invitation.last_error
        assert invitation.send_at > timezone.now()  # backed off

    due_now(invitation)
    tasks.invitation_send_due.apply()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.send_attempts, invitation.last_error) == (Invitation.Status.SENT, 3, "")
    assert smtp_server.handler.attempts == 3
    assert [to for to, _ in smtp_server.handler.accepted] == [["wang@shop.example"]]  # one copy
    tasks.invitation_send_due.apply()
    assert len(smtp_server.handler.accepted) == 1


def test_an_invitation_the_mail_server_keeps_refusing_is_marked_failed_and_shown_in_the_admin(
    smtp_server, admin_client
):
    invitation = InvitationFactory(survey=SurveyFactory(kind="csat"), customer=CustomerFactory(email="li@shop.example"))
    smtp_server.handler.always = TRY_LATER
    for _ in range(invitations.SEND_ATTEMPTS + 2):
        due_now(invitation)
        tasks.invitation_send_due.apply()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.send_attempts) == (Invitation.Status.FAILED, invitations.SEND_ATTEMPTS)
    assert smtp_server.handler.attempts == invitations.SEND_ATTEMPTS  # then it stops trying
    assert smtp_server.handler.accepted == []

    page = admin_client.get("/admin/surveys/invitation/", {"status__exact": "failed"})
    assert page.status_code == 200
    assert "Mail server busy, try again later" in page.content.decode()


@pytest.mark.parametrize(
    ("stage", "reply"),
    [("refuse_recipients", "550 5.1.1 No such mailbox"), ("always", "554 5.7.1 Message rejected as spam")],
)
def test_a_permanent_refusal_fails_at_once(smtp_server, stage, reply):
    setattr(smtp_server.handler, stage, reply)
    invitation = InvitationFactory(survey=SurveyFactory(kind="nps"), customer=CustomerFactory(email="nobody@x.example"))
    due_now(invitation)
    tasks.invitation_send_due.apply()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.send_attempts) == (Invitation.Status.FAILED, 1)
    assert reply[:3] in invitation.last_error


def test_a_greylisted_recipient_is_tried_again_later(smtp_server):
    smtp_server.handler.refuse_recipients = "450 4.2.0 Greylisted, please try again later"
    invitation = InvitationFactory(survey=SurveyFactory(kind="ces"), customer=CustomerFactory(email="he@shop.example"))
    due_now(invitation)
    tasks.invitation_send_due.apply()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.send_attempts) == (Invitation.Status.SCHEDULED, 1)
    assert "Greylisted" in invitation.last_error


@pytest.fixture
def resolvable_case(api_client, django_capture_on_commit_callbacks):
    survey = SurveyFactory(kind="nps")
    customer = {"external_id": "acme-9", "email": "chen@acme.example", "name": "陈"}
    body = {"survey": survey.public_key, "score": 2, "comment": "账单又错了 😡", "customer": customer}
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.post("/api/v1/public/responses/", body, format="json").status_code == 201
    return Case.objects.get()


def resolve_and_notify(case, capture) -> None:
    change = CaseChange(
        status="resolved",
        root_cause_id=RootCause.objects.get(key="pricing-billing").id,
        resolution="已退还多收的费用。",
        notify_customer=True,
    )
    with capture(execute=True):
        closedloop_services.case_change(case_id=case.id, actor=None, change=change)


def test_in_process_a_resolution_note_the_mail_server_refuses_is_shown_on_the_case_and_can_be_sent_again(
    resolvable_case, smtp_server, admin_client, django_capture_on_commit_callbacks
):
    # without a broker nothing would run a retry later: the note fails at once, and says so
    smtp_server.handler.always = TRY_LATER
    resolve_and_notify(resolvable_case, django_capture_on_commit_callbacks)

    case = Case.objects.get()
    assert smtp_server.handler.attempts == 1
    assert (case.status, case.customer_notified_at, case.customer_note) == ("resolved", None, "")
    assert "451" in case.customer_note_error
    failure = CaseActivity.objects.get(case=case, kind=CaseActivity.Kind.NOT_SENT)
    assert "Note to the customer not sent" in failure.message
    page = admin_client.get(f"/admin/closedloop/case/{case.pk}/change/").content.decode()
    assert "Mail server busy, try again later" in page

    # the server mends and staff send the note again: it goes out once and the error is cleared
    smtp_server.handler.always = None
    with django_capture_on_commit_callbacks(execute=True):
        closedloop_services.case_change(case_id=case.id, actor=None, change=CaseChange(notify_customer=True))
    case.refresh_from_db()
    assert (case.customer_notified_at is not None, case.customer_note_error) == (True, "")
    assert [to for to, _ in smtp_server.handler.accepted] == [["chen@acme.example"]]


@pytest.fixture
def email_queue(settings):
    """The closed loop's email tasks go to a queue of this test's own."""
    queue = unique_queue()
    saved = celery_app().conf.task_routes
    names = ("closedloop.tasks.case_notify_customer", "closedloop.tasks.case_escalation_email")
    route_tasks(saved, {name: {"queue": queue} for name in names})
    yield queue
    route_tasks(saved)


@pytest.mark.postgres
@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_through_a_worker_a_refused_note_is_retried_with_backoff_then_marked_failed_or_sent_once(
    api_client, smtp_server, email_queue, tmp_path, django_capture_on_commit_callbacks
):
    survey = SurveyFactory(kind="nps")
    for name in ("wu", "zhao"):
        customer = {"external_id": name, "email": f"{name}@acme.example"}
        body = {"survey": survey.public_key, "score": 1, "comment": "客服一直不回复", "customer": customer}
        assert api_client.post("/api/v1/public/responses/", body, format="json").status_code == 201
    feedback_services.feedback_analyse_all_pending()
    cases = list(Case.objects.order_by("customer_external_id"))  # wu, zhao
    assert len(cases) == 2
    env = {"EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}", "CX_EMAIL_RETRY_SECONDS": "1"}

    # the server refuses every try: five retries, then the case shows the failure
    smtp_server.handler.always = TRY_LATER
    with celery_worker(tmp_path / "worker.log", queue=email_queue, env=env) as worker:
        resolve_and_notify(cases[0], django_capture_on_commit_callbacks)
        wait_for(lambda: Case.objects.get(pk=cases[0].pk).customer_note_error, worker)
        assert smtp_server.handler.attempts == 6

        # it refuses twice, then takes the note: sent once, nothing recorded against it
        smtp_server.handler.always = None
        smtp_server.handler.replies.extend([TRY_LATER, TRY_LATER])
        resolve_and_notify(cases[1], django_capture_on_commit_callbacks)
        wait_for(lambda: smtp_server.handler.accepted, worker)
    second = Case.objects.get(pk=cases[1].pk)
    assert (second.customer_notified_at is not None, second.customer_note_error) == (True, "")
    assert smtp_server.handler.attempts == 6 + 3
    assert [to for to, _ in smtp_server.handler.accepted] == [["zhao@acme.example"]]
    assert "451" in Case.objects.get(pk=cases[0].pk).customer_note_error


def wait_for(condition, worker) -> None:
    deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
    while not condition():
        assert worker.poll() is None, "the worker process exited"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_forgetting_the_customer_also_empties_a_refused_note_s_error(
    resolvable_case, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.handler.refuse_recipients = "550 5.1.1 <chen@acme.example>: no such mailbox"
    resolve_and_notify(resolvable_case, django_capture_on_commit_callbacks)
    assert "chen@acme.example" in Case.objects.get().customer_note_error

    privacy.customer_forget(external_id="acme-9", via="command")
    case = Case.objects.get()
    assert case.customer_note_error == ""
    assert not CaseActivity.objects.filter(message__contains="chen@acme.example").exists()
