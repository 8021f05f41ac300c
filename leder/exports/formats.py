"""Writing the dataset and its specification to files, and where the files live.

An export's files are kept in `LEDER_PRIVATE_MEDIA_ROOT/exports/<export id>/`, readable by the
service's account only, and reach people only through the audited download service: no URL
serves the folder.

XLSX is written with openpyxl directly (polars' own writer needs xlsxwriter, which the project
does not install), in write-only mode so a large cohort streams rather than building the whole
workbook in memory. Every text cell is written as text, so a value that starts with "=" can
never become a formula in the recipient's spreadsheet.
"""

import hashlib
import json
import os
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from leder.exports import spec
from leder.reviews.services.uploads import private_root

#: Download kinds → (file suffix, content type).
KINDS: dict[str, tuple[str, str]] = {
    "csv": ("csv", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "parquet": ("parquet", "application/vnd.apache.parquet"),
    "spec_csv": ("csv", "text/csv; charset=utf-8"),
    "spec_json": ("json", "application/json"),
    "manifest": ("json", "application/json"),
}
KIND_LABELS = {
    "csv": "Dataset (CSV)",
    "xlsx": "Dataset (Excel, XLSX)",
    "parquet": "Dataset (Parquet)",
    "spec_csv": "Data specification (CSV)",
    "spec_json": "Data specification (JSON)",
    "manifest": "Manifest (JSON)",
}


def exports_root() -> Path:
    """Dataset files hold pseudonymised records: they live with the other private files, never
    under MEDIA_ROOT (which a deployment may serve)."""
    return private_root() / "exports"


def export_dir(export) -> Path:
    return exports_root() / str(export.pk)


def file_name(export, kind: str) -> str:
    suffix = KINDS[kind][0]
    if kind.startswith("spec_"):
        return f"leder-dataset-specification-{export.spec_version}.{suffix}"
    if kind == "manifest":
        return f"leder-dataset-{export.pk}-manifest.{suffix}"
    return f"leder-dataset-{export.pk}.{suffix}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _private(path: Path) -> None:
    os.chmod(path, 0o600)


def write_csv(frame: pl.DataFrame, path: Path, *, spec_version: str | None = None) -> None:
    frame.write_csv(path)
    _private(path)


def write_parquet(frame: pl.DataFrame, path: Path, *, spec_version: str | None = None) -> None:
    frame.write_parquet(path)
    _private(path)


def _cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def write_xlsx(frame: pl.DataFrame, path: Path, *, spec_version: str | None = None) -> None:
    """The dataset on one sheet and the specification (of `spec_version`) on another."""
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("dataset")
    data.append([_cell(data, name) for name in frame.columns])
    for row in frame.iter_rows():
        data.append([_cell(data, value) for value in row])
    fields = workbook.create_sheet("specification")
    headings = ("name", "type", "allowed", "description", "derivation", "source")
    fields.append([_cell(fields, h) for h in headings])
    for f in spec.specification(spec_version).fields:
        values = (f.name, f.type, f.allowed, f.description, f.derivation, f.source)
        fields.append([_cell(fields, v) for v in values])
    workbook.save(path)
    _private(path)


def write_bytes(content: bytes, path: Path) -> None:
    path.write_bytes(content)
    _private(path)


def write_json(data: dict, path: Path) -> None:
    write_bytes(json.dumps(data, indent=2, ensure_ascii=False, default=str).encode(), path)


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "parquet": write_parquet}
