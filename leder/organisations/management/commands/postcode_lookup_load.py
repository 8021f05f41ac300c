"""Load a published postcode directory of the ONS as the postcode lookup (docs/adr/0158).

    manage.py postcode_lookup_load NSPL_MAY_2026.zip --source "NSPL May 2026" --published 2026-05-20

The file is the zip the ONS Open Geography Portal publishes (the National Statistics Postcode
Lookup, NSPL, or the ONS Postcode Directory, ONSPD; Open Government Licence v3.0), or the large
CSV inside it (`Data/NSPL_…_UK.csv`, `Data/ONSPD_…_UK.csv`). Only the postcode, its ICB and its
date of termination are read; the sectors and districts wholly in one ICB are kept. All or
nothing: a file that cannot be read changes nothing.
"""

import csv
import hashlib
import io
import zipfile
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leder.organisations.services.postcodes import DirectoryError, postcode_lookup_load


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _directory_member(archive: zipfile.ZipFile) -> str:
    """The whole-UK CSV of a published zip (the largest CSV under Data/, else the largest)."""
    csvs = [i for i in archive.infolist() if i.filename.lower().endswith(".csv")]
    if not csvs:
        raise CommandError("The zip file holds no CSV file.")
    data = [i for i in csvs if "/data/" in f"/{i.filename.lower()}"] or csvs
    return max(data, key=lambda i: i.file_size).filename


@contextmanager
def _open_text(path: Path):
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive, archive.open(_directory_member(archive)) as raw:
            yield io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    else:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield handle


class Command(BaseCommand):
    help = "Load an ONS postcode directory (NSPL or ONSPD) as the postcode → ICB lookup."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--source", required=True, help='What the file is, as published: "NSPL May 2026"'
        )
        parser.add_argument(
            "--published", required=True, type=date.fromisoformat, help="YYYY-MM-DD"
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            with _open_text(path) as handle:
                reader = csv.reader(handle)
                header = next(reader, None)
                if header is None:
                    raise CommandError(f"{path}: the file is empty.")
                lookup = postcode_lookup_load(
                    header=header,
                    rows=reader,
                    source=options["source"],
                    published_on=options["published"],
                    file_name=path.name,
                    file_sha256=_sha256(path),
                )
        except DirectoryError as error:
            raise CommandError(f"{path}: nothing was loaded. {error}") from None
        except (UnicodeDecodeError, csv.Error, IndexError, zipfile.BadZipFile) as error:
            raise CommandError(
                f"{path}: nothing was loaded: not a readable CSV ({error})."
            ) from None
        self.stdout.write(
            f"{lookup}: {lookup.live_postcodes:,} live postcodes in England; "
            f"{lookup.sectors:,} sectors and {lookup.districts:,} districts wholly in one ICB."
        )
        if lookup.unknown_icb_codes:
            self.stdout.write(
                "These ICB codes match no open ICB here, so their postcodes place nothing: "
                + ", ".join(lookup.unknown_icb_codes)
                + ". Give the ICBs their ONS code (GSS code) and load the file again."
            )
