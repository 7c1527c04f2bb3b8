"""The admin: saved column mappings, and the import of a file (upload, preview, confirm)."""

import tempfile
import time
import uuid
from pathlib import Path

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from importers import selectors
from importers.forms import ColumnMappingForm, ImportForm
from importers.mappings import MappingRefused
from importers.models import ColumnMapping
from importers.reading import FileRefused, file_kind
from importers.services import import_run
from surveys.import_selectors import ImportTargetUnknown, import_target_get
from surveys.selectors import survey_list

RUN_PERMISSION = "importers.run_import"
_UPLOADS = Path(tempfile.gettempdir()) / "cx-imports"


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    form = ColumnMappingForm
    list_display = ("name", "date_format", "updated_at")
    search_fields = ("name",)
    change_list_template = "admin/importers/columnmapping/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="importers_import"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        context = {"can_import": request.user.has_perm(RUN_PERMISSION), **(extra_context or {})}
        return super().changelist_view(request, context)

    def import_view(self, request):
        """Upload a file and see what it would import; confirm to import it (in this request)."""
        if not request.user.has_perm(RUN_PERMISSION):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("token"):
            return self._confirmed(request)
        form = ImportForm(
            request.POST or None,
            request.FILES or None,
            surveys=list(survey_list().filter(active=True).values_list("name", flat=True)),
            mappings=selectors.column_map_names(),
        )
        report = token = None
        if request.method == "POST" and form.is_valid():
            token = f"{uuid.uuid4().hex}.{file_kind(form.cleaned_data['file'].name)}"
            _UPLOADS.mkdir(exist_ok=True)
            _forget_old_uploads()
            with open(_UPLOADS / token, "wb") as stored:
                for chunk in form.cleaned_data["file"].chunks():
                    stored.write(chunk)
            report = self._run(request, form.cleaned_data, token, form=form, dry_run=True)
            if report is None:
                token = None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import answers"),
            "opts": self.opts,
            "form": form,
            "report": report,
            "token": token,
            "choices": form.cleaned_data if report is not None else {},
        }
        return TemplateResponse(request, "admin/importers/columnmapping/import.html", context)

    def _run(self, request, choices, token, *, form=None, dry_run: bool):
        """Run the import (or its dry run) on the stored file; None, with the refusal shown, when it cannot start."""
        cutoff = choices.get("cutoff")
        try:
            return import_run(
                source=_UPLOADS / token,
                kind=file_kind(token),
                target=import_target_get(survey=choices["survey"], touchpoint=choices.get("touchpoint") or ""),
                column_map=selectors.column_map_get(name=choices["mapping"]),
                cutoff=_midnight(cutoff) if cutoff else None,
                dry_run=dry_run,
            )
        except (FileRefused, MappingRefused, ImportTargetUnknown) as refused:
            if form is not None:
                form.add_error(None, str(refused))
            else:
                self.message_user(request, str(refused), messages.ERROR)
            return None

    def _confirmed(self, request):
        token = request.POST["token"]
        stored = _UPLOADS / token
        if not _token_ok(token) or not stored.is_file():
            self.message_user(request, _("The previewed file is gone; upload it again."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:importers_import"))
        choices = {name: request.POST.get(name, "") for name in ("survey", "touchpoint", "mapping")}
        choices["cutoff"] = _date(request.POST.get("cutoff", ""))
        try:
            report = self._run(request, choices, token, dry_run=False)
        finally:
            stored.unlink(missing_ok=True)
        if report is not None:
            message = _(
                "%(created)d answers imported (%(history)d as history, %(live)d as live answers); "
                "%(skipped)d already imported; %(refused)d refused."
            )
            self.message_user(request, message % {**vars(report), "created": report.created}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:importers_import"))


def _forget_old_uploads() -> None:
    """Delete previewed files nobody confirmed within a day."""
    stale = time.time() - 86_400
    for upload in _UPLOADS.iterdir():
        if upload.stat().st_mtime < stale:
            upload.unlink(missing_ok=True)


def _token_ok(token: str) -> bool:
    name, _dot, kind = token.partition(".")
    return kind in ("csv", "xlsx") and len(name) == 32 and all(c in "0123456789abcdef" for c in name)


def _date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _midnight(day):
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time.min))
