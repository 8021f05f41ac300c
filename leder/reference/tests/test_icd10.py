"""The ICD-10 wrapper: which codes a certificate may carry, their titles and chapters, search."""

import pytest

from leder.reference import icd10


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("J18.9", "J18.9"),
        ("J189", "J18.9"),
        ("j18.9", "J18.9"),
        (" j 18 9 ", "J18.9"),
        ("J18", "J18"),
        ("q90.9", "Q90.9"),
    ],
)
def test_codes_are_accepted_with_or_without_the_dot_in_any_case(typed, expected):
    assert icd10.is_valid(typed)
    assert icd10.normalise(typed) == expected


@pytest.mark.parametrize(
    "code",
    [
        "",
        None,
        "J18.99",  # no such subcategory
        "J99.9",  # not a code
        "18.9",
        "pneumonia",
        "X",  # a chapter
        "XVII",  # a chapter
        "J09-J18",  # a block
        "B18.00",  # a 5-character extension, not used on certificates
    ],
)
def test_chapters_blocks_and_invalid_codes_are_refused(code):
    assert not icd10.is_valid(code)
    assert not icd10.is_category_or_subcategory(code)
    assert icd10.find(code) is None


def test_titles_and_chapters():
    assert icd10.title("J189") == "Pneumonia, unspecified"
    assert icd10.title("Q90") == "Down syndrome"
    assert icd10.chapter("J18.9") == "X"
    assert icd10.chapter_title("J18.9") == "Diseases of the respiratory system"
    assert icd10.find("u071") == icd10.Code("U07.1", "COVID-19, virus identified")
    with pytest.raises(ValueError):
        icd10.title("X")


def test_search_by_the_start_of_a_code_lists_codes_in_order():
    found = [c.code for c in icd10.search("J18")]
    assert found == ["J18", "J18.0", "J18.1", "J18.2", "J18.8", "J18.9"]
    assert [c.code for c in icd10.search("j18.9")] == ["J18.9"]
    assert [c.code for c in icd10.search("J189")] == ["J18.9"]


def test_search_by_words_finds_titles_with_every_word():
    found = icd10.search("pneumonia")
    assert found[0].code in {"J18", "J18.9"}
    assert all("pneumon" in c.title.lower() or "pneumon" in c.label.lower() for c in found)
    assert {c.code for c in icd10.search("cerebral palsy")} >= {"G80", "G80.9"}
    assert "J69.0" in {c.code for c in icd10.search("aspiration pneumonia")}
    assert "G40.9" in {c.code for c in icd10.search("epilep unspec")}


def test_search_respects_the_limit_and_ignores_empty_queries():
    assert len(icd10.search("disease", limit=7)) == 7
    assert icd10.search("") == []
    assert icd10.search("   ") == []
    assert icd10.search("zzzzqqq") == []


def test_search_never_offers_a_chapter_or_block():
    for query in ("respiratory", "X", "I", "diseases of"):
        assert all(icd10.is_valid(c.code) for c in icd10.search(query, limit=50))
