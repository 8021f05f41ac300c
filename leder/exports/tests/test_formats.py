"""The file formats and the specification, without a database."""

import json

import openpyxl
import polars as pl

from leder.exports import formats, spec


def _frame(**values) -> pl.DataFrame:
    row = {name: values.get(name) for name in spec.FIELD_NAMES}
    return pl.DataFrame([tuple(row.values())], schema=spec.SCHEMA, orient="row")


def test_text_that_looks_like_a_formula_stays_text_in_xlsx(tmp_path):
    path = tmp_path / "data.xlsx"
    formats.write_xlsx(_frame(learning_concerns='=HYPERLINK("http://x","y")'), path)
    sheet = openpyxl.load_workbook(path)["dataset"]
    cell = sheet.cell(row=2, column=spec.FIELD_NAMES.index("learning_concerns") + 1)
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x","y")'


def test_every_format_keeps_the_specifications_columns_and_types(tmp_path):
    frame = _frame(pseudonym="a" * 64, age_at_death=51, avoidable=True, preventable_weight=0.5)
    formats.write_parquet(frame, tmp_path / "d.parquet")
    formats.write_csv(frame, tmp_path / "d.csv")
    formats.write_xlsx(frame, tmp_path / "d.xlsx")
    assert pl.read_parquet(tmp_path / "d.parquet").schema == pl.Schema(spec.SCHEMA)
    assert pl.read_csv(tmp_path / "d.csv").columns == list(spec.FIELD_NAMES)
    header = next(
        openpyxl.load_workbook(tmp_path / "d.xlsx")["dataset"].iter_rows(values_only=True)
    )
    assert list(header) == list(spec.FIELD_NAMES)


def test_the_specification_files_describe_every_field():
    described = json.loads(spec.as_json())
    assert described["version"] == spec.VERSION
    assert [f["name"] for f in described["fields"]] == list(spec.FIELD_NAMES)
    for field in described["fields"]:
        assert field["type"] and field["allowed"] and field["description"] and field["derivation"]
    csv_lines = spec.as_csv().decode().splitlines()
    assert csv_lines[0] == "name,type,allowed,description,derivation,multi_valued,source"
    assert len(csv_lines) == len(spec.FIELDS) + 1


def test_specification_2026_1_files_keep_their_agreed_layout():
    old = spec.specification("2026.1")
    assert old.as_csv().decode().splitlines()[0] == (
        "name,type,allowed,description,derivation,multi_valued"
    )
    described = json.loads(old.as_json())
    assert described["version"] == "2026.1" and "changelog" not in described
    assert len(described["fields"]) == 41 and "source" not in described["fields"][0]
    assert "question_set_version" not in old.field_names


def test_no_field_of_the_specification_is_a_direct_identifier():
    forbidden = {"name", "nhs_number", "date_of_birth", "date_of_death", "postcode", "address"}
    assert not forbidden & set(spec.FIELD_NAMES)


def test_theme_names_are_read_back_from_a_snapshot_even_with_commas_in_them():
    from leder.exports.dataset import _themes

    known = {"Communication", "Diagnosis, delays", "Diagnosis", "Sepsis"}
    assert _themes("Communication, Diagnosis, delays, Sepsis", known) == [
        "Communication",
        "Diagnosis, delays",
        "Sepsis",
    ]
    assert _themes("Diagnosis, Sepsis", known) == ["Diagnosis", "Sepsis"]
    assert _themes("Retired theme, Sepsis", known) == ["Retired theme", "Sepsis"]
    assert _themes("", known) == []


def test_xlsx_rows_read_back_as_written(tmp_path):
    """The streaming XLSX writer (ADR 0172): more rows than one write holds, every type, empty
    cells left empty, and characters XML cannot carry left out of the text."""
    rows = [
        {
            "pseudonym": f"p{number}",
            "age_at_death": number,
            "avoidable": number % 2 == 0,
            "preventable_weight": number / 4,
            "learning_concerns": 'Fell <twice> & said "no"\x01' if number == 3 else None,
        }
        for number in range(formats._ROWS_PER_WRITE + 7)
    ]
    frame = pl.DataFrame(
        [tuple(row.get(name) for name in spec.FIELD_NAMES) for row in rows],
        schema=spec.SCHEMA,
        orient="row",
    )
    formats.write_xlsx(frame, tmp_path / "d.xlsx")
    book = openpyxl.load_workbook(tmp_path / "d.xlsx", read_only=True)
    back = list(book["dataset"].iter_rows(values_only=True))
    assert len(back) == len(rows) + 1
    columns = {name: spec.FIELD_NAMES.index(name) for name in rows[0]}
    for row, read in zip(rows, back[1:], strict=True):
        for name, index in columns.items():
            expected = row[name]
            if name == "learning_concerns" and expected:
                expected = 'Fell <twice> & said "no"'
            assert (read[index] if index < len(read) else None) == expected
    specification = list(book["specification"].iter_rows(values_only=True))
    assert [r[0] for r in specification[1:]] == list(spec.FIELD_NAMES)
