"""The default scorecards: health for every stage, health for onboarding, temperature (docs/health.md says why)."""

from django.db import migrations

# (key, window, per_key, scale, bad, good, weight)
HEALTH = [
    ("active_users", "trend_30", "", "linear", -30, 0, 10),  # usage trend: a 30% fall earns nothing
    ("features_used", "mean_30", "", "linear", 1, 5, 10),  # breadth: features used a day
    ("logins", "trend_30", "", "linear", -30, 0, 5),  # logins trend
    ("payment_overdue_days", "latest", "", "thresholds", 30, 0, 10),  # payment delays
    ("mrr", "trend_30", "", "thresholds", -10, 0, 5),  # downgrade
    ("tickets_opened", "trend_30", "", "linear", -60, -20, 5),  # ticket silence: a steep drop is bad
    ("nps", "latest", "", "linear", -50, 30, 20),
    ("negative_comment_share", "latest", "", "linear", 0.5, 0.1, 15),
    ("open_cases", "latest", "", "linear", 5, 0, 5),
    ("overdue_cases", "latest", "", "thresholds", 1, 0, 15),
]
ONBOARDING = [
    ("features_used", "mean_30", "", "linear", 1, 5, 30),  # breadth counts most while onboarding
    ("active_users", "share", "seats", "linear", 0.2, 0.6, 20),  # seats taken up
    ("logins", "trend_30", "", "linear", -30, 0, 10),
    ("nps", "latest", "", "linear", -50, 30, 15),
    ("negative_comment_share", "latest", "", "linear", 0.5, 0.1, 10),
    ("open_cases", "latest", "", "linear", 5, 0, 5),
    ("overdue_cases", "latest", "", "thresholds", 1, 0, 10),
]
TEMPERATURE = [
    ("active_users", "share", "seats", "linear", 0.5, 0.9, 35),  # seat utilisation: seats filling up
    ("active_users", "trend_30", "", "linear", 0, 20, 25),  # usage growth
    ("features_used", "mean_30", "", "linear", 2, 8, 20),  # breadth, paid features included
    ("promoters", "latest", "", "linear", 0, 3, 20),  # promoters in the last 90 days
]
# Usage and billing make 45 points of health, the experience 55: an account whose people are unhappy is red
# however much it uses the product (below 50), which is the case the product exists for.
RED_BELOW, GREEN_FROM = 50, 75

CARDS = [
    ("health", "", "Health", HEALTH),
    ("health", "onboarding", "Health while onboarding", ONBOARDING),
    ("temperature", "", "Temperature", TEMPERATURE),
]


def _create(apps, schema_editor):
    Scorecard = apps.get_model("accounts", "Scorecard")
    ScorecardMeasure = apps.get_model("accounts", "ScorecardMeasure")
    for kind, stage, name, measures in CARDS:
        card, created = Scorecard.objects.get_or_create(
            kind=kind, stage=stage, defaults={"name": name, "red_below": RED_BELOW, "green_from": GREEN_FROM}
        )
        if not created:
            continue
        ScorecardMeasure.objects.bulk_create(
            ScorecardMeasure(
                scorecard=card,
                key=key,
                window=window,
                per_key=per_key,
                scale=scale,
                bad=bad,
                good=good,
                weight=weight,
                position=position,
            )
            for position, (key, window, per_key, scale, bad, good, weight) in enumerate(measures)
        )


def _delete(apps, schema_editor):
    Scorecard = apps.get_model("accounts", "Scorecard")
    for kind, stage, _name, _measures in CARDS:
        Scorecard.objects.filter(kind=kind, stage=stage).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(_create, _delete)]
