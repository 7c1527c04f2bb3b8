"""`python manage.py health_refresh`: recompute every account's health and temperature now."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.signal_rows import EARLIEST_DATE
from portfolio.services.refresh import accounts_refresh


class Command(BaseCommand):
    help = (
        "Recompute the health and temperature of every account (or those named) now, and act on their risks. "
        "--as-of DAY rebuilds a past day's snapshots instead (no risk is acted on; the accounts keep today's scores)."
    )

    def add_arguments(self, parser):
        parser.add_argument("external_ids", nargs="*", help="Only these accounts (external ids).")
        parser.add_argument("--as-of", help="A past day whose snapshots to rebuild (YYYY-MM-DD).")

    def handle(self, *args, external_ids, as_of, **options):
        from accounts.models import Account

        today = timezone.localdate()
        day = self._day(as_of, today)
        ids = None
        if external_ids:
            found = dict(Account.objects.filter(external_id__in=external_ids).values_list("external_id", "pk"))
            if missing := sorted(set(external_ids) - set(found)):
                raise CommandError(f"No account with external id: {', '.join(missing)}.")
            ids = list(found.values())
        if day is None or day == today:
            summary = accounts_refresh(ids)
            self.stdout.write(f"Health refreshed: {summary.accounts} accounts, {summary.band_changes} band changes.")
            return
        summary = accounts_refresh(ids, as_of=day, plays=False)
        accounts_refresh(ids, as_of=today, plays=False)  # the accounts show today's scores again
        self.stdout.write(f"Snapshots of {day} rebuilt: {summary.accounts} accounts.")

    @staticmethod
    def _day(as_of: str | None, today: date) -> date | None:
        if not as_of:
            return None
        try:
            day = date.fromisoformat(as_of)
        except ValueError as error:
            raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}.") from error
        if not EARLIEST_DATE <= day <= today:
            raise CommandError(f"--as-of must be from {EARLIEST_DATE.isoformat()} to today ({today.isoformat()}).")
        return day
