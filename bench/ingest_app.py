"""WSGI app for bench/ingest.py: the platform plus a bare ORM insert to compare against.

The baseline is the least a Django view can do to store an answer: parse the JSON body and
insert one row with the ORM. It lives here, not in the product.
"""

import json
import os
from decimal import Decimal

from django.http import JsonResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()

# A same-run comparison starts a second gunicorn with one speed helper switched off (BENCH_WITHOUT):
# process-wide, before any request, so the two servers differ in that helper only.
if os.environ.get("BENCH_WITHOUT") == "event-fast-path":
    from surveys.api import events as _events_api

    _events_api.well_formed_event = lambda item, now=None: None  # every event goes through EventSerializer

from surveys.models import Customer, Response  # noqa: E402

CUSTOMER_FIELDS = ("email", "name", "locale", "account", "plan", "value")


@csrf_exempt
def bare_insert(request):
    data = json.loads(request.body)
    row = Response.objects.create(
        survey_id=os.environ["BENCH_SURVEY_ID"], score=data["score"], classification="promoter"
    )
    return JsonResponse({"id": row.id}, status=201)


@csrf_exempt
def bare_customers_upsert(request):
    """The events benchmark's baseline: upsert a batch's customers in one bulk_create, in key order."""
    events = json.loads(request.body)["events"]
    latest = {event["customer"]["external_id"]: event["customer"] for event in events}
    now = timezone.now()
    rows = []
    for external_id in sorted(latest):  # one lock order for every batch: concurrent batches cannot deadlock
        record = latest[external_id]
        given = {name: record[name] for name in CUSTOMER_FIELDS if name in record}
        if "value" in given:
            given["value"] = Decimal(str(given["value"]))
        rows.append(Customer(external_id=external_id, created_at=now, updated_at=now, **given))
    Customer.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["external_id"], update_fields=[*CUSTOMER_FIELDS, "updated_at"]
    )
    return JsonResponse({"customers": len(rows)}, status=202)


urlpatterns = [
    path("bench/bare-insert/", bare_insert),
    path("bench/bare-customers/", bare_customers_upsert),
    path("", include("cxplatform.urls")),
]
