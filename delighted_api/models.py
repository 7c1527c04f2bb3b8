"""What Delighted kept of a person and cxplatform's customer has no field for."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonProperties(models.Model):
    """The custom properties a Delighted client gave a person (all but `locale`, which is the customer's language).

    Deleted with the customer, so forgetting a customer forgets them too.
    """

    customer = models.OneToOneField(
        "surveys.Customer",
        on_delete=models.CASCADE,
        related_name="delighted_properties",
        verbose_name=_("customer"),
    )
    properties = models.JSONField(_("properties"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("person's properties")
        verbose_name_plural = _("people's properties")

    def __str__(self) -> str:
        return str(self.customer)
