"""manage.py import_responses FILE --survey NAME --mapping delighted|formbricks|cxplatform|<saved> [options]."""

from datetime import datetime, time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from importers.reading import file_kind
from importers.selectors import column_map_get
from importers.services import DEFAULT_BATCH, ImportReport, import_run
from surveys.import_selectors import ImportTargetUnknown, import_target_get


class Command(BaseCommand):
    help = "Import answers (and their customers) from a CSV or XLSX file exported by another tool."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file")
        parser.add_argument("--survey", required=True, help="the target survey's name or id")
        parser.add_argument("--touchpoint", default="", help="the touchpoint's key (optional)")
        parser.add_argument("--mapping", required=True, help="delighted, formbricks, cxplatform or a saved mapping")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")
        parser.add_argument(
            "--cutoff",
            help="YYYY-MM-DD: answers from this day on are treated as live (cases, advocates, emails); "
            "older ones are history only. Default: now (everything is history)",
        )
        parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="rows per transaction")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")
        try:
            kind = file_kind(path.name)
            target = import_target_get(survey=options["survey"], touchpoint=options["touchpoint"])
            column_map = column_map_get(name=options["mapping"])
            cutoff = _cutoff(options["cutoff"])
            with tqdm(unit="rows", disable=options["verbosity"] < 1, file=self.stderr) as bar:
                report = import_run(
                    source=path,
                    kind=kind,
                    target=target,
                    column_map=column_map,
                    cutoff=cutoff,
                    dry_run=options["dry_run"],
                    batch=options["batch"],
                    progress=lambda done: bar.update(done - bar.n),
                )
        except (ValueError, ImportTargetUnknown) as error:
            raise CommandError(str(error)) from None
        self._report(report)

    def _report(self, report: ImportReport) -> None:
        would = "would be " if report.dry_run else ""
        self.stdout.write(
            f"{report.rows} rows: {report.history} {would}imported as history, {report.live} {would}imported as live "
            f"answers, {report.skipped} already imported, {report.refused} refused."
        )
        for number, reason in report.refusals:
            self.stdout.write(f"  row {number}: {reason}")
        if report.refused > len(report.refusals):
            self.stdout.write(f"  … and {report.refused - len(report.refusals)} more refused rows.")


def _cutoff(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(f"--cutoff: {text!r} is not a date written YYYY-MM-DD.") from None
    return timezone.make_aware(datetime.combine(day, time.min))
