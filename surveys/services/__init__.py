"""Writes of the surveys app. Each module holds one concept; the names used elsewhere are here."""

from surveys.services.customers import customer_save, customers_delete
from surveys.services.response_checks import SurveyNotFound, response_check
from surveys.services.responses import (
    CustomerIdentity,
    IdempotencyKeyReused,
    SubmittedResponse,
    customer_get_or_create_identity,
    response_feedback_record,
    response_submit,
    responses_delete,
    responses_feedback_backfill,
)
from surveys.services.stats import survey_stats_refresh

__all__ = (
    "CustomerIdentity",
    "IdempotencyKeyReused",
    "SubmittedResponse",
    "SurveyNotFound",
    "customer_get_or_create_identity",
    "customer_save",
    "customers_delete",
    "response_check",
    "response_feedback_record",
    "response_submit",
    "responses_delete",
    "responses_feedback_backfill",
    "survey_stats_refresh",
)
