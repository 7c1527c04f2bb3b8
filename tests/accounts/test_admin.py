"""The scorecard admin: CX leads edit scorecards and their measures; bad input is a form error on its field."""

from datetime import date

import pytest
from django.contrib.auth.models import Group

from accounts.models import Account, HealthSnapshot, Scorecard
from common.roles import LEAD

pytestmark = pytest.mark.django_db
ADD = "/admin/accounts/scorecard/add/"


@pytest.fixture
def lead(client, django_user_model):
    user = django_user_model.objects.create_user("lead", "lead@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=LEAD))
    client.force_login(user)
    return client


def _data(card=None, measures=(), **changes):
    data = {
        "name": "Enterprise renewal",
        "kind": "health",
        "stage": "renewal",
        "red_below": "40",
        "green_from": "70",
        "measures-TOTAL_FORMS": str(len(measures)),
        "measures-INITIAL_FORMS": "0",
        "measures-MIN_NUM_FORMS": "0",
        "measures-MAX_NUM_FORMS": "1000",
    }
    for i, measure in enumerate(measures):
        row = {"position": "0", "key": "nps", "window": "latest", "per_key": "", "scale": "linear"}
        row.update({"bad": "-50", "good": "30", "weight": "10", **measure})
        data.update({f"measures-{i}-{name}": value for name, value in row.items()})
    data.update(changes)
    return data


def test_a_lead_adds_a_scorecard_with_its_measures(lead):
    measures = [{}, {"key": "active_users", "window": "share", "per_key": "seats", "bad": "0.3", "good": "0.8"}]
    page = lead.post(ADD, _data(measures=measures))
    assert page.status_code == 302, page.context["errors"] if page.context else page
    card = Scorecard.objects.get(kind="health", stage="renewal")
    assert [(m.key, m.window, m.per_key) for m in card.measures.all()] == [
        ("nps", "latest", ""),
        ("active_users", "share", "seats"),
    ]


@pytest.mark.parametrize(
    ("measure", "field", "said"),
    [
        ({"weight": "0"}, "weight", "more than 0"),
        ({"bad": "5", "good": "5"}, "good", "must differ"),
        ({"window": "share"}, "per_key", "needs the signal"),
        ({"per_key": "seats"}, "per_key", "Only a share"),
    ],
)
def test_a_measure_that_cannot_be_scored_is_a_form_error(lead, measure, field, said):
    page = lead.post(ADD, _data(measures=[measure]))
    assert page.status_code == 200
    errors = page.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert said in " ".join(errors[field])
    assert not Scorecard.objects.filter(stage="renewal").exists()


@pytest.mark.parametrize(
    ("changes", "said"),
    [({"red_below": "80", "green_from": "70"}, "Green must start"), ({"green_from": "101"}, "at most 100")],
)
def test_bands_out_of_order_are_a_form_error(lead, changes, said):
    page = lead.post(ADD, _data(measures=[{}], **changes))
    assert page.status_code == 200
    assert said in " ".join(page.context["adminform"].form.errors["green_from"])


def test_the_same_signal_and_window_twice_is_a_form_error(lead):
    page = lead.post(ADD, _data(measures=[{}, {}]))
    assert page.status_code == 200
    assert not Scorecard.objects.filter(stage="renewal").exists()


def test_a_second_scorecard_for_a_kind_and_stage_is_a_form_error(lead):
    page = lead.post(ADD, _data(stage="", measures=[{}]))
    assert page.status_code == 200
    assert page.context["adminform"].form.errors
    assert Scorecard.objects.filter(kind="health", stage="").count() == 1


def test_the_default_scorecard_page_shows_its_measures(lead):
    card = Scorecard.objects.get(kind="health", stage="")
    page = lead.get(f"/admin/accounts/scorecard/{card.pk}/change/")
    assert page.status_code == 200
    assert b"payment_overdue_days" in page.content


def test_snapshots_are_read_only(lead, django_user_model):
    account = Account.objects.create(external_id="acme")
    snapshot = HealthSnapshot.objects.create(
        account=account,
        date=date(2026, 6, 1),
        health_score=55,
        health_band="yellow",
        health_measures=[{"key": "nps", "window": "latest", "value": 10.0, "weight": 100, "points": 55}],
        computed_at="2026-06-01T02:00Z",
    )
    assert lead.get("/admin/accounts/healthsnapshot/").status_code == 200
    page = lead.get(f"/admin/accounts/healthsnapshot/{snapshot.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert lead.get("/admin/accounts/healthsnapshot/add/").status_code == 403
    assert lead.post(f"/admin/accounts/healthsnapshot/{snapshot.pk}/delete/", {"post": "yes"}).status_code == 403
