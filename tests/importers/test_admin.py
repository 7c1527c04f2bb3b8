"""The admin's import: upload, preview (counts, first rows, refused rows), confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from importers.models import ColumnMapping
from surveys.models import Response
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db

CSV = b"id,person,score,comment,created_at\nr1,p1,9,great,2025-03-01T10:00:00+00:00\nr2,p2,12,,2025-03-01\n"


def test_preview_then_confirm(admin_client):
    SurveyFactory(name="S")
    url = reverse("admin:importers_import")
    upload = SimpleUploadedFile("export.csv", CSV, content_type="text/csv")
    page = admin_client.post(url, {"file": upload, "survey": "S", "mapping": "delighted", "cutoff": ""})
    assert page.status_code == 200
    assert not Response.objects.exists()  # a preview writes nothing
    body = page.content.decode()
    assert "score: 12 is outside this survey&#x27;s scale (0 to 10)." in body
    token = page.context["token"]
    done = admin_client.post(url, {"token": token, "survey": "S", "mapping": "delighted", "cutoff": ""})
    assert done.status_code == 302
    assert Response.objects.get().comment == "great"


def test_bad_uploads_are_refused_with_reasons(admin_client):
    SurveyFactory(name="S")
    url = reverse("admin:importers_import")
    bad = SimpleUploadedFile("export.pdf", b"%PDF", content_type="application/pdf")
    page = admin_client.post(url, {"file": bad, "survey": "S", "mapping": "delighted"})
    assert page.status_code == 200
    assert "Choose a .csv or .xlsx file." in page.content.decode()
    gone = admin_client.post(url, {"token": "../../etc/passwd", "survey": "S", "mapping": "delighted"})
    assert gone.status_code == 302
    no_columns = SimpleUploadedFile("x.csv", b"a,b\n1,2\n", content_type="text/csv")
    page = admin_client.post(url, {"file": no_columns, "survey": "S", "mapping": "delighted"})
    assert "The file has no column for score" in page.content.decode()


def test_saved_mapping_is_checked(admin_client):
    url = reverse("admin:importers_columnmapping_add")
    page = admin_client.post(url, {"name": "crm", "columns": '{"scroe": "Score"}', "date_format": ""})
    assert "Unknown fields in mapping" in page.content.decode()
    admin_client.post(url, {"name": "crm", "columns": '{"score": "NPS", "submitted_at": "When"}', "date_format": ""})
    assert ColumnMapping.objects.get().columns == {"score": "NPS", "submitted_at": "When"}
