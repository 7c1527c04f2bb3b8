"""The scorecards CX leads edit (measures inline, refusals on the field), and the daily snapshots, read-only."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import Scorecard, ScorecardMeasure


class ScorecardForm(forms.ModelForm):
    class Meta:
        model = Scorecard
        fields = ("name", "kind", "stage", "red_below", "green_from")
        help_texts = {
            "red_below": _("A score below this is red."),
            "green_from": _("A score from this up is green; between the two is yellow."),
            "stage": _("Blank: the default, for every stage without a scorecard of its own."),
        }

    def clean(self):
        cleaned_data = super().clean()
        red_below, green_from = cleaned_data.get("red_below"), cleaned_data.get("green_from")
        if green_from is not None and green_from > 100:
            self.add_error("green_from", _("A score is at most 100."))
        elif red_below is not None and green_from is not None and red_below > green_from:
            self.add_error("green_from", _("Green must start at or above where red ends (red below)."))
        return cleaned_data


class ScorecardMeasureForm(forms.ModelForm):
    class Meta:
        model = ScorecardMeasure
        fields = ("position", "key", "window", "per_key", "scale", "bad", "good", "weight")

    def clean(self):
        cleaned_data = super().clean()
        window, per_key = cleaned_data.get("window"), cleaned_data.get("per_key")
        if window == ScorecardMeasure.Window.SHARE and not per_key:
            self.add_error("per_key", _("A share needs the signal it is taken over (for example seats)."))
        elif window and window != ScorecardMeasure.Window.SHARE and per_key:
            self.add_error("per_key", _("Only a share is taken over another signal: leave this blank."))
        bad, good = cleaned_data.get("bad"), cleaned_data.get("good")
        if bad is not None and good is not None and bad == good:
            self.add_error("good", _("Good and bad must differ: the score moves between them."))
        if cleaned_data.get("weight") == 0:
            self.add_error("weight", _("A weight is more than 0; delete the measure to leave it out."))
        return cleaned_data


class ScorecardMeasureInline(admin.TabularInline):
    """A scorecard's measures: each a signal in a window, its scale from bad to good, and its weight."""

    model = ScorecardMeasure
    form = ScorecardMeasureForm
    extra = 1


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    form = ScorecardForm
    inlines = [ScorecardMeasureInline]
    list_display = ("name", "kind", "stage", "red_below", "green_from", "updated_at")
    list_filter = ("kind", "stage")


# The daily snapshots' admin is the portfolio's (portfolio/admin.py): it shows their explanations as the console does.
