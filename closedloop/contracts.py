"""What other apps hand to the closed loop: small frozen values, never models."""

from dataclasses import dataclass
from datetime import datetime

from common.snapshot import CustomerSnapshot


@dataclass(frozen=True, slots=True, kw_only=True)
class AnalysedFeedback(CustomerSnapshot):
    """An answer once its comment (if any) was analysed, with the snapshot of its source, as the closed loop reads it.

    `polarity` and `label` are None and blank for an answer without a comment. `confidence` is the
    analysis' probability of `label` (None for items analysed before it was stored); 1.0 when the
    label is staff's correction.
    `detractor_recently`: the same customer gave a detractor answer in the 90 days before this one.
    """

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
    consent_to_contact: bool
    locale: str
    language: str
    polarity: float | None
    label: str
    keywords: tuple[str, ...]
    detractor_recently: bool = False
    confidence: float | None = None
