"""The admin's CSM filter, one class for every list that reaches an account's CSM: mine, nobody's, or one person's."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portfolio import selectors


class CsmFilter(admin.SimpleListFilter):
    """Filter a list by its account's CSM; `csm_path` is the CSM's lookup from the listed model."""

    title = _("CSM")
    parameter_name = "csm"
    csm_path = "csm"  # on an account; "account__csm" on what belongs to one

    def lookups(self, request, model_admin):
        people = [(str(user.pk), user.get_full_name() or user.username) for user in selectors.account_csms()]
        return (("mine", _("Mine")), ("nobody", _("No CSM")), *people)

    def queryset(self, request, queryset):
        value = self.value()
        if value == "mine":
            return queryset.filter(**{self.csm_path: request.user})
        if value == "nobody":
            return queryset.filter(**{f"{self.csm_path}__isnull": True})
        if value and value.isascii() and value.isdigit():
            return queryset.filter(**{f"{self.csm_path}_id": int(value)})
        return queryset


class AccountCsmFilter(CsmFilter):
    """The CSM of the account a row belongs to (a churn record's)."""

    csm_path = "account__csm"
