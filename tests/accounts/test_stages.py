"""accounts/stages.py: the lifecycle stage from the contract dates, and CX_STAGE_DAYS."""

from datetime import date, timedelta

import pytest

from accounts.stages import StageDays, parse_stage_days, stage_on

TODAY = date(2026, 6, 1)
DAYS = StageDays(onboarding=90, renewal=90, expansion=365)


def _stage(start_days_ago=None, renewal_in=None):
    return stage_on(
        TODAY,
        contract_start=None if start_days_ago is None else TODAY - timedelta(days=start_days_ago),
        renewal_date=None if renewal_in is None else TODAY + timedelta(days=renewal_in),
        days=DAYS,
    )


@pytest.mark.parametrize(
    ("start_days_ago", "renewal_in", "stage"),
    [
        (None, None, "adoption"),
        (0, 365, "onboarding"),
        (89, 276, "onboarding"),
        (90, 275, "adoption"),
        (364, None, "adoption"),
        (365, None, "expansion"),
        (400, 91, "expansion"),
        (400, 90, "renewal"),
        (10, 30, "renewal"),  # a short contract: its renewal comes first
        (500, -5, "renewal"),  # passed without a new renewal date
        (None, 200, "adoption"),
    ],
)
def test_the_stage_follows_the_contract(start_days_ago, renewal_in, stage):
    assert _stage(start_days_ago, renewal_in) == stage


def test_stage_days_are_read_from_the_setting_text():
    assert parse_stage_days("") == StageDays()
    assert parse_stage_days(" renewal = 60 , onboarding=30") == StageDays(onboarding=30, renewal=60, expansion=365)


@pytest.mark.parametrize("text", ["onboarding", "trial=30", "renewal=-1", "renewal=soon"])
def test_stage_days_say_what_is_wrong(text):
    with pytest.raises(ValueError, match=r"renewal|stage"):
        parse_stage_days(text)
