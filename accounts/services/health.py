"""Compute every account's health and temperature as of a day, store them with the day's snapshot, report bands changed.

The window values come from one grouped statement (accounts.sql_health), the scores from the pure
accounts.scoring, the scorecard from the account's lifecycle stage (its own, else derived from its
contract: accounts.stages) with the blank-stage scorecard as the default. The writes are bulk: one
UPDATE of the accounts and one upsert of the snapshots per batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import sql_health, sql_scores, webhook_payloads
from accounts.health_selectors import Cards, scorecard_for, scorecards
from accounts.models import Account, Scorecard
from accounts.scoring import Result, Source, score
from accounts.stages import StageDays, stage_on
from webhooks import catalogue
from webhooks.services.events import events_record

_BATCH = 1000
_NO_CARD = Result(None, "", [])


@dataclass(frozen=True, slots=True)
class BandChange:
    """An account whose health band changed in this computation ("" : no band, before or now)."""

    account_id: int
    old_band: str
    new_band: str


def _sources(cards: Cards) -> set[Source]:
    return {source for card in cards.values() for source in card.sources}


def _compute(cards: Cards, stage: str, values: dict[Source, float | None]) -> tuple[Result, Result]:
    results = []
    for kind in (Scorecard.Kind.HEALTH, Scorecard.Kind.TEMPERATURE):
        card = scorecard_for(cards, kind, stage)
        results.append(score(card, values) if card is not None else _NO_CARD)
    return results[0], results[1]


@transaction.atomic
def health_compute(as_of: date, account_ids: list[int] | None = None, *, events: bool = True) -> list[BandChange]:
    """Recompute health and temperature as of `as_of` for the accounts (None: every account).

    Writes Account.health_* / temperature* / health_computed_at and the day's HealthSnapshot (replaced
    when it exists: running twice on a day gives the same rows). Returns the accounts whose health band
    changed, with the old and the new band, for the caller to act on; with `events`, each change is
    also an account.health_changed webhook event, written in this transaction (not when rebuilding
    past days, whose bands are history, not news).
    """
    cards = scorecards()
    days = StageDays(**settings.CX_STAGE_DAYS)
    accounts = Account.objects.order_by("id")
    if account_ids is not None:
        accounts = accounts.filter(id__in=account_ids)
    rows = list(accounts.values_list("id", "stage", "contract_start", "renewal_date", "health_band"))
    values = sql_health.window_values(as_of, _sources(cards), None if account_ids is None else [r[0] for r in rows])
    changes = []
    details: dict[int, tuple[Result, str]] = {}
    now = timezone.now()
    # Batch by batch: on PostgreSQL a batch's write runs on the server while the next batch is scored.
    with sql_scores.scores_writer(as_of=as_of, now=now) as store:
        for start in range(0, len(rows), _BATCH):
            batch = []
            for account_id, stage, contract_start, renewal_date, old_band in rows[start : start + _BATCH]:
                stage = stage or stage_on(as_of, contract_start=contract_start, renewal_date=renewal_date, days=days)
                health, temperature = _compute(cards, stage, values.get(account_id, {}))
                batch.append((account_id, *_columns(health), *_columns(temperature)))
                if health.band != old_band:
                    changes.append(BandChange(account_id, old_band, health.band))
                    details[account_id] = (health, stage)
            store(batch)
    if events:
        _band_changes_record(changes, details, as_of=as_of)
    return changes


def _band_changes_record(changes: list[BandChange], details: dict[int, tuple[Result, str]], *, as_of: date) -> None:
    """Write account.health_changed for each band change, in one INSERT, in health_compute's transaction."""
    if not changes:
        return
    accounts = Account.objects.filter(pk__in=[change.account_id for change in changes])
    names = {pk: (external_id, name) for pk, external_id, name in accounts.values_list("pk", "external_id", "name")}
    events = []
    for change in changes:
        (external_id, name), (health, stage) = names[change.account_id], details[change.account_id]
        data = webhook_payloads.health_changed_data(
            external_id=external_id,
            name=name,
            band_before=change.old_band,
            band=change.new_band,
            score=health.score,
            stage=stage,
            measures=health.measures,
            as_of=as_of,
        )
        events.append((catalogue.ACCOUNT_HEALTH_CHANGED, data, change.account_id))
    events_record(events)


def _columns(result: Result) -> tuple:
    return (result.score, result.band, result.measures)
