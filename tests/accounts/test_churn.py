from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Account, AccountSignal, ChurnReason, ChurnRecord
from accounts.services.churn import churn_proposals, churn_record, churn_status_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    return Account.objects.create(external_id="acme", name="Acme", mrr=Decimal("5000.00"))


def test_the_taxonomy_is_seeded_in_three_languages():
    keys = list(ChurnReason.objects.values_list("key", flat=True))
    assert keys == [
        "key_person",
        "competitor",
        "out_of_business",
        "not_adopted",
        "needs_unmet",
        "price",
        "product_quality",
        "support",
        "other",
    ]
    competitor = ChurnReason.objects.get(key="competitor")
    assert (competitor.name_zh_hans, competitor.name_zh_hant) == ("转用竞争对手", "改用競爭對手")
    assert ChurnReason.objects.get(key="product_quality").name_zh_hant == "產品品質"


def test_recording_a_churn_keeps_its_reasons_and_leaves_the_account_mrr(acme, django_user_model):
    user = django_user_model.objects.create_user("li")
    day = timezone.localdate() - timedelta(days=2)
    recorded = churn_record(
        acme, kind="churn", date=day, mrr_lost="5000", reasons=["competitor", "price"], competitor="X", recorded_by=user
    )
    record = recorded.record
    assert (recorded.created, recorded.confirmed_now) == (True, True)
    assert (record.status, record.mrr_lost, record.recorded_by) == ("confirmed", Decimal("5000.00"), user)
    assert sorted(record.reasons.values_list("key", flat=True)) == ["competitor", "price"]
    acme.refresh_from_db()
    assert acme.mrr == Decimal("5000.00")


def test_bad_input_names_each_field_and_writes_nothing(acme):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        churn_record(acme, kind="downgrade", date=tomorrow, mrr_lost=0, reasons=["price", "aliens", "moon"])
    errors = caught.value.message_dict
    assert set(errors) == {"date", "mrr_lost", "reasons"}
    assert "aliens, moon" in errors["reasons"][0]
    with pytest.raises(ValidationError) as caught:
        churn_record(acme, kind="gone", date=timezone.localdate(), mrr_lost=-1)
    assert set(caught.value.message_dict) == {"kind", "mrr_lost"}
    with pytest.raises(ValidationError) as caught:
        churn_record(acme, kind="churn", date=timezone.localdate(), mrr_lost="NaN")
    assert set(caught.value.message_dict) == {"mrr_lost"}
    assert not ChurnRecord.objects.exists()


def test_a_churn_of_zero_mrr_is_allowed_and_an_inactive_reason_is_refused(acme):
    ChurnReason.objects.filter(key="other").update(active=False)
    with pytest.raises(ValidationError) as caught:
        churn_record(acme, kind="churn", date=timezone.localdate(), mrr_lost=0, reasons=["other"])
    assert "other" in caught.value.message_dict["reasons"][0]
    assert churn_record(acme, kind="churn", date=timezone.localdate(), mrr_lost=0).created


def signal(account, days_ago, value, as_of):
    AccountSignal.objects.create(account=account, date=as_of - timedelta(days=days_ago), key="mrr", value=value)


def test_an_mrr_drop_proposes_a_downgrade_once_and_recording_it_confirms_the_same_record(acme):
    as_of = timezone.localdate()
    signal(acme, 35, 5000, as_of)
    signal(acme, 1, 3500, as_of)
    assert churn_proposals(as_of) == {"downgrade": 1, "churn": 0}
    proposal = ChurnRecord.objects.get()
    assert (proposal.kind, proposal.status, proposal.mrr_lost) == ("downgrade", "proposed", Decimal("1500.00"))
    assert proposal.date == as_of - timedelta(days=1)
    assert "5000.00" in proposal.proposed_because
    signal(acme, 0, 3500, as_of)  # the next day's signal: still the same drop
    assert churn_proposals(as_of) == {"downgrade": 0, "churn": 0}
    recorded = churn_record(acme, kind="downgrade", date=proposal.date, mrr_lost=1500, reasons=["price"])
    assert (recorded.created, recorded.confirmed_now, recorded.record.pk) == (False, True, proposal.pk)
    assert ChurnRecord.objects.get().status == "confirmed"


def test_a_lapsed_renewal_proposes_a_churn_never_again_once_dismissed(acme, settings):
    settings.CX_CHURN_RENEWAL_GRACE_DAYS = 14
    as_of = timezone.localdate()
    acme.renewal_date = as_of - timedelta(days=20)
    acme.save()
    Account.objects.create(external_id="fresh", renewal_date=as_of - timedelta(days=14), mrr=10)
    Account.objects.create(external_id="renewed", renewal_date=as_of + timedelta(days=300), mrr=10)
    assert churn_proposals(as_of) == {"downgrade": 0, "churn": 1}
    record = ChurnRecord.objects.get()
    assert (record.account, record.date, record.mrr_lost, record.status) == (
        acme,
        acme.renewal_date,
        Decimal("5000.00"),
        "proposed",
    )
    assert churn_status_set(record, status="dismissed")
    assert churn_proposals(as_of + timedelta(days=1)) == {"downgrade": 0, "churn": 1}  # "fresh" is now 15 days late
    assert ChurnRecord.objects.get(account=acme).status == "dismissed"
    assert ChurnRecord.objects.get(account__external_id="fresh").status == "proposed"


def test_an_account_already_recorded_as_churned_is_not_proposed_again(acme):
    as_of = timezone.localdate()
    acme.renewal_date = as_of - timedelta(days=60)
    acme.save()
    churn_record(acme, kind="churn", date=as_of - timedelta(days=90), mrr_lost=5000)
    assert churn_proposals(as_of) == {"downgrade": 0, "churn": 0}
