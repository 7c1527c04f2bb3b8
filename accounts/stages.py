"""An account's lifecycle stage when none is set, from its contract start and renewal date. Pure.

The days come from settings.CX_STAGE_DAYS (docs/configuration.md). First match wins:
renewal (the renewal date is at most `renewal` days away, or passed without a new one), onboarding
(the first `onboarding` days of the contract), expansion (from `expansion` days into the contract),
else adoption. An account without dates is in adoption.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

ONBOARDING, ADOPTION, EXPANSION, RENEWAL = "onboarding", "adoption", "expansion", "renewal"


@dataclass(frozen=True, slots=True)
class StageDays:
    onboarding: int = 90
    renewal: int = 90
    expansion: int = 365

    def __post_init__(self) -> None:
        if min(self.onboarding, self.renewal, self.expansion) < 0:
            raise ValueError("stage days cannot be negative")


def parse_stage_days(text: str) -> StageDays:
    """Read "onboarding=90,renewal=90,expansion=365" (any subset, any order); raise ValueError saying what is wrong."""
    days: dict[str, int] = {}
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            continue
        name, sep, number = (piece.strip() for piece in part.partition("="))
        if not sep or name not in StageDays.__dataclass_fields__:
            raise ValueError(f"{part!r}: write stage=days, the stage one of onboarding, renewal, expansion")
        if not number.isdigit():
            raise ValueError(f"{part!r}: the days must be a whole number, 0 or more")
        days[name] = int(number)
    return StageDays(**days)


def stage_on(today: date, *, contract_start: date | None, renewal_date: date | None, days: StageDays) -> str:
    """The lifecycle stage an account is in on `today`."""
    if renewal_date is not None and (renewal_date - today).days <= days.renewal:
        return RENEWAL
    if contract_start is None:
        return ADOPTION
    into = (today - contract_start).days
    if into < days.onboarding:
        return ONBOARDING
    return EXPANSION if into >= days.expansion else ADOPTION
