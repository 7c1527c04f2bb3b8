"""The admin's import forms: the file and its choices, then the confirmation of a previewed file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from importers.mappings import MappingRefused, column_map_from
from importers.models import ColumnMapping
from importers.reading import FileRefused, file_kind

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # larger files: manage.py import_responses


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("CSV (UTF-8) or XLSX, up to 20 MB; larger files: manage.py import_responses.")
    )
    survey = forms.ChoiceField(label=_("Survey"))
    touchpoint = forms.CharField(label=_("Touchpoint key"), required=False, max_length=64)
    mapping = forms.ChoiceField(label=_("Column mapping"))
    cutoff = forms.DateField(
        label=_("Cut-off date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Answers before this day are history: counted and analysed, but they never open a case or "
            "email anyone. Blank: every answer in the file is history."
        ),
    )

    def __init__(self, *args, surveys: list[str], mappings: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].choices = [(name, name) for name in surveys]
        self.fields["mapping"].choices = [(name, name) for name in mappings]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB: import it with manage.py import_responses."))
        try:
            file_kind(upload.name)
        except FileRefused:
            raise forms.ValidationError(_("Choose a .csv or .xlsx file.")) from None
        return upload


class ColumnMappingForm(forms.ModelForm):
    class Meta:
        model = ColumnMapping
        fields = ("name", "columns", "date_format")

    def clean_columns(self):
        columns = self.cleaned_data["columns"]
        if not isinstance(columns, dict):
            raise forms.ValidationError(_('Give an object of field to header, such as {"score": "Score"}.'))
        try:
            column_map_from("mapping", columns)
        except MappingRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return columns
