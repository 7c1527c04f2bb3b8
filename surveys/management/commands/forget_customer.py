from django.core.management.base import BaseCommand, CommandError

from surveys.models import Customer, Erasure
from surveys.services.privacy import customer_forget


class Command(BaseCommand):
    help = "Forget a customer (PIPL / GDPR): anonymize their answers, feedback, cases and advocate; delete the rest."

    def add_arguments(self, parser):
        parser.add_argument("external_id", help="the customer's external id, as their systems send it")

    def handle(self, *args, external_id, **options):
        try:
            erasure = customer_forget(external_id=external_id, via=Erasure.Via.COMMAND)
        except Customer.DoesNotExist:
            raise CommandError(f"No customer has the external id {external_id!r}.") from None
        changed = ", ".join(f"{name} {count}" for name, count in erasure.counts.items())
        self.stdout.write(f"Customer forgotten (erasure #{erasure.pk}): {changed}.")
