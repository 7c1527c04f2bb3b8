"""Forgetting a customer (PIPL / GDPR) in all three apps, the audit, and the comments' retention period."""

import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models
from django.utils import timezone

from closedloop.models import Advocate, Case, CaseTrigger, Referral
from feedback import services as feedback_services
from feedback.models import FeedbackItem
from insights.filters import ScoreFilters
from insights.series import score_series
from surveys.models import Customer, Erasure, Invitation, Response
from surveys.services import CustomerIdentity, response_submit
from surveys.services.privacy import comments_purge, erasure_reference
from surveys.tasks import comments_purge as comments_purge_task
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory, TouchpointFactory

pytestmark = pytest.mark.django_db
SECRET_BITS = ("wang-xiaoming-7781", "王小明", "xiaoming@example.cn", "晓明的花店", "退款拖了三个月")


@pytest.fixture
def customer():
    """A customer with answers (a detractor with a case, a promoter who became an advocate) and an invitation."""
    survey = SurveyFactory(kind="nps")
    TouchpointFactory(key="billing")
    person = CustomerFactory(
        external_id="wang-xiaoming-7781", name="王小明", email="xiaoming@example.cn", account="晓明的花店", plan="pro"
    )
    identity = CustomerIdentity(external_id=person.external_id)
    response_submit(
        survey_key=survey.public_key,
        score=2,
        comment="退款拖了三个月，王小明很生气 😡",
        customer=identity,
        touchpoint_key="billing",
    )
    response_submit(
        survey_key=survey.public_key,
        score=10,
        comment="Now it works, thanks! 退款拖了三个月 but fixed",
        customer=identity,
        consent_to_contact=True,
    )
    InvitationFactory(survey=survey, customer=person)
    for score in (9, 3, 7):  # somebody else, who stays
        response_submit(
            survey_key=survey.public_key, score=score, comment="还行", customer=CustomerIdentity(external_id="other-1")
        )
    feedback_services.feedback_analyse_all_pending()
    assert Case.objects.filter(customer_id=person.pk).exists()
    assert Advocate.objects.filter(customer_id=person.pk).exists()
    return person


def _traces(bits=SECRET_BITS) -> list[str]:
    """Every text or JSON column, in all three apps, that still holds one of the bits."""
    found = []
    for label in ("surveys", "feedback", "closedloop"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.CharField | models.TextField | models.JSONField | models.EmailField):
                    continue
                for bit in bits:
                    lookup = f"{field.name}__icontains" if not isinstance(field, models.JSONField) else None
                    rows = model.objects.filter(**{lookup: bit}) if lookup else model.objects.all()
                    for value in rows.values_list(field.name, flat=True):
                        if bit in str(value):
                            found.append(f"{model.__name__}.{field.name}: {bit}")
    return found


def _figures():
    today = timezone.localdate()
    series = score_series(filters=ScoreFilters(kind="nps"), interval="day", since=today, until=today)
    return series.total.counts, series.total.estimate


def test_forgetting_a_customer_leaves_no_trace_and_every_figure_as_it_was(customer, django_user_model, role_client):
    assert _traces()  # the fixture left traces to find
    before = _figures()
    cases_before = Case.objects.count()
    root = django_user_model.objects.create_superuser("dpo", "dpo@example.com", "pw")
    client = role_client(None, "dpo-api")
    client.force_authenticate(root)

    response = client.delete(f"/api/v1/customers/{customer.external_id}/")

    assert response.status_code == 200, response.content
    assert _traces() == []
    assert not Customer.objects.filter(external_id=customer.external_id).exists()
    assert not Invitation.objects.filter(customer_id=customer.pk).exists()
    assert _figures() == before  # scores, classes and times stay
    assert Case.objects.count() == cases_before  # the loop's record stays, anonymized
    assert Response.objects.filter(customer__isnull=True).count() == 2
    assert FeedbackItem.objects.filter(customer_external_id="other-1").count() == 3  # the others are untouched
    erasure = Erasure.objects.get()
    assert erasure.reference == erasure_reference(customer.external_id)
    assert customer.external_id not in str(erasure.counts)
    assert (erasure.via, erasure.actor, erasure.counts["responses"]) == ("api", root, 2)
    assert response.json()["counts"]["cases"] == 1
    assert client.delete(f"/api/v1/customers/{customer.external_id}/").status_code == 404  # gone


@pytest.mark.parametrize("group", ["CX lead", "CX staff", "Marketing", None])
def test_only_staff_allowed_to_delete_customers_may_forget_one(customer, group, role_client):
    response = role_client(group, f"user-{group}").delete(f"/api/v1/customers/{customer.external_id}/")
    assert response.status_code == 403
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_anonymous_callers_cannot_forget_anyone(customer, api_client):
    assert api_client.delete(f"/api/v1/customers/{customer.external_id}/").status_code in (401, 403)
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_the_command_forgets_and_says_how_much(customer):
    out = io.StringIO()
    call_command("forget_customer", customer.external_id, stdout=out)
    assert "Customer forgotten" in out.getvalue()
    assert "responses 2" in out.getvalue()
    assert _traces() == []
    with pytest.raises(CommandError, match="No customer has the external id 'wang-xiaoming-7781'"):
        call_command("forget_customer", customer.external_id)


def test_deleting_a_customer_in_the_admin_forgets_them(customer, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "pw"))
    response = client.post(
        "/admin/surveys/customer/", {"action": "delete_selected", "_selected_action": [customer.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert _traces() == []
    assert Erasure.objects.get().via == "admin"


def test_the_audit_is_searched_by_the_id_it_never_stores(customer, client, django_user_model):
    call_command("forget_customer", customer.external_id, stdout=io.StringIO())
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "pw"))
    found = client.get("/admin/surveys/erasure/", {"q": customer.external_id}).content.decode()
    missing = client.get("/admin/surveys/erasure/", {"q": "somebody-else"}).content.decode()
    assert "1 erasure" in found or "1 result" in found
    assert "0 erasures" in missing or "0 results" in missing


def test_a_referral_signed_up_under_the_forgotten_id_loses_it(customer):
    advocate = Advocate.objects.exclude(customer_id=customer.pk).first() or Advocate.objects.get()
    Referral.objects.create(advocate=advocate, external_id=customer.external_id, kind="signup")
    call_command("forget_customer", customer.external_id, stdout=io.StringIO())
    assert not Referral.objects.filter(external_id=customer.external_id).exists()
    assert Referral.objects.count() == 1


def test_comments_past_the_retention_period_are_emptied_everywhere_and_newer_ones_stay(customer, settings):
    old = timezone.now() - timedelta(days=400)
    Response.objects.filter(comment__contains="王小明").update(submitted_at=old)
    FeedbackItem.objects.filter(text__contains="王小明").update(given_at=old)
    Case.objects.filter(customer_id=customer.pk).update(given_at=old)
    CaseTrigger.objects.filter(comment__contains="王小明").update(given_at=old)
    settings.CX_COMMENT_RETENTION_DAYS = 0
    comments_purge_task()  # 0 keeps comments
    assert _traces(("王小明很生气",))

    settings.CX_COMMENT_RETENTION_DAYS = 365
    comments_purge_task()

    assert _traces(("王小明很生气",)) == []
    assert Response.objects.filter(comment__contains="fixed").exists()  # the newer answer keeps its comment
    assert Erasure.objects.get().via == "retention"
    assert comments_purge(before=old) is None  # nothing older left: nothing recorded


def test_forgetting_empties_the_resolution_and_keeps_unrelated_export_logs(customer):
    from closedloop.models import AdvocateExport

    Case.objects.filter(customer_id=customer.pk).update(resolution="王小明的退款已处理")
    unrelated = AdvocateExport.objects.create(format="csv", filters={"since": "2025-01-01", "plan": "pro"}, row_count=3)
    naming = AdvocateExport.objects.create(format="csv", filters={"q": "xiaoming@example.cn"}, row_count=1)
    call_command("forget_customer", customer.external_id, stdout=io.StringIO())
    assert _traces(("王小明的退款已处理",)) == []
    unrelated.refresh_from_db()
    naming.refresh_from_db()
    assert unrelated.filters == {"since": "2025-01-01", "plan": "pro"}
    assert (naming.filters, naming.row_count) == ({}, 1)


def test_an_external_id_with_a_slash_can_be_forgotten_through_the_api(django_user_model, role_client):
    CustomerFactory(external_id="shop/42")
    client = role_client(None, "dpo-slash")
    client.force_authenticate(django_user_model.objects.create_superuser("dpo2", "d@example.com", "pw"))
    assert client.delete("/api/v1/customers/shop/42/").status_code == 200
    assert not Customer.objects.filter(external_id="shop/42").exists()
