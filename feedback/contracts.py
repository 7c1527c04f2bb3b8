"""What other apps hand to feedback: small frozen values, never models."""

from dataclasses import dataclass
from datetime import datetime

from common.snapshot import CustomerSnapshot


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedbackSource(CustomerSnapshot):
    """An answer as its source gives it (its comment may be blank), with the context later steps need, as it was then.

    Every answer is handed over, with or without a comment: the closed loop acts on scores too.
    """

    source: str  # FeedbackItem.Source
    source_id: int
    text: str
    given_at: datetime
    survey_id: int | None = None
    survey_kind: str = ""
    score: int | None = None
    classification: str = ""
    touchpoint_id: int | None = None
    touchpoint_key: str = ""
    consent_to_contact: bool = False
    locale: str = ""
    closed_loop: bool = True  # False: an imported answer older than the import's cut-off (analysed, never acted on)
