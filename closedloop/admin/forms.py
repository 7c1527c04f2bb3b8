"""What staff submit: a change to a case, the action bar, an assignment."""

from django import forms
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from closedloop import services
from closedloop.models import (
    Case,
    RootCause,
)

User = get_user_model()


def active_staff():
    return User.objects.filter(is_active=True, is_staff=True).order_by(User.USERNAME_FIELD)


# --- Forms ---------------------------------------------------------------------------------------


class CaseForm(forms.ModelForm):
    """What staff may change on a case; the service judges the change, and its refusal lands on the field."""

    note = forms.CharField(label=_("add a note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    notify_customer = forms.BooleanField(
        label=_("notify the customer"),
        required=False,
        help_text=_("Email the resolution note in the customer's language (a resolved case only)."),
    )
    resurvey_in_days = forms.IntegerField(
        label=_("re-survey in N days"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("Ask the same survey again after the case is resolved."),
    )

    refused: services.CaseChangeRefused | None = None  # set by CaseAdmin when the service refused this post

    class Meta:
        model = Case
        fields = ("owner", "status", "priority", "root_cause", "resolution")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A field counts as changed against what the page showed, not against the case as it is when the post
        # arrives: otherwise saving a note would undo an owner or status a colleague set in the meantime.
        for name in self._meta.fields:
            if name in self.fields:
                self.fields[name].show_hidden_initial = True
        # Active staff and active causes, and whatever the case has now (so that an unchanged form stays valid).
        if "owner" in self.fields:
            self.fields["owner"].queryset = User.objects.filter(
                Q(is_active=True, is_staff=True) | Q(pk=self.instance.owner_id)
            ).order_by(User.USERNAME_FIELD)
        if "root_cause" in self.fields:
            self.fields["root_cause"].queryset = RootCause.objects.filter(
                Q(active=True) | Q(pk=self.instance.root_cause_id)
            )

    def clean(self):
        cleaned_data = super().clean()
        if self.refused is not None:
            for field, errors in self.refused.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned_data

    def case_change(self) -> services.CaseChange:
        """The change asked for: the model fields that changed, the rest left as they are."""
        changed = set(self.changed_data)
        data = self.cleaned_data

        def value(name, attr=None):
            if name not in changed:
                return services.UNSET
            return getattr(data[name], attr) if attr and data[name] is not None else data[name]

        return services.CaseChange(
            owner_id=value("owner", "pk"),
            status=value("status"),
            priority=value("priority"),
            root_cause_id=value("root_cause", "pk"),
            resolution=value("resolution"),
            note=data.get("note", ""),
            notify_customer=data.get("notify_customer", False),
            resurvey_in_days=data.get("resurvey_in_days"),
        )


class CaseActionForm(helpers.ActionForm):
    """The action bar, with what "Resolve" needs."""

    root_cause = forms.ModelChoiceField(
        label=_("Root cause"), queryset=RootCause.objects.filter(active=True), required=False
    )
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=forms.TextInput(attrs={"size": 30}))


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("owner"), queryset=active_staff())
