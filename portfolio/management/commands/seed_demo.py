from django.core.management.base import BaseCommand
from django.db import transaction

from portfolio.demo import demo_portfolio
from surveys.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Load the demo surveys, touchpoints, customers, answers and accounts with their health (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            result = seed_demo()
            accounts = demo_portfolio()
        self.stdout.write(
            f"Demo data: {result.surveys} surveys, {result.touchpoints} touchpoints, {result.customers} customers, "
            f"{result.created_responses} new responses, {accounts} accounts."
        )
