"""The survey admin's definition files: the "Export as JSON" action and the "Import from JSON" page.

Kept apart from surveys/admin.py: SurveyAdmin takes this mixin, its action and its page. One
survey exports as a .json file, several as a .zip of one file each (each importable alone).
"""

import io
import zipfile

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from surveys.definition_checks import DefinitionRefused, Problem, definition_parse
from surveys.definition_selectors import survey_definition
from surveys.definitions import definition_json
from surveys.services.definitions import survey_import

UPLOAD_MAX_BYTES = 5 * 1024 * 1024  # the largest file the schema allows, with long labels, is about 1.5 MB


def problem_text(problem: Problem) -> str:
    """A problem's wording in the reader's language (its path stays as it is)."""
    if not problem.template:
        return problem.message
    return gettext(problem.template).format(**dict(problem.params))


def definition_file_name(survey_id: int, name: str) -> str:
    slug = slugify(name)[:60]
    return f"survey-{survey_id}-{slug}.json" if slug else f"survey-{survey_id}.json"


class DefinitionImportForm(forms.Form):
    file = forms.FileField(label=_("Definition file (JSON)"))
    name = forms.CharField(
        label=_("Import under the name"),
        max_length=200,
        required=False,
        help_text=_("Blank: the name in the file. A survey of that name must not exist here."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB; a survey definition is far smaller."))
        return upload


class SurveyDefinitionsAdmin:
    """Mixed into SurveyAdmin: export selected surveys, import a file."""

    change_list_template = "admin/surveys/survey/change_list.html"

    @admin.action(description=_("Export as JSON"))
    def export_definitions(self, request, queryset):
        surveys = list(queryset.order_by("id").values_list("id", "name"))
        if len(surveys) == 1:
            (survey_id, name), *_rest = surveys
            response = HttpResponse(
                definition_json(survey_definition(survey_id=survey_id)), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{definition_file_name(survey_id, name)}"'
            return response
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for survey_id, name in surveys:
                archive.writestr(
                    definition_file_name(survey_id, name), definition_json(survey_definition(survey_id=survey_id))
                )
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="surveys.zip"'
        return response

    def get_urls(self):
        page = self.admin_site.admin_view(self.import_definition_view)
        return [path("import/", page, name="surveys_survey_import"), *super().get_urls()]

    def import_definition_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DefinitionImportForm(request.POST or None, request.FILES or None)
        problems: list[tuple[str, str]] = []
        if request.method == "POST" and form.is_valid():
            try:
                imported = survey_import(
                    data=definition_parse(form.cleaned_data["file"].read()), name=form.cleaned_data["name"] or None
                )
            except DefinitionRefused as refused:
                problems = [(problem.path, problem_text(problem)) for problem in refused.problems]
            else:
                self.message_user(
                    request,
                    gettext("Survey “{name}” imported, with a new public key and identity secret.").format(
                        name=imported.name
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:surveys_survey_change", args=[imported.id]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a survey from JSON"),
            "opts": self.model._meta,
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/surveys/survey/import_definition.html", context)
