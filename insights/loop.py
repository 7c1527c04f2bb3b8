"""The loop's figures for a set of score filters: how fast cases closed, and how many invitations were answered."""

from datetime import date

from closedloop import selectors as closedloop_selectors
from insights.filters import ScoreFilters, touchpoint_keys, with_surveys
from insights.periods import day_after, day_start
from surveys.selectors import ResponseRate, invitation_response_rates


def loop_kpis(*, filters: ScoreFilters, since: date, until: date) -> closedloop_selectors.LoopKpis:
    """How fast the loop closed for the cases of these surveys and touchpoints, over the days since..until."""
    keys = touchpoint_keys(filters)
    return closedloop_selectors.loop_kpis(
        since=day_start(since),
        until=day_after(until),
        survey_ids=with_surveys(filters).survey_ids or (0,),  # no survey of the kind: no case
        touchpoint_keys=keys,
        plans=filters.plans,
        accounts=filters.accounts,
        locales=filters.locales,
    )


def response_rates(*, filters: ScoreFilters, since: date, until: date) -> list[ResponseRate]:
    """Invitations sent, opened and answered by survey, touchpoint and channel, made over since..until."""
    return invitation_response_rates(
        since=day_start(since),
        before=day_after(until),
        survey_ids=with_surveys(filters).survey_ids or (0,),  # no survey of the kind: no invitation
        touchpoint_ids=filters.touchpoint_ids,
        plans=filters.plans,
        accounts=filters.accounts,
        locales=filters.locales,
    )
