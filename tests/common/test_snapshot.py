"""The customer snapshot is declared, carried and forgotten in one way by every app that keeps it."""

from dataclasses import fields

import pytest

from closedloop.contracts import AnalysedFeedback
from closedloop.models import Advocate, Case
from common.snapshot import SNAPSHOT_FIELDS, CustomerSnapshot, snapshot_forgotten, snapshot_values
from feedback.contracts import FeedbackSource
from feedback.models import FeedbackItem


@pytest.mark.parametrize("model", [FeedbackItem, Case, Advocate])
def test_every_model_that_keeps_a_snapshot_has_all_its_columns(model):
    columns = {field.attname for field in model._meta.concrete_fields}
    assert set(SNAPSHOT_FIELDS) <= columns


@pytest.mark.parametrize("contract", [FeedbackSource, AnalysedFeedback])
def test_every_contract_carries_the_snapshot(contract):
    assert issubclass(contract, CustomerSnapshot)
    assert set(SNAPSHOT_FIELDS) <= {field.name for field in fields(contract)}


def test_forgetting_drops_who_the_customer_was_and_keeps_the_segment():
    forgotten = snapshot_forgotten()
    assert set(forgotten) == set(SNAPSHOT_FIELDS) - {"customer_plan"}
    assert forgotten["customer_id"] is None
    assert all(value in ("", None) for value in forgotten.values())
    assert "customer_id" not in snapshot_forgotten(keep_id=True)


def test_snapshot_values_read_any_carrier():
    snapshot = CustomerSnapshot(customer_id=7, customer_name="王芳", customer_plan="pro")
    assert snapshot_values(snapshot) == {
        "customer_id": 7,
        "customer_external_id": "",
        "customer_name": "王芳",
        "customer_email": "",
        "customer_value": None,
        "customer_plan": "pro",
        "customer_account": "",
    }
