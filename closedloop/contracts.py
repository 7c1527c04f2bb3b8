"""What other apps hand to the closed loop: small frozen values, never models."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AnalysedFeedback:
    """A comment once analysed, with the snapshot of its source, as the closed loop's rules read it."""

    feedback_id: int
    source: str
    source_id: int
    text: str
    given_at: datetime
    survey_id: int | None
    survey_kind: str
    score: int | None
    classification: str
    touchpoint_id: int | None
    touchpoint_key: str
    customer_id: int | None
    customer_external_id: str
    locale: str
    language: str
    polarity: float
    label: str
    keywords: tuple[str, ...]
