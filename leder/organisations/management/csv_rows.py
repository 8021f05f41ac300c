"""Reading a CSV file given to a management command: its rows, or a CommandError saying why not."""

import csv
from collections.abc import Sequence
from pathlib import Path

from django.core.management.base import CommandError


def read_csv_rows(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    """The rows of a UTF-8 CSV file whose first line names at least `columns`, keys stripped."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in (reader.fieldnames or [])]
            missing = [c for c in columns if c not in header]
            if missing:
                raise CommandError(
                    f"{path}: the first line must name the columns "
                    f"{','.join(columns)} (missing: {', '.join(missing)})."
                )
            return [{k.strip(): v for k, v in row.items() if k} for row in reader]
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not a UTF-8 text file.") from None
    except csv.Error as error:
        raise CommandError(f"{path}: not a readable CSV file ({error}).") from None
