"""Customers edited or removed by staff, and what follows for the closed loop."""

from collections.abc import Sequence

from django.db import transaction

from closedloop import services as closedloop_services
from surveys.models import Customer, Erasure
from surveys.services.privacy import customer_forget


@transaction.atomic
def customer_save(*, customer: Customer, consent_was: bool, unsubscribed_was: bool, actor=None) -> Customer:
    """Save a customer a member of staff edited; withdrawing consent or unsubscribing opts their advocate out.

    `consent_was` / `unsubscribed_was`: the customer's consent and unsubscription before the edit.
    """
    customer.save()
    withdrawn = consent_was and not customer.consent_to_contact
    unsubscribed = not unsubscribed_was and customer.unsubscribed_at is not None
    if withdrawn or unsubscribed:
        closedloop_services.advocates_opt_out(customer_ids=[customer.pk], actor=actor)
    return customer


@transaction.atomic
def customers_delete(*, customer_ids: Sequence[int], actor=None) -> int:
    """Delete customers as staff do in the admin: each is forgotten everywhere (see customer_forget).

    Their answers stay for the figures, anonymized; their advocates are opted out for good.
    Returns how many customers were deleted.
    """
    external_ids = list(Customer.objects.filter(pk__in=list(customer_ids)).values_list("external_id", flat=True))
    for external_id in external_ids:
        customer_forget(external_id=external_id, via=Erasure.Via.ADMIN, actor=actor)
    return len(external_ids)
