"""WSGI app for bench/ingest.py: the platform plus a bare ORM insert to compare against.

The baseline is the least a Django view can do to store an answer: parse the JSON body and
insert one row with the ORM. It lives here, not in the product.
"""

import json
import os

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()

from surveys.models import Response  # noqa: E402


@csrf_exempt
def bare_insert(request):
    data = json.loads(request.body)
    row = Response.objects.create(
        survey_id=os.environ["BENCH_SURVEY_ID"], score=data["score"], classification="promoter"
    )
    return JsonResponse({"id": row.id}, status=201)


urlpatterns = [
    path("bench/bare-insert/", bare_insert),
    path("", include("cxplatform.urls")),
]
