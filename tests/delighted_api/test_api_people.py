"""people, survey_requests/pending, unsubscribes and bounces, driven by Delighted's own client."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from delighted_api.models import PersonProperties
from surveys.models import Customer, Invitation
from tests.surveys.factories import CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_person_create_goes_through_the_contact_policy_and_invites_like_an_event(dl, nps_at_touchpoint):
    # given a touchpoint asking by email at once
    # when a script creates people as it did at each touchpoint
    ann = dl.Person.create(email="Ann@Example.com", name="Ann", properties={"locale": "zh-TW", "tier": "gold"})
    later = dl.Person.create(email="bob@example.com", delay=3600)
    quiet = dl.Person.create(email="cy@example.com", name="Cy", send=False)
    again = dl.Person.create(email="ann@example.com", properties={"seats": 12})

    # then Ann is invited and emailed now, in her language, her properties kept (her address as last given)
    customer = Customer.objects.get(pk=ann.id)
    assert (customer.external_id, customer.email, customer.name, customer.locale) == (
        "ann@example.com",
        "ann@example.com",
        "Ann",
        "zh-hant",
    )
    assert ann["contact_policy"] == "invited"
    assert ann["survey_scheduled_at"] is not None
    assert [message.to for message in mail.outbox] == [["Ann@Example.com"]]
    assert PersonProperties.objects.get(customer=customer).properties == {"tier": "gold", "seats": 12}
    # Bob's invitation waits for his delay; Cy is added without one; Ann is not asked twice (cooldown)
    bob_invitation = Invitation.objects.get(customer_id=later.id)
    assert bob_invitation.status == Invitation.Status.SCHEDULED
    assert abs((bob_invitation.send_at - timezone.now()) - timedelta(hours=1)) < timedelta(minutes=1)
    assert later["survey_scheduled_at"] == int(bob_invitation.send_at.timestamp())
    assert quiet["contact_policy"] is None
    assert not Invitation.objects.filter(customer_id=quiet.id).exists()
    assert (again.id, again["contact_policy"]) == (ann.id, "cooldown")
    assert Invitation.objects.filter(customer_id=ann.id).count() == 1

    # when Bob's pending survey request is deleted, it is not sent
    assert dl.SurveyRequest.delete_pending(person_email="bob@example.com")["ok"] is True
    bob_invitation.refresh_from_db()
    assert bob_invitation.status == Invitation.Status.EXPIRED

    # the list follows its Link header page by page; all() is the first page
    listed = list(dl.Person.list(per_page=2).auto_paging_iter())
    assert [person.id for person in listed] == [ann.id, later.id, quiet.id]
    assert listed[0].properties == {"tier": "gold", "seats": 12}
    assert listed[0].last_sent_at is not None
    assert listed[1].next_survey_scheduled_at is None
    assert [person.email for person in dl.Person.all(email="CY@example.com")] == ["cy@example.com"]

    # deleting by email and by id forgets them; an unknown one is a 404
    assert dl.Person.delete(email="cy@example.com") == {"ok": True}
    assert dl.Person.delete(id=ann.id) == {"ok": True}
    assert list(Customer.objects.values_list("email", flat=True)) == ["bob@example.com"]
    assert not PersonProperties.objects.exists()
    with pytest.raises(dl.errors.GeneralAPIError) as missing:
        dl.Person.delete(email="cy@example.com")
    assert missing.value.response.status_code == 404


def test_unsubscribes_stop_invitations_and_are_listed_with_bounces(dl, nps_at_touchpoint):
    # given a known customer and one whose email bounced
    known = CustomerFactory(email="dee@example.com")
    bounced = CustomerFactory(email="eve@example.com", email_bounced_at=timezone.now() - timedelta(days=1))

    # when a known and an unknown address unsubscribe
    assert dl.Unsubscribe.create(person_email="dee@example.com") == {"ok": True}
    dl.Unsubscribe.create(person_email="new@example.com")

    # then neither is invited any more
    assert dl.Person.create(email="new@example.com")["contact_policy"] == "unsubscribed"
    assert dl.Person.create(email="dee@example.com")["contact_policy"] == "unsubscribed"
    assert not Invitation.objects.exists()
    unsubscribed = dl.Unsubscribe.all()
    assert next((u.person_id, u.email) for u in unsubscribed) == (str(known.id), "dee@example.com")
    assert {u.email for u in unsubscribed} == {"dee@example.com", "new@example.com"}
    assert all(isinstance(u.unsubscribed_at, int) for u in unsubscribed)
    assert dl.Unsubscribe.all(per_page=1, page=2)[0].email == "new@example.com"
    assert [(b.person_id, b.bounced_at) for b in dl.Bounce.all()] == [
        (str(bounced.id), int(bounced.email_bounced_at.timestamp()))
    ]
    assert dl.Bounce.all(since=timezone.now()) == []
