"""manage.py reanalyze [--since DATE] [--survey ID] [--failed]: analyse feedback items again, in batches."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from tqdm import tqdm

from feedback import selectors, services


class Command(BaseCommand):
    help = "Analyse feedback items again with the current analysers; each keeps its old result until the new is saved."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="only comments given since this date or time (ISO 8601)")
        parser.add_argument("--survey", type=int, help="only comments on this survey (id)")
        parser.add_argument("--failed", action="store_true", help="only items whose analysis failed")
        parser.add_argument("--batch", type=int, default=500, help="items analysed and saved at once")

    def handle(self, *args, since=None, survey=None, failed=False, batch=500, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        ids = selectors.feedback_item_ids(since=_since(since), survey_id=survey, failed_only=failed)
        stored = 0
        with tqdm(total=len(ids), unit="item", disable=options["verbosity"] == 0, file=self.stderr) as bar:
            for start in range(0, len(ids), batch):
                chunk = ids[start : start + batch]
                stored += services.feedback_items_reanalyse(ids=chunk)
                bar.update(len(chunk))
        failed_now = len(ids) - stored
        self.stdout.write(f"Analysed {stored} of {len(ids)} items" + (f"; {failed_now} failed." if failed_now else "."))


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--since {value!r} is not a date (YYYY-MM-DD) or an ISO 8601 time.")
        moment = datetime.combine(day, time.min)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
