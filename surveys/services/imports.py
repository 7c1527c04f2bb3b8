"""History brought from another tool: answers stored in batches, counted in the trends, analysed, acted on when recent.

An answer given before the import's cut-off is history: stored with its original time, counted in
the score rollups (so the trends continue), and its comment analysed for the figures; but it is
never handed to the closed loop (no case, no advocate, no email) and writes no webhook event. An
answer from the cut-off on takes the live answers' own path (response_submit), so that it opens
cases and makes advocates exactly as a live one would.

Each row carries a stable key, stored as the response's idempotency key: a re-run stores nothing twice.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from common.sql import postgresql_paths, server_bound_cursor
from feedback import services as feedback_services
from surveys import scoring
from surveys.identity import identity_signature
from surveys.import_selectors import ImportTarget, import_keys_stored
from surveys.models import Customer, Response
from surveys.selectors import survey_get_active
from surveys.services.responses import CustomerIdentity, response_feedback_source, response_submit
from surveys.services.rollups import score_changes_record
from surveys.sql_import import history_statement

KEY_PREFIX = "import:"


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedAnswer:
    """One answer of an import, checked and mapped; `key` is its stored key (import_key)."""

    key: str
    score: int
    submitted_at: datetime
    comment: str = ""
    locale: str = ""
    consent_to_contact: bool = False
    external_id: str = ""
    email: str = ""
    name: str = ""


def import_key(source_key: str) -> str:
    """The stored key of a source row's stable key (its id in the source, or a digest of its values)."""
    return KEY_PREFIX + hashlib.blake2b(source_key.encode(), digest_size=20).hexdigest()


@dataclass(frozen=True, slots=True)
class BatchStored:
    history: int  # answers stored as history (before the cut-off)
    live: int  # answers stored through the live path (from the cut-off on)
    skipped: int  # rows whose key was stored by an earlier run


@transaction.atomic
def responses_import(
    *, target: ImportTarget, answers: Sequence[ImportedAnswer], cutoff: datetime, source: str
) -> BatchStored:
    """Store one batch of answers, all or nothing; rows stored by an earlier run are skipped.

    `cutoff`: answers before it are history, the others go through the live path. `source`
    (the mapping's name) is kept in each answer's client metadata.
    """
    fresh: dict[str, ImportedAnswer] = {}
    for answer in answers:
        fresh.setdefault(answer.key, answer)  # a key repeated in the batch: its first row
    history = [answer for answer in fresh.values() if answer.submitted_at < cutoff]
    live = [answer for answer in fresh.values() if answer.submitted_at >= cutoff]
    metadata = {"imported_from": source}
    stored_history = 0
    if history and postgresql_paths():  # the statement skips the keys stored already, and counts what it stored
        stored_history = _history_postgresql(target, history, metadata)
    elif history:
        stored_keys = import_keys_stored(survey_id=target.survey_id, keys=[answer.key for answer in history])
        stored_history = _history_orm(target, [answer for answer in history if answer.key not in stored_keys], metadata)
    stored_keys = import_keys_stored(survey_id=target.survey_id, keys=[answer.key for answer in live])
    live = [answer for answer in live if answer.key not in stored_keys]
    for answer in live:
        _live(target, answer, metadata)
    return BatchStored(history=stored_history, live=len(live), skipped=len(answers) - stored_history - len(live))


def _live(target: ImportTarget, answer: ImportedAnswer, metadata: dict) -> None:
    survey = survey_get_active(public_key=target.survey_key)
    customer = None
    signature = None
    if answer.external_id:
        customer = CustomerIdentity(
            external_id=answer.external_id, email=answer.email, name=answer.name, locale=answer.locale
        )
        if survey is not None and survey.require_identity:  # staff's file vouches for who answered
            signature = identity_signature(secret=survey.identity_secret, external_id=answer.external_id)
    response_submit(
        survey_key=target.survey_key,
        score=answer.score,
        comment=answer.comment,
        locale=answer.locale,
        touchpoint_key=target.touchpoint_key or None,
        customer=customer,
        consent_to_contact=answer.consent_to_contact,
        client_metadata=metadata,
        submitted_at=answer.submitted_at,
        signature=signature,
        idempotency_key=answer.key,
    )


def _history_postgresql(target: ImportTarget, answers: list[ImportedAnswer], metadata: dict) -> int:
    rows = [
        {
            "k": answer.key,
            "score": answer.score,
            "cls": scoring.classify(target.kind, answer.score),
            "comment": answer.comment,
            "locale": answer.locale or target.default_locale,
            "consent": answer.consent_to_contact,
            "at": answer.submitted_at.isoformat(),
            "ext": answer.external_id,
            "email": answer.email,
            "name": answer.name,
        }
        for answer in answers
    ]
    sql, params = history_statement(
        survey_id=target.survey_id,
        survey_kind=target.kind,
        touchpoint_id=target.touchpoint_id,
        touchpoint_key=target.touchpoint_key,
        rows=rows,
        metadata=metadata,
        now=timezone.now(),
    )
    # bound on the server: a client-bound statement's text holds the batch, and psycopg would keep it as a cache key
    with server_bound_cursor() as cursor:
        cursor.execute(sql, params)
        stored = cursor.fetchone()[0]
    feedback_services.feedback_item_recorded()
    return stored


def _history_orm(target: ImportTarget, answers: list[ImportedAnswer], metadata: dict) -> int:
    """As the PostgreSQL statement, in bulk statements of the ORM (SQLite, the embedded default)."""
    new_customers: dict[str, Customer] = {}
    for answer in answers:
        if answer.external_id and answer.external_id not in new_customers:
            new_customers[answer.external_id] = Customer(
                external_id=answer.external_id, email=answer.email, name=answer.name, locale=answer.locale
            )
    Customer.objects.bulk_create(new_customers.values(), ignore_conflicts=True)
    customers = {c.external_id: c for c in Customer.objects.filter(external_id__in=list(new_customers))}
    responses = []
    for answer in answers:
        customer = customers.get(answer.external_id)
        responses.append(
            Response(
                survey_id=target.survey_id,
                touchpoint_id=target.touchpoint_id,
                customer=customer,
                score=answer.score,
                classification=scoring.classify(target.kind, answer.score),
                comment=answer.comment,
                locale=answer.locale or target.default_locale,
                consent_to_contact=answer.consent_to_contact,
                submitted_at=answer.submitted_at,
                client_metadata=metadata,
                plan=customer.plan if customer else "",
                account=(customer.account_id or "") if customer else "",
                idempotency_key=answer.key,
            )
        )
    Response.objects.bulk_create(responses)
    score_changes_record(changes=[(response, 1) for response in responses])
    feedback_services.feedback_items_record(
        sources=[
            replace(
                response_feedback_source(
                    response, survey_kind=target.kind, touchpoint_key=target.touchpoint_key, customer=response.customer
                ),
                closed_loop=False,
            )
            for response in responses
        ]
    )
    return len(responses)
