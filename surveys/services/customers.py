"""Customers edited or removed by staff, and what follows for the closed loop."""

from collections.abc import Sequence

from django.db import transaction

from closedloop import services as closedloop_services
from surveys.models import Customer


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
    """Delete customers; their advocates are opted out and emptied of personal data, never exported again.

    Their answers stay, without the customer (the answer's customer is set to NULL); their
    feedback and case snapshots are not yet anonymized. Returns how many customers were deleted.
    """
    customers = Customer.objects.filter(pk__in=list(customer_ids))
    ids = list(customers.values_list("pk", flat=True))
    closedloop_services.advocates_forget_customers(customer_ids=ids, actor=actor)
    customers.delete()
    return len(ids)
