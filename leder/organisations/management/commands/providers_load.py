"""Load or update providers (GP practices, trusts, local authorities, care providers) from CSV.

    manage.py providers_load leder/organisations/data/demo_providers.csv

Columns: ods_code,name,kind,icb_ods_code,postcode,opened_on,closed_on (dates like 2026-04-01,
empty if not known). All or nothing: a file with any problem changes nothing.
"""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leder.organisations.errors import ProvidersLoadError
from leder.organisations.services import PROVIDER_COLUMNS, providers_load

# Enough to fix a file by; the rest are the same mistakes further down.
_MAX_PROBLEMS_SHOWN = 50


class Command(BaseCommand):
    help = "Create or update providers from a CSV file, audited."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        path: Path = options["file"]
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                header = [name.strip() for name in (reader.fieldnames or [])]
                missing = [c for c in PROVIDER_COLUMNS if c not in header]
                if missing:
                    raise CommandError(
                        f"{path}: the first line must name the columns "
                        f"{','.join(PROVIDER_COLUMNS)} (missing: {', '.join(missing)})."
                    )
                rows = [{k.strip(): v for k, v in row.items() if k} for row in reader]
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not a UTF-8 text file.") from None
        except csv.Error as error:
            raise CommandError(f"{path}: not a readable CSV file ({error}).") from None
        try:
            result = providers_load(rows=rows, actor="system:providers_load", source=str(path))
        except ProvidersLoadError as error:
            shown = error.problems[:_MAX_PROBLEMS_SHOWN]
            more = len(error.problems) - len(shown)
            raise CommandError(
                f"{path}: nothing was loaded.\n"
                + "\n".join(shown)
                + (f"\n…and {more} more problems." if more else "")
            ) from None
        self.stdout.write(
            f"{path}: {len(result.created)} providers created, {len(result.updated)} updated, "
            f"{result.unchanged} unchanged."
        )
