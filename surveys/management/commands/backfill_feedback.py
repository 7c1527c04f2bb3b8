"""manage.py backfill_feedback: give answers stored before feedback items existed their items."""

from django.core.management.base import BaseCommand

from surveys import services
from surveys.models import Response


class Command(BaseCommand):
    help = (
        "Record a feedback item for every answer that has none (answers stored before items existed); "
        "their analysis and closed-loop rules then run as for new answers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--survey", type=int, help="only answers to this survey (id)")

    def handle(self, *args, survey=None, **options):
        responses = Response.objects.all()
        if survey is not None:
            responses = responses.filter(survey_id=survey)
        recorded = services.responses_feedback_backfill(responses=responses)
        self.stdout.write(f"Recorded {recorded} feedback items.")
