"""A customer's account: named by touchpoint events, claimed by a signed identity, never moved by an unsigned answer."""

import json
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from feedback.models import FeedbackItem
from surveys.identity import identity_message, identity_signature, identity_verified, signed_external_id
from surveys.models import Customer, Response, TouchpointEvent
from surveys.services import CustomerIdentity, response_submit
from surveys.services.events import touchpoint_events_record
from tests.surveys.factories import ContactRuleFactory, CustomerFactory, SurveyFactory, TouchpointFactory

pytestmark = pytest.mark.django_db
EVENTS = "/api/v1/touchpoint-events/"
BATCH = "/api/v1/touchpoint-events/batch/"
ANSWERS = "/api/v1/public/responses/"
SHOP = "https://app.shop.example"


@pytest.fixture
def touchpoint():
    return ContactRuleFactory(touchpoint=TouchpointFactory(key="renewal"), survey=SurveyFactory(kind="nps")).touchpoint


def account_of(external_id: str) -> str | None:
    return Customer.objects.values_list("account_id", flat=True).get(external_id=external_id)


def answer(client, survey, *, origin: str | None = SHOP, **body):
    payload = {"survey": survey.public_key, "score": 9, **body}
    extra = {"HTTP_ORIGIN": origin} if origin else {}
    return client.post(ANSWERS, json.dumps(payload), content_type="application/json", **extra)


def signature(survey, external_id: str, account: str = "") -> str:
    return identity_signature(secret=survey.identity_secret, external_id=external_id, account=account)


# --- Touchpoint events name the account ------------------------------------------------------------------


def test_an_event_creates_the_account_it_names_and_puts_the_customer_in_it(staff_client, touchpoint):
    body = {"touchpoint": "renewal", "customer": {"external_id": "lin", "account": "台北麵包坊"}}
    assert staff_client.post(EVENTS, body, format="json").status_code == 202
    assert Account.objects.filter(external_id="台北麵包坊").exists()
    assert account_of("lin") == "台北麵包坊"


def test_an_event_moves_a_customer_to_another_account_and_an_empty_one_clears_it(staff_client, touchpoint):
    CustomerFactory(external_id="lin", account="old-shop", plan="Growth")
    staff_client.post(
        EVENTS, {"touchpoint": "renewal", "customer": {"external_id": "lin", "account": "new-shop"}}, format="json"
    )
    assert account_of("lin") == "new-shop"
    assert Account.objects.filter(external_id="old-shop").exists()  # an account is never deleted by an event
    staff_client.post(EVENTS, {"touchpoint": "renewal", "customer": {"external_id": "lin"}}, format="json")
    assert account_of("lin") == "new-shop"  # left out: kept
    staff_client.post(
        EVENTS, {"touchpoint": "renewal", "customer": {"external_id": "lin", "account": ""}}, format="json"
    )
    assert account_of("lin") is None
    assert Customer.objects.get(external_id="lin").plan == "Growth"


def test_the_answer_after_an_event_snapshots_the_account_the_event_named(staff_client, client, touchpoint):
    survey = SurveyFactory(kind="nps", widget_origins=[SHOP])
    CustomerFactory(external_id="lin", account="old-shop")
    staff_client.post(
        EVENTS, {"touchpoint": "renewal", "customer": {"external_id": "lin", "account": "new-shop"}}, format="json"
    )
    assert answer(client, survey, customer={"external_id": "lin"}).status_code == 201
    response = Response.objects.get()
    assert response.account == "new-shop"
    assert FeedbackItem.objects.get(source="response").customer_account == "new-shop"
    staff_client.post(
        EVENTS, {"touchpoint": "renewal", "customer": {"external_id": "lin", "account": ""}}, format="json"
    )
    answer(client, survey, customer={"external_id": "lin"}, score=3)
    assert Response.objects.get(score=3).account == ""
    response.refresh_from_db()
    assert response.account == "new-shop"  # each answer keeps the account it was given in


def test_a_batch_names_accounts_for_each_customer(staff_client, touchpoint):
    events = [
        {"touchpoint": "renewal", "customer": {"external_id": "a", "account": "acme"}},
        {"touchpoint": "renewal", "customer": {"external_id": "b", "account": "acme"}},
        {"touchpoint": "renewal", "customer": {"external_id": "c", "account": "globex"}},
        {"touchpoint": "renewal", "customer": {"external_id": "c", "account": "initech"}},  # the later one wins
        {"touchpoint": "nowhere", "customer": {"external_id": "d", "account": "refused"}},
    ]
    res = staff_client.post(BATCH, {"events": events}, format="json")
    assert res.status_code == 202
    assert {c.external_id: c.account_id for c in Customer.objects.all()} == {"a": "acme", "b": "acme", "c": "initech"}
    # an account a later event overrides in the same batch is not created
    assert sorted(Account.objects.values_list("external_id", flat=True)) == ["acme", "initech"]


def test_an_event_batch_that_fails_midway_leaves_no_account_and_moves_no_customer(touchpoint):
    from surveys.services.events import CustomerRecord, EventInput

    CustomerFactory(external_id="lin", account="old-shop")
    events = [
        EventInput(touchpoint_key="renewal", customer=CustomerRecord(external_id="lin", account="new-shop")),
        EventInput(touchpoint_key="renewal", customer=CustomerRecord(external_id="wu", account="wu-shop")),
    ]
    failing = mock.patch("surveys.services.event_rows.events_insert", side_effect=RuntimeError("disk full"))
    with failing, pytest.raises(RuntimeError):
        touchpoint_events_record(events=events)
    assert account_of("lin") == "old-shop"
    assert not Customer.objects.filter(external_id="wu").exists()
    assert not Account.objects.filter(external_id__in=["new-shop", "wu-shop"]).exists()
    assert not TouchpointEvent.objects.exists()


def test_an_account_too_long_is_a_400_naming_the_field_and_writes_nothing(staff_client, touchpoint):
    body = {"touchpoint": "renewal", "customer": {"external_id": "lin", "account": "x" * 201}}
    res = staff_client.post(EVENTS, body, format="json")
    assert res.status_code == 400
    assert "customer.account" in res.json()["error"]["fields"]
    assert not Account.objects.exists()
    assert not Customer.objects.exists()


# --- The signature over the id and the account -----------------------------------------------------------


def test_the_signature_covers_the_id_and_the_account_on_two_lines():
    assert identity_message(external_id="客户-7", account="台北麵包坊") == "客户-7\n台北麵包坊"
    assert identity_message(external_id="客户-7") == "客户-7"
    signed = identity_signature(secret="s3cret", external_id="客户-7", account="台北麵包坊")
    assert identity_verified(secret="s3cret", external_id="客户-7", account="台北麵包坊", signature=signed)
    assert not identity_verified(secret="s3cret", external_id="客户-7", account="高雄海產行", signature=signed)
    assert not identity_verified(secret="s3cret", external_id="客户-7", signature=signed)  # the account is not dropped
    # the same two lines cannot pass as one id holding a line break
    assert not identity_verified(secret="s3cret", external_id="客户-7\n台北麵包坊", signature=signed)
    assert signed_external_id(secret="s3cret", external_id="客户-7", signature=signed, account="台北麵包坊") == "客户-7"
    assert signed_external_id(secret="s3cret", external_id="客户-7", signature=signed) is None


def test_the_documented_examples_compute_the_same_signature():
    import hashlib
    import hmac

    secret, external_id, account = "s3cret", "acct-42-user-7", "acct-42"
    documented = hmac.new(secret.encode(), f"{external_id}\n{account}".encode(), hashlib.sha256).hexdigest()
    assert documented == identity_signature(secret=secret, external_id=external_id, account=account)
    # the same vector as the Node.js example in docs/guides/channels.md gives
    known = "874272c73d7864e9ce5e01d196c4ea7888023a3ac5c3ef459d480ab5aafca0cb"
    assert identity_signature(secret="s3cret", external_id="客户-7", account="台北麵包坊") == known


# --- A public answer and the customer's account ------------------------------------------------------------


@pytest.fixture
def survey():
    return SurveyFactory(kind="nps", widget_origins=[SHOP])


def test_a_signed_account_claim_moves_the_customer_and_the_answer_snapshots_it(client, survey):
    CustomerFactory(external_id="lin", account="old-shop", email="lin@shop.example")
    customer = {"external_id": "lin", "account": "new-shop", "email": "forged@x.example"}
    res = answer(client, survey, customer=customer, signature=signature(survey, "lin", "new-shop"))
    assert res.status_code == 201, res.content
    stored = Customer.objects.get(external_id="lin")
    assert (stored.account_id, stored.email) == ("new-shop", "lin@shop.example")  # only the account moves
    assert Account.objects.filter(external_id="new-shop").exists()
    assert Response.objects.get().account == "new-shop"
    assert FeedbackItem.objects.get(source="response").customer_account == "new-shop"


def test_a_signed_account_claim_creates_a_new_customer_in_that_account(client, survey):
    customer = {"external_id": "new-王", "account": "上海鲜果铺"}
    res = answer(client, survey, customer=customer, signature=signature(survey, "new-王", "上海鲜果铺"))
    assert res.status_code == 201, res.content
    assert account_of("new-王") == "上海鲜果铺"
    assert Response.objects.get().account == "上海鲜果铺"


def test_an_unsigned_answer_never_moves_a_customer_out_of_its_account(client, survey):
    CustomerFactory(external_id="lin", account="acct-a")
    assert answer(client, survey, customer={"external_id": "lin"}).status_code == 201
    assert account_of("lin") == "acct-a"
    assert Response.objects.get().account == "acct-a"  # the answer is the account's, as the customer is


@pytest.mark.parametrize("require_identity", [False, True])
@pytest.mark.parametrize(
    "forged",
    [
        None,  # no signature at all
        "00" * 32,
        "the id alone",  # a valid signature of the id, without the account
        "another account",  # a valid signature for another account
    ],
)
def test_an_account_claim_without_its_valid_signature_is_refused(client, survey, require_identity, forged):
    survey.require_identity = require_identity
    survey.save()
    CustomerFactory(external_id="lin", account="acct-a")
    sign = {
        "the id alone": signature(survey, "lin"),
        "another account": signature(survey, "lin", "acct-c"),
    }.get(forged, forged)
    body = {"customer": {"external_id": "lin", "account": "acct-b"}, **({"signature": sign} if sign else {})}
    res = answer(client, survey, **body)
    assert res.status_code == 403
    assert "account claim must be signed" in res.json()["error"]["message"]
    assert account_of("lin") == "acct-a"
    assert not Account.objects.filter(external_id="acct-b").exists()
    assert not Response.objects.exists()


def test_an_unsigned_account_claim_is_refused_without_an_origin_too(client, survey):
    res = answer(client, survey, origin=None, customer={"external_id": "lin", "account": "acct-b"})
    assert res.status_code == 403
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("account", "message"),
    [("", "may not be blank"), ("a\nb", "one line"), ("x" * 201, "200"), (7, "string")],
)
def test_a_malformed_account_is_a_400_naming_it(client, survey, account, message):
    res = answer(client, survey, customer={"external_id": "lin", "account": account})
    assert res.status_code == 400
    fields = res.json()["error"]["fields"]
    assert message in " ".join(fields["customer.account"])


def test_a_signed_claim_on_a_survey_that_requires_identity_is_accepted(client, survey):
    survey.require_identity = True
    survey.save()
    body = {"customer": {"external_id": "lin", "account": "acct-b"}, "signature": signature(survey, "lin", "acct-b")}
    assert answer(client, survey, **body).status_code == 201
    assert account_of("lin") == "acct-b"


def test_a_keyed_retry_claiming_another_account_is_a_409_and_moves_nothing(client, survey):
    def keyed(account):
        body = {"customer": {"external_id": "lin", "account": account}, "signature": signature(survey, "lin", account)}
        payload = {"survey": survey.public_key, "score": 9, **body}
        return client.post(
            ANSWERS, json.dumps(payload), content_type="application/json", HTTP_ORIGIN=SHOP, HTTP_IDEMPOTENCY_KEY="k-1"
        )

    assert keyed("acct-a").status_code == 201
    replay = keyed("acct-a")
    assert (replay.status_code, replay["Idempotent-Replayed"]) == (201, "true")
    assert keyed("acct-b").status_code == 409
    assert account_of("lin") == "acct-a"
    assert Response.objects.count() == 1


# --- The service, on each path ----------------------------------------------------------------------------


def test_the_answer_stores_the_same_rows_with_an_account_claim_on_both_paths(survey):
    from tests.sql_paths import same_on_each_path

    CustomerFactory(external_id="known", account="acct-a", plan="pro")

    def answers():
        for external_id, account in (("known", "acct-b"), ("new", "acct-b"), ("known", "acct-b")):
            response_submit(
                survey_key=survey.public_key,
                score=8,
                customer=CustomerIdentity(external_id=external_id, account=account),
                signature=signature(survey, external_id, account),
            )
        response_submit(survey_key=survey.public_key, score=2, customer=CustomerIdentity(external_id="known"))
        return {
            "responses": list(Response.objects.order_by("id").values_list("customer__external_id", "account", "plan")),
            "items": list(FeedbackItem.objects.order_by("id").values_list("customer_external_id", "customer_account")),
            "customers": list(Customer.objects.order_by("external_id").values_list("external_id", "account_id")),
            "accounts": sorted(Account.objects.values_list("external_id", flat=True)),
        }

    stored = same_on_each_path(answers)
    known = ("known", "acct-b", "pro")
    assert stored["responses"] == [known, ("new", "acct-b", ""), known, known]  # the unsigned answer keeps acct-b
    assert stored["items"] == [("known", "acct-b"), ("new", "acct-b"), ("known", "acct-b"), ("known", "acct-b")]
    assert stored["customers"] == [("known", "acct-b"), ("new", "acct-b")]
    assert stored["accounts"] == ["acct-a", "acct-b"]


@pytest.mark.postgres
def test_an_account_claim_costs_one_statement_more_on_postgresql(survey):
    def statements(**identity):
        with CaptureQueriesContext(connection) as captured:
            response_submit(
                survey_key=survey.public_key,
                score=7,
                customer=CustomerIdentity(external_id="lin", **identity),
                signature=signature(survey, "lin", identity.get("account", "")),
            )
        return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]

    statements()  # the survey is cached after its first answer
    plain, claimed = statements(), statements(account="acct-b")
    assert len(claimed) == len(plain) + 1
    assert "accounts_account" in claimed[-2]


# --- The widget's config, the shared link and the demo page -----------------------------------------------


def config(client, survey, **params):
    return client.get(f"/api/v1/public/surveys/{survey.public_key}/", params, HTTP_ORIGIN=SHOP)


def test_the_widget_config_checks_the_signature_over_the_id_and_the_account(client, survey):
    survey.require_identity = True
    survey.save()
    good = {"customer": "lin", "account": "acct-b", "signature": signature(survey, "lin", "acct-b")}
    assert config(client, survey, **good).status_code == 200
    assert config(client, survey, **{**good, "account": "acct-c"}).status_code == 403
    assert config(client, survey, customer="lin", account="acct-b").status_code == 403
    assert config(client, survey, account="acct-b").status_code == 400  # an account of nobody
    assert not Customer.objects.exists()  # asking changes nothing


def test_the_widget_config_refuses_an_unsigned_account_when_identity_is_not_required(client, survey):
    assert config(client, survey, customer="lin").status_code == 200
    assert config(client, survey, customer="lin", account="acct-b").status_code == 403


def test_a_shared_link_with_a_signed_account_puts_the_customer_in_it(client, survey):
    CustomerFactory(external_id="app-1", account="acct-a")
    query = f"customer=app-1&account=acct-b&signature={signature(survey, 'app-1', 'acct-b')}"
    assert client.post(f"/s/{survey.public_key}/?{query}", {"score": 9}).status_code == 302
    assert account_of("app-1") == "acct-b"
    assert Response.objects.get().account == "acct-b"


@pytest.mark.parametrize(
    "query",
    [
        "customer=app-1&account=acct-b",
        "customer=app-1&account=acct-b&signature={id_only}",
        "account=acct-b&signature={id_only}",
    ],
)
def test_a_shared_link_with_an_unsigned_account_is_refused(client, survey, query):
    CustomerFactory(external_id="app-1", account="acct-a")
    query = query.format(id_only=signature(survey, "app-1"))
    assert client.post(f"/s/{survey.public_key}/?{query}", {"score": 9}).status_code == 403
    assert account_of("app-1") == "acct-a"
    assert not Response.objects.exists()


def test_the_widget_demo_signs_the_customer_and_its_account(client, settings, survey):
    settings.CX_DEMO_PAGES = True
    CustomerFactory(external_id="demo-0001", account="杭州茶舍")
    page = client.get("/demo/widget/", {"survey": survey.public_key}).content.decode()
    assert 'data-account="杭州茶舍"' in page
    assert f'data-signature="{signature(survey, "demo-0001", "杭州茶舍")}"' in page
    page = client.get("/demo/widget/", {"survey": survey.public_key, "customer": "v-1"}).content.decode()
    assert 'data-account="demo-shop"' in page
    assert f'data-signature="{signature(survey, "v-1", "demo-shop")}"' in page
