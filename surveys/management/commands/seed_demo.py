from django.core.management.base import BaseCommand

from surveys.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Load the demo surveys, touchpoints, customers and answers (idempotent)."

    def handle(self, *args, **options):
        result = seed_demo()
        self.stdout.write(
            f"Demo data: {result.surveys} surveys, {result.touchpoints} touchpoints, {result.customers} customers, "
            f"{result.created_responses} new responses."
        )
