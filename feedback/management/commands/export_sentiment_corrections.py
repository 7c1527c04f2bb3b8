"""manage.py export_sentiment_corrections [--format jsonl|csv] [--output FILE]: staff's labels as training data."""

import csv
import json
import sys

from django.core.management.base import BaseCommand

from feedback import selectors


class Command(BaseCommand):
    help = (
        "Write each comment whose sentiment staff corrected, once, with the latest corrected label: "
        "item_id, text, language, label, analysis_label, corrected_by, at (UTC). JSON Lines or CSV, UTF-8."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl", help="jsonl (default) or csv")
        parser.add_argument("--output", help="the file to write (default: standard output)")

    def handle(self, *args, format="jsonl", output=None, **options):
        target = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
        count = 0
        try:
            if format == "csv":
                writer = csv.DictWriter(target, fieldnames=selectors.TRAINING_COLUMNS, lineterminator="\n")
                writer.writeheader()
            for row in selectors.sentiment_training_rows():
                if format == "csv":
                    writer.writerow(row)
                else:
                    target.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
        finally:
            if output:
                target.close()
        self.stderr.write(f"Wrote {count} corrected comments.")
