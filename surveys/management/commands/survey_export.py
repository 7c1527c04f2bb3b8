"""Print a survey's definition as JSON (the versioned file `survey_import` reads)."""

from django.core.management.base import BaseCommand, CommandError

from surveys.definition_selectors import survey_definition
from surveys.definitions import definition_json
from surveys.models import Survey


class Command(BaseCommand):
    help = "Print a survey's definition (texts, questions, contact rules; no secrets) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("survey_id", type=int, help="The survey's id (GET /api/v1/surveys/ lists them).")

    def handle(self, *args, survey_id: int, **options):
        try:
            definition = survey_definition(survey_id=survey_id)
        except Survey.DoesNotExist:
            raise CommandError(f"No survey has id {survey_id}.") from None
        self.stdout.write(definition_json(definition), ending="")
