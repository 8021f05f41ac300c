"""Writing the dataset and its specification to files, and where the files live.

An export's files are kept in `LEDER_PRIVATE_MEDIA_ROOT/exports/<export id>/`, readable by the
service's account only, and reach people only through the audited download service: no URL
serves the folder.

XLSX is written here, part by part into the zip, a row at a time (`write_xlsx`): openpyxl's
write-only mode streamed too but cost about 0.2 ms a cell, so a year of England (about 700,000
cells) took minutes (issue 17, ADR 0172). The sheets hold numbers, booleans and inline strings
only; every text cell is an inline string, so a value that starts with "=" can never become a
formula in the recipient's spreadsheet. Characters XML cannot carry (control characters other
than tab and newline) are left out of a cell's text.
"""

import hashlib
import json
import os
import re
import zipfile
from itertools import chain
from pathlib import Path
from xml.sax.saxutils import escape

import polars as pl

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


# --- XLSX ----------------------------------------------------------------------------------------

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ROWS_PER_WRITE = 500

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/worksheets/sheet2.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\
<sheet name="dataset" sheetId="1" r:id="rId1"/>\
<sheet name="specification" sheetId="2" r:id="rId2"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet2.xml"/>\
<Relationship Id="rId3" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/></Relationships>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_END = "</sheetData></worksheet>"


def _column_letters(count: int) -> list[str]:
    letters = []
    for number in range(1, count + 1):
        name = ""
        while number:
            number, remainder = divmod(number - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


def _xlsx_cell(reference: str, value) -> str:
    """One cell's XML: nothing for an empty value, a boolean, a number, or an inline string
    (text is never a formula)."""
    if value is None:
        return ""
    if value is True or value is False:
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""  # NaN and infinities have no spreadsheet value
        return f'<c r="{reference}"><v>{value!r}</v></c>'
    text = escape(_XML_ILLEGAL.sub("", str(value)))
    return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _write_sheet(archive: zipfile.ZipFile, name: str, rows) -> None:
    """Stream `rows` (each row's cells as XML, the first the headings) into the sheet part
    `name`, some hundreds of rows per write."""
    with archive.open(name, "w", force_zip64=True) as part:
        part.write(_SHEET_START.encode())
        buffer: list[str] = []
        for number, cells in enumerate(rows, start=1):
            buffer.append(f'<row r="{number}">{cells}</row>')
            if len(buffer) == _ROWS_PER_WRITE:
                part.write("".join(buffer).encode("utf-8"))
                buffer = []
        part.write(("".join(buffer) + _SHEET_END).encode("utf-8"))


def _value_rows(rows, width: int):
    """Rows of values (iterables of `width`, the first the headings) as their cells' XML."""
    letters = _column_letters(width)
    for number, row in enumerate(rows, start=1):
        yield "".join(
            _xlsx_cell(f"{letter}{number}", value)
            for letter, value in zip(letters, row, strict=False)
        )


# Characters XML cannot carry, for polars' regular expressions (the same as `_XML_ILLEGAL`).
_XML_ILLEGAL_PATTERN = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]"


def _column_values(series: pl.Series) -> list:
    """A column's values as the cells write them: text escaped by polars, the whole column at
    once (the characters XML cannot carry left out, then `&`, `>` and `<` as entities, as
    `_xlsx_cell` does); other values as they are."""
    if series.dtype != pl.String:
        return series.to_list()
    return (
        series.str.replace_all(_XML_ILLEGAL_PATTERN, "")
        .str.replace_all("&", "&amp;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .to_list()
    )


def _column_cells(values: list, letter: str, first: int, text: bool) -> list[str]:
    """Cells of one column, as `_xlsx_cell` writes them, numbered from `first`."""
    if not text:
        return [
            _xlsx_cell(f"{letter}{number}", value) for number, value in enumerate(values, first)
        ]
    return [
        ""
        if value is None
        else f'<c r="{letter}{number}" t="inlineStr"><is><t xml:space="preserve">{value}</t></is>'
        "</c>"
        for number, value in enumerate(values, first)
    ]


def _frame_rows(frame: pl.DataFrame):
    """The frame's rows as their cells' XML, the headings first: each column's values read (and
    text escaped) once, the cells then made a column at a time for a slice of rows."""
    letters = _column_letters(frame.width)
    yield from _value_rows([frame.columns], frame.width)
    texts = [dtype == pl.String for dtype in frame.dtypes]
    values = [_column_values(series) for series in frame.iter_columns()]
    for offset in range(0, frame.height, _ROWS_PER_WRITE):
        columns = [
            _column_cells(column[offset : offset + _ROWS_PER_WRITE], letter, offset + 2, text)
            for column, letter, text in zip(values, letters, texts, strict=True)
        ]
        yield from map("".join, zip(*columns, strict=True))


def write_xlsx(frame: pl.DataFrame, path: Path, *, spec_version: str | None = None) -> None:
    """The dataset on one sheet and the specification (of `spec_version`) on another, written
    a slice of rows at a time into the zip: memory does not grow with the number of rows."""
    headings = ("name", "type", "allowed", "description", "derivation", "source")
    fields = [
        (f.name, f.type, f.allowed, f.description, f.derivation, f.source)
        for f in spec.specification(spec_version).fields
    ]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        _write_sheet(archive, "xl/worksheets/sheet1.xml", _frame_rows(frame))
        _write_sheet(
            archive,
            "xl/worksheets/sheet2.xml",
            _value_rows(chain([headings], fields), len(headings)),
        )
    _private(path)


def write_bytes(content: bytes, path: Path) -> None:
    path.write_bytes(content)
    _private(path)


def write_json(data: dict, path: Path) -> None:
    write_bytes(json.dumps(data, indent=2, ensure_ascii=False, default=str).encode(), path)


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "parquet": write_parquet}
