"""Apply the NHS restructure (ICB mergers, splits, acquisitions) that takes effect on a date.

    manage.py restructure_apply --date 2026-04-01 --placements frimley.csv --dry-run

The placements file has the columns `ods_code,successor_ods_code`: for each provider of a split
ICB (a GP practice, local authority, …), the successor ICB it belongs to from that date.
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leder.organisations.errors import RestructureError
from leder.organisations.management.csv_rows import read_csv_rows
from leder.organisations.presenters import restructure_report_lines
from leder.organisations.selectors import normalise_ods_code
from leder.organisations.services import RESTRUCTURE_ACTOR, restructure_apply

PLACEMENT_COLUMNS = ("ods_code", "successor_ods_code")


def read_placements(path: Path) -> dict[str, str]:
    """Provider ODS code → successor ODS code, or CommandError saying what is wrong, by line."""
    rows = read_csv_rows(path, PLACEMENT_COLUMNS)
    placements: dict[str, str] = {}
    lines: dict[str, int] = {}
    problems = []
    for line, row in enumerate(rows, start=2):
        provider = normalise_ods_code(row.get("ods_code"))
        successor = normalise_ods_code(row.get("successor_ods_code"))
        if not provider or not successor:
            problems.append(f"line {line}: both ods_code and successor_ods_code are needed.")
        elif provider in placements:
            problems.append(f"line {line}: {provider} is placed already on line {lines[provider]}.")
        else:
            placements[provider], lines[provider] = successor, line
    if problems:
        raise CommandError(f"{path}:\n" + "\n".join(problems))
    return placements


class Command(BaseCommand):
    help = "Apply the restructure (successions) that takes effect on --date, in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="The restructure's date, 2026-04-01")
        parser.add_argument(
            "--placements",
            type=Path,
            help="CSV of ods_code,successor_ods_code placing providers of split organisations",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would happen and save nothing"
        )

    def handle(self, *args, **options):
        try:
            effective_on = date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(
                f"--date {options['date']!r} is not a date: write it like 2026-04-01."
            ) from None
        placements = read_placements(options["placements"]) if options["placements"] else {}
        try:
            report = restructure_apply(
                effective_on=effective_on,
                actor=RESTRUCTURE_ACTOR,
                placements=placements,
                dry_run=options["dry_run"],
            )
        except RestructureError as error:
            raise CommandError(str(error)) from None
        for line in restructure_report_lines(report):
            self.stdout.write(line)
