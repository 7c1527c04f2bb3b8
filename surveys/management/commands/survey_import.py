"""Create a survey from a definition file that `survey_export` wrote; refused, it names each problem's path."""

import sys

from django.core.management.base import BaseCommand, CommandError

from surveys.definition_checks import DefinitionRefused, definition_parse
from surveys.services.definitions import survey_import


class Command(BaseCommand):
    help = "Create a survey from a definition file (JSON, format cxplatform.survey); - reads standard input."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The definition file, or - for standard input.")
        parser.add_argument("--name", help="Import under this name instead of the file's (e.g. when it is taken).")

    def handle(self, *args, file: str, name: str | None, **options):
        try:
            raw = sys.stdin.buffer.read() if file == "-" else _read(file)
            imported = survey_import(data=definition_parse(raw), name=name)
        except DefinitionRefused as refused:
            lines = "\n".join(f"  {problem}" for problem in refused.problems)
            raise CommandError(f"{file} was not imported; nothing was saved:\n{lines}") from None
        self.stdout.write(f"Imported survey {imported.id}: {imported.name} (public key {imported.public_key}).")
        if imported.touchpoints_made:
            self.stdout.write(f"New touchpoints: {', '.join(imported.touchpoints_made)}.")


def _read(file: str) -> bytes:
    try:
        with open(file, "rb") as handle:
            return handle.read()
    except OSError as wrong:
        raise CommandError(f"Cannot read {file}: {wrong.strerror}.") from None
