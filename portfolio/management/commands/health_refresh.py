"""`python manage.py health_refresh`: recompute every account's health and temperature now."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from portfolio.services.refresh import accounts_refresh


class Command(BaseCommand):
    help = "Recompute the health and temperature of every account (or those named) as of today, or --as-of."

    def add_arguments(self, parser):
        parser.add_argument("external_ids", nargs="*", help="Only these accounts (external ids).")
        parser.add_argument("--as-of", help="The day to compute for (YYYY-MM-DD); today when left out.")

    def handle(self, *args, external_ids, as_of, **options):
        from accounts.models import Account

        try:
            day = date.fromisoformat(as_of) if as_of else None
        except ValueError as error:
            raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}.") from error
        ids = None
        if external_ids:
            found = dict(Account.objects.filter(external_id__in=external_ids).values_list("external_id", "pk"))
            if missing := sorted(set(external_ids) - set(found)):
                raise CommandError(f"No account with external id: {', '.join(missing)}.")
            ids = list(found.values())
        summary = accounts_refresh(ids, as_of=day)
        self.stdout.write(f"Health refreshed: {summary.accounts} accounts, {summary.band_changes} band changes.")
