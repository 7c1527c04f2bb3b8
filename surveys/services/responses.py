"""Taking in an answer: checked, classified and stored in one statement."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.services.ensure import accounts_ensure
from common.sql import postgresql_paths, server_bound_cursor
from feedback import selectors as feedback_selectors
from feedback import services as feedback_services
from feedback.contracts import FeedbackSource
from surveys import locks, scoring, webhook_payloads
from surveys.models import Customer, Response
from surveys.question_selectors import answers_by_response, question_specs
from surveys.questions import AnswerRow, QuestionSpec, answers_named
from surveys.selectors import SurveyRef
from surveys.services.answers import answers_checked, answers_store
from surveys.services.response_checks import response_check
from surveys.services.rollups import score_changes_record
from surveys.sql_answer import answer_statement, customer_upsert_params, customer_upsert_sql
from webhooks import catalogue
from webhooks.services.events import event_record, webhooks_kick


@dataclass(frozen=True, slots=True)
class CustomerIdentity:
    """Who answered, as the respondent's client tells it.

    `account` (an account's external id) is a claim: response_check refuses it unless the
    identity's signature covers it, and a verified one moves the customer to that account.
    """

    external_id: str
    email: str = ""
    name: str = ""
    locale: str = ""
    account: str = ""


@dataclass(frozen=True, slots=True)
class SubmittedResponse:
    id: int
    classification: str
    replayed: bool = False  # the answer was stored by an earlier request with the same idempotency key


class IdempotencyKeyReused(Exception):
    """The idempotency key was given before with another answer."""


def response_submit(
    *,
    survey_key: str,
    score: int,
    comment: str = "",
    locale: str = "",
    touchpoint_key: str | None = None,
    customer: CustomerIdentity | None = None,
    consent_to_contact: bool = False,
    channel: str = Response.Channel.API,
    client_metadata: dict[str, Any] | None = None,
    submitted_at: datetime | None = None,
    signature: str | None = None,
    origin: str | None = None,
    idempotency_key: str = "",
    answers: Mapping[str, object] | None = None,
) -> SubmittedResponse:
    """Record one answer; it is committed before this returns, before anything else happens.

    `answers` are the answers to the survey's additional questions (surveys.questions): given,
    even empty, every rule holds (a required question asked of this score must be answered);
    None asks none of them. They are stored with the answer, in its statement or transaction; a
    replayed answer (its idempotency key stored already) keeps the answers stored the first time.

    With an `idempotency_key`, a retry of a request whose reply was lost (a timeout, a 503 after
    the commit) returns the answer stored the first time instead of storing it again; the same
    key with another answer (score, comment, customer, touchpoint, locale or consent) raises
    IdempotencyKeyReused, and writes nothing.
    """
    survey, touchpoint_id = response_check(
        survey_key=survey_key,
        score=score,
        touchpoint_key=touchpoint_key,
        customer_id=customer.external_id if customer else None,
        signature=signature,
        origin=origin,
        account=customer.account if customer else "",
    )
    classification = scoring.classify(survey.kind, score)
    specs = survey.questions  # as cached with the survey (surveys.lookups)
    if answers and not set(answers) <= {spec.key for spec in specs}:
        specs = question_specs(survey_id=survey.id)  # a question added since: read them afresh
    answer_rows = answers_checked(specs=specs, classification=classification, answers=answers)
    response = Response(
        survey_id=survey.id,
        touchpoint_id=touchpoint_id,
        score=score,
        classification=classification,
        comment=comment,
        locale=locale or (customer.locale if customer else "") or survey.default_locale,
        channel=channel,
        consent_to_contact=consent_to_contact,
        client_metadata=client_metadata or {},
        submitted_at=submitted_at or timezone.now(),
        idempotency_key=idempotency_key,
    )
    given = answers_named(specs, answer_rows) if answer_rows is not None else None
    try:
        return _store(
            response,
            customer,
            survey=survey,
            touchpoint_key=touchpoint_key,
            answer_rows=answer_rows,
            specs=specs,
            given=given,
        )
    except IntegrityError:
        if answer_rows:  # a question deleted since the survey was cached: a 400 naming it, not a 500
            answers_checked(specs=question_specs(survey_id=survey.id), classification=classification, answers=answers)
        raise


def _store(
    response: Response,
    customer: CustomerIdentity | None,
    *,
    survey: SurveyRef,
    touchpoint_key: str | None,
    answer_rows: list[AnswerRow] | None,
    specs: Sequence[QuestionSpec],
    given: dict[str, object] | None,
) -> SubmittedResponse:
    # The answer's feedback item is stored with it, atomically, so that no answer is ever left
    # without one: in the answer's own statement on PostgreSQL, in one transaction elsewhere. Both
    # store the same rows (tests/surveys/test_sql.py), its response.created event included. A
    # verified account claim creates the account when it is new, in one more statement before the
    # answer's, in its transaction.
    account = customer.account if customer else ""
    idempotency_key = response.idempotency_key
    if postgresql_paths():
        feedback = response_feedback_source(
            response, survey_kind=survey.kind, touchpoint_key=touchpoint_key or "", customer=customer
        )
        event = webhook_payloads.response_data(
            response,
            survey_kind=survey.kind,
            touchpoint_key=touchpoint_key,
            customer=customer,
            answers=given or {},
        )
        if not (idempotency_key or account):
            stored = _insert_response_postgresql(
                response, customer, feedback=feedback, event=event, answers=answer_rows
            )
            if stored is None:  # only a keyed answer's statement can store nothing
                raise RuntimeError("The answer's statement stored no answer.")
            return SubmittedResponse(id=stored[0], classification=response.classification)
        # The statement's customer step runs even when its insert does nothing: a refused retry
        # (IdempotencyKeyReused) rolls it back, so it leaves no customer (nor account) behind.
        with transaction.atomic():
            accounts_ensure([account])
            stored_ids = _insert_response_postgresql(
                response, customer, feedback=feedback, event=event, answers=answer_rows
            )
            if stored_ids is None:  # the key's answer is stored already: the answer's own steps did nothing
                return _replayed(response, customer, answers=given)
        return SubmittedResponse(id=stored_ids[0], classification=response.classification)
    if _key_stored(response):
        return _replayed(response, customer, answers=given)
    try:
        return _insert_response_orm(
            response, customer, survey=survey, touchpoint_key=touchpoint_key, answers=answer_rows, specs=specs
        )
    except IntegrityError:
        if _key_stored(response):  # the same key, committed meanwhile by a concurrent retry
            return _replayed(response, customer, answers=given)
        raise


def _key_stored(response: Response) -> bool:
    """Whether an answer with this answer's Idempotency-Key is stored already (never, without a key)."""
    return bool(response.idempotency_key) and (
        Response.objects.filter(survey_id=response.survey_id, idempotency_key=response.idempotency_key).exists()
    )


# What a retry must repeat to be the same answer.
_REPLAYED_FIELDS = ("score", "comment", "touchpoint_id", "locale", "consent_to_contact")


def _replayed(
    response: Response, customer: CustomerIdentity | None, *, answers: dict[str, object] | None = None
) -> SubmittedResponse:
    first = (
        Response.objects.filter(survey_id=response.survey_id, idempotency_key=response.idempotency_key)
        .values("id", "classification", *_REPLAYED_FIELDS, "customer__external_id", "account")
        .get()
    )
    given = (*(getattr(response, name) for name in _REPLAYED_FIELDS), customer.external_id if customer else None)
    claimed = customer is not None and bool(customer.account) and customer.account != first["account"]
    if answers is not None and answers != answers_by_response(response_ids=[first["id"]]).get(first["id"], {}):
        claimed = True  # the same key with other answers to the additional questions
    if claimed or (*(first[name] for name in _REPLAYED_FIELDS), first["customer__external_id"]) != given:
        raise IdempotencyKeyReused("This Idempotency-Key was used for another answer; use a new key for each answer.")
    return SubmittedResponse(id=first["id"], classification=first["classification"], replayed=True)


def _insert_response_orm(
    response: Response,
    customer,
    *,
    survey,
    touchpoint_key,
    answers: list[AnswerRow] | None,
    specs: Sequence[QuestionSpec] = (),
) -> SubmittedResponse:
    classification = response.classification
    with transaction.atomic():
        stored = None
        if customer is not None:
            response.customer_id = customer_get_or_create_identity(identity=customer)
            if customer.account:  # verified by response_check: the customer moves to the account it names
                accounts_ensure([customer.account])
                Customer.objects.filter(pk=response.customer_id).exclude(account_id=customer.account).update(
                    account_id=customer.account, updated_at=timezone.now()
                )
            stored = Customer.objects.get(pk=response.customer_id)
            response.plan, response.account = stored.plan, stored.account_id or ""
        response.save(force_insert=True)
        answers_store(response_id=response.id, rows=answers)
        score_changes_record(changes=[(response, 1)])
        response_feedback_record(
            response=response, survey_kind=survey.kind, touchpoint_key=touchpoint_key or "", customer=stored
        )
        event = webhook_payloads.response_data(
            response,
            survey_kind=survey.kind,
            touchpoint_key=touchpoint_key,
            customer=stored,
            answers=answers_named(specs, answers),
        )
        event_record(catalogue.RESPONSE_CREATED, event, object_id=response.id)
    return SubmittedResponse(id=response.id, classification=classification)


def _customer_upsert_params(identity: CustomerIdentity, *, with_account: bool) -> list:
    return customer_upsert_params(
        external_id=identity.external_id,
        email=identity.email,
        name=identity.name,
        locale=identity.locale,
        account=identity.account if with_account else "",
    )


def _insert_response_postgresql(
    response: Response,
    identity: CustomerIdentity | None,
    *,
    feedback: FeedbackSource,
    event: dict,
    answers: list[AnswerRow] | None = None,
) -> tuple[int, int | None] | None:
    """Store the answer in one PostgreSQL statement (surveys.sql_answer); return the response and customer ids.

    None when the answer's idempotency key is already stored: the insert then does nothing, and
    so neither does any step that follows from it. It upserts the identified customer, inserts
    the answer and its score change, upserts its feedback item and writes its response.created
    event (`event`, its data), each as a step of the same statement; no BEGIN or COMMIT around it
    (only a keyed answer's caller adds them, to roll back a refused retry).
    """
    customer = _customer_upsert_params(identity, with_account=True) if identity is not None else None
    accounted = identity is not None and bool(identity.account)
    sql, params = answer_statement(
        response,
        customer=customer,
        feedback=feedback,
        event=event,
        occurred_at=timezone.now(),
        accounted=accounted,
        answers=answers or (),
    )
    with server_bound_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    feedback_services.feedback_item_recorded()
    transaction.on_commit(webhooks_kick, robust=True)  # at once in autocommit, else once the caller commits
    return row[0], row[1]


def response_feedback_source(
    response: Response, *, survey_kind: str, touchpoint_key: str, customer=None
) -> FeedbackSource:
    """What feedback needs of the answer, as it is now; `customer` is a stored Customer or an identity."""
    return FeedbackSource(
        source="response",
        source_id=response.id or 0,
        text=response.comment,
        given_at=response.submitted_at,
        survey_id=response.survey_id,
        survey_kind=survey_kind,
        score=response.score,
        classification=response.classification,
        touchpoint_id=response.touchpoint_id,
        touchpoint_key=touchpoint_key,
        customer_id=response.customer_id,
        customer_external_id=customer.external_id if customer else "",
        customer_name=customer.name if customer else "",
        customer_email=customer.email if customer else "",
        customer_value=getattr(customer, "value", None),
        customer_plan=getattr(customer, "plan", ""),
        customer_account=getattr(customer, "account_id", None) or "",
        consent_to_contact=response.consent_to_contact,
        locale=response.locale,
    )


def response_feedback_record(*, response: Response, survey_kind: str, touchpoint_key: str, customer) -> None:
    """Hand a stored answer to feedback, in the caller's transaction; `customer` is its stored Customer."""
    feedback_services.feedback_item_record(
        source=response_feedback_source(
            response, survey_kind=survey_kind, touchpoint_key=touchpoint_key, customer=customer
        )
    )


def responses_feedback_backfill(*, responses: QuerySet[Response], batch: int = 500) -> int:
    """Give every answer of `responses` that has no feedback item its item (answers stored before they existed).

    Batch by batch, each in its own transaction; items already there are left as they are.
    Returns how many items were recorded; their analysis is queued as usual.
    """
    done = 0
    ids = list(responses.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        recorded = set(feedback_selectors.feedback_source_ids(source="response", ids=chunk))
        missing = [pk for pk in chunk if pk not in recorded]
        with transaction.atomic():
            for response in Response.objects.filter(id__in=missing).select_related("survey", "touchpoint", "customer"):
                response_feedback_record(
                    response=response,
                    survey_kind=response.survey.kind,
                    touchpoint_key=response.touchpoint.key if response.touchpoint else "",
                    customer=response.customer,
                )
        done += len(missing)
    return done


@transaction.atomic
def responses_delete(*, response_ids: Sequence[int]) -> int:
    """Delete answers with their feedback items, counting them out of the score rollups; return how many.

    Cases and advocates keep their own snapshots (the closed loop's record of what was done).
    """
    responses = locks.responses_lock(response_ids)
    score_changes_record(changes=[(response, -1) for response in responses])
    ids = [response.pk for response in responses]
    feedback_services.feedback_items_delete(source="response", source_ids=ids)
    Response.objects.filter(pk__in=ids).delete()
    return len(ids)


def customer_get_or_create_identity(*, identity: CustomerIdentity) -> int:
    """Return the id of the customer with this external id, creating it from the identity if new.

    The identity comes from an unauthenticated respondent, so it may create a customer but never
    changes one: contact details the customer's own systems gave us stay as they are. One
    statement where the database can return ids from an upsert. Call inside a transaction.
    """
    if not connection.features.can_return_columns_from_insert:  # SQLite older than 3.35
        customer, _ = Customer.objects.get_or_create(
            external_id=identity.external_id,
            defaults={"email": identity.email, "name": identity.name, "locale": identity.locale},
        )
        return customer.id
    with connection.cursor() as cursor:
        cursor.execute(customer_upsert_sql(), _customer_upsert_params(identity, with_account=False))
        return cursor.fetchone()[0]
