"""The query strings of the insights endpoints (and of the dashboard's filter form): which answers, which days."""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from common.api.filters import QuerySerializer
from insights.filters import DIMENSIONS, ScoreFilters, survey_kinds, touchpoint_ids_for
from insights.periods import INTERVALS, MAX_BUCKETS, bucket_starts, period_align
from surveys.scoring import SurveyKind

# Without `since`: the 90 days up to `until` (today by default), compared with the 90 days before.
DEFAULT_DAYS = 90
DEFAULT_INTERVAL = "week"


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9000, 12, 31)


def within_calendar(day: date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise serializers.ValidationError(f"Must be a day from {FIRST_DAY} to {LAST_DAY}.")


def touchpoints_known(attrs: dict) -> tuple[tuple[str, ...], dict[str, int]]:
    """The touchpoint keys asked for, each once in order, and their ids; a 400 naming any unknown key."""
    keys = tuple(dict.fromkeys(attrs.get("touchpoint", ())))
    ids = touchpoint_ids_for(keys)
    missing = [key for key in keys if key not in ids]
    if missing:
        raise serializers.ValidationError({"touchpoint": [f"Unknown touchpoint: {', '.join(missing)}."]})
    return keys, ids


def period_asked(attrs: dict) -> tuple[date, date]:
    """`since` and `until`, by default the DEFAULT_DAYS up to today; a 400 when until is before since."""
    until = attrs.get("until") or timezone.localdate()
    since = attrs.get("since") or max(FIRST_DAY, until - timedelta(days=DEFAULT_DAYS - 1))
    if since > until:
        raise serializers.ValidationError({"until": ["until must not be before since."]})
    return since, until


class ScoreQuerySerializer(QuerySerializer):
    """Which answers count, and over which days (both included, in the server's TIME_ZONE)."""

    survey = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        help_text="Survey ids; repeat for several.",
    )
    kind = serializers.ChoiceField(
        choices=[k.value for k in SurveyKind], required=False, help_text="Every survey of this kind (default nps)."
    )
    touchpoint = serializers.ListField(child=serializers.SlugField(max_length=64), required=False)
    plan = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    account = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    language = serializers.ListField(
        child=serializers.ChoiceField(choices=[c for c, _ in settings.LANGUAGES]), required=False
    )
    since = serializers.DateField(
        required=False, validators=[within_calendar], help_text="First day counted (default: 89 days before until)."
    )
    until = serializers.DateField(required=False, validators=[within_calendar], help_text="Last day (default: today).")

    def validate(self, attrs):
        survey_ids = tuple(dict.fromkeys(attrs.get("survey", ())))
        kinds = survey_kinds(survey_ids)
        unknown = [str(i) for i in survey_ids if i not in kinds]
        if unknown:
            raise serializers.ValidationError({"survey": [f"Unknown survey: {', '.join(unknown)}."]})
        found = set(kinds.values())
        if len(found) > 1:
            raise serializers.ValidationError({"survey": ["Surveys of different kinds cannot be scored together."]})
        kind = attrs.get("kind") or (found.pop() if found else SurveyKind.NPS.value)
        if kinds and kind not in kinds.values():
            raise serializers.ValidationError({"kind": [f"The surveys chosen are not {kind} surveys."]})
        keys, ids = touchpoints_known(attrs)
        since, until = period_asked(attrs)
        filters = ScoreFilters(
            kind=kind,
            survey_ids=survey_ids,
            touchpoint_ids=tuple(ids[key] for key in keys),
            plans=tuple(attrs.get("plan", ())),
            accounts=tuple(attrs.get("account", ())),
            locales=tuple(attrs.get("language", ())),
        )
        return {
            "filters": filters,
            "since": since,
            "until": until,
            **{k: attrs[k] for k in ("interval", "group_by", "by") if k in attrs},
        }


class SeriesQuerySerializer(ScoreQuerySerializer):
    interval = serializers.ChoiceField(
        choices=INTERVALS,
        default=DEFAULT_INTERVAL,
        help_text="Weeks start on Monday, the first on `since`; months widen the period to whole months.",
    )
    group_by = serializers.ChoiceField(choices=DIMENSIONS, required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        since, until = period_align(interval=attrs["interval"], since=attrs["since"], until=attrs["until"])
        if len(bucket_starts(interval=attrs["interval"], since=since, until=until)) > MAX_BUCKETS:
            raise serializers.ValidationError(
                {"since": [f"At most {MAX_BUCKETS} buckets at once; choose a longer interval or a shorter period."]}
            )
        return attrs


class BreakdownQuerySerializer(ScoreQuerySerializer):
    by = serializers.ChoiceField(choices=DIMENSIONS, default="touchpoint")


class DriverQuerySerializer(ScoreQuerySerializer):
    comment_language = serializers.ListField(
        child=serializers.ChoiceField(choices=["zh", "en", "mixed"]),
        required=False,
        help_text="The comments' language as analysed.",
    )
    min_mentions = serializers.IntegerField(min_value=1, max_value=10_000, default=3)

    def validate(self, attrs):
        validated = super().validate(attrs)
        validated["comment_languages"] = tuple(attrs.get("comment_language", ()))
        validated["min_mentions"] = attrs["min_mentions"]
        return validated
