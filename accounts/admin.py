"""The scorecards CX leads edit (measures inline, refusals on the field), and the weights the back-test suggests."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.backtest_report import default_since
from accounts.backtest_selectors import scorecard_suggestion
from accounts.models import Scorecard, ScorecardMeasure
from accounts.scoring import SHARE
from accounts.services.scorecards import scorecard_weights_accept


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

    def get_urls(self):
        suggestion = self.admin_site.admin_view(self.suggestion_view)
        return [
            path("<int:pk>/suggestion/", suggestion, name="accounts_scorecard_suggestion"),
            *super().get_urls(),
        ]

    def suggestion_view(self, request, pk: int):
        """Weights fitted to the recorded churn beside the current ones; a CX lead accepts them, or not."""
        scorecard = get_object_or_404(Scorecard, pk=pk, kind=Scorecard.Kind.HEALTH)  # churn tests health only
        if not self.has_change_permission(request, scorecard):
            raise PermissionDenied
        if request.method != "POST":
            return self._suggestion_page(request, scorecard)
        weights, problem = _posted_weights(request.POST)
        if not problem:
            try:
                changed = scorecard_weights_accept(scorecard, weights)
            except ValidationError as error:
                problem = " ".join(error.messages)
        if problem:
            return self._suggestion_page(request, scorecard, problem=problem)
        self.log_change(request, scorecard, [{"changed": {"fields": ["weight"]}}])
        done = ngettext(
            "%(count)d weight changed; the next health refresh scores with it.",
            "%(count)d weights changed; the next health refresh scores with them.",
            changed,
        )
        self.message_user(request, done % {"count": changed}, messages.SUCCESS)
        return redirect(reverse("admin:accounts_scorecard_change", args=[scorecard.pk]))

    def _suggestion_page(self, request, scorecard: Scorecard, *, problem: str = ""):
        until = timezone.localdate()
        since = default_since(until)
        suggestion = scorecard_suggestion(scorecard, since=since, until=until)
        measures = {(m.key, m.window, m.per_key if m.window == SHARE else ""): m for m in scorecard.measures.all()}
        context = {
            **self.admin_site.each_context(request),
            "title": _("Suggested weights: %(name)s") % {"name": scorecard.name},
            "opts": self.opts,
            "original": scorecard,
            "suggestion": suggestion,
            "rows": [(measures[w.source], w.current, w.suggested) for w in suggestion.weights],
            "since": since,
            "until": until,
            "problem": problem,
        }
        template = "admin/accounts/scorecard/suggestion.html"
        return TemplateResponse(request, template, context, status=400 if problem else 200)


def _posted_weights(data) -> tuple[dict[int, int], str]:
    """The weights a form sent ("weight-<measure id>": whole number), or what is wrong with them."""
    weights = {}
    for name, value in data.items():
        if not name.startswith("weight-"):
            continue
        measure = name.removeprefix("weight-")
        if not (measure.isascii() and measure.isdigit() and value.isascii() and value.isdigit()):
            return {}, str(_("The weights sent are not whole numbers."))
        weights[int(measure)] = int(value)
    return weights, "" if weights else str(_("No weights were sent."))


# The daily snapshots' admin is the portfolio's (portfolio/admin.py): it shows their explanations as the console does.
