from django.core.management.base import BaseCommand

from surveys.services.rollups import score_rollups_rebuild


class Command(BaseCommand):
    help = "Recount the score rollups from the responses (after a bulk load or a restore; answers wait meanwhile)."

    def handle(self, *args, **options):
        rows = score_rollups_rebuild()
        self.stdout.write(f"Score rollups rebuilt: {rows} rows.")
