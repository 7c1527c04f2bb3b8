"""Abstract models the apps share; the kernel has no tables of its own."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerSnapshotModel(models.Model):
    """The customer snapshot's columns (common.snapshot): copied from the customer when the answer came."""

    customer_id = models.BigIntegerField(_("customer id"), null=True, blank=True)
    customer_external_id = models.CharField(_("customer"), max_length=128, blank=True)
    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    customer_email = models.EmailField(_("customer email"), blank=True)
    customer_value = models.DecimalField(_("customer value"), max_digits=14, decimal_places=2, null=True, blank=True)
    customer_plan = models.CharField(_("plan"), max_length=100, blank=True)
    customer_account = models.CharField(_("account"), max_length=200, blank=True)

    class Meta:
        abstract = True
