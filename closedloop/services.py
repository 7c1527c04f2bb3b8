"""The closed loop's entry points, called by the feedback app."""

from collections.abc import Sequence

from closedloop.contracts import AnalysedFeedback


def feedback_analysed(*, items: Sequence[AnalysedFeedback]) -> None:
    """Take comments that were just analysed, in the caller's transaction.

    The hook is deliberately empty until follow-up cases exist: feedback calls it for every
    analysed item (exactly once per analysis), so the closed loop will see every comment
    without changes on the feedback side.
    """
    del items
