"""What a CX lead submits in the webhooks console: an endpoint, a range of events to replay."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from webhooks import catalogue
from webhooks.models import Endpoint
from webhooks.services.endpoints import endpoint_problems

PIPL_NOTE = Endpoint._meta.get_field("personal_fields").help_text  # with the PIPL Art. 23 consent note


class EndpointForm(forms.ModelForm):
    """An endpoint's URL, events and personal fields, checked as the service checks them (each refusal on its field)."""

    url = forms.URLField(label=_("URL"), max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"),
        choices=catalogue.EVENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The event types this endpoint receives."),
    )
    personal_fields = forms.MultipleChoiceField(
        label=_("personal fields"),
        choices=catalogue.PERSONAL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=PIPL_NOTE,
    )

    class Meta:
        model = Endpoint
        fields = ("url", "description", "events", "personal_fields", "active", "owner")

    def clean(self):
        cleaned = super().clean()
        problems = endpoint_problems(
            url=cleaned.get("url") if "url" in self.changed_data or not self.instance.pk else None,
            events=cleaned.get("events") if "events" in cleaned else None,
            personal_fields=cleaned.get("personal_fields", []),
        )
        for field, messages in problems.items():
            if field not in self.errors:
                self.add_error(field, messages)
        return cleaned

    def service_values(self) -> dict:
        """The fields as the services take them: every field on a new endpoint, only the changed ones otherwise."""
        names = self.Meta.fields if not self.instance.pk else [n for n in self.Meta.fields if n in self.changed_data]
        return {name: self.cleaned_data[name] for name in names}


class ReplayForm(forms.Form):
    """A range of events to send an endpoint again: occurred since, until, and of which of its types."""

    since = forms.DateTimeField(
        label=_("since"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Events that occurred at or after this time (the console's time zone)."),
    )
    until = forms.DateTimeField(
        label=_("until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Events that occurred before this time; empty: up to now."),
    )
    types = forms.MultipleChoiceField(
        label=_("event types"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Only these of the types it subscribes to; none ticked: all of them."),
    )

    def __init__(self, *args, subscribed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["types"].choices = [
            (value, label) for value, label in catalogue.EVENT_CHOICES if value in subscribed
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since >= until:
            raise ValidationError({"until": _("Must be after since.")})
        return cleaned
