"""What other apps hand to feedback: small frozen values, never models."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FeedbackSource:
    """A comment as its source gives it, with the context the later steps need, as it was then."""

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
    customer_id: int | None = None
    customer_external_id: str = ""
    locale: str = ""
