"""The redaction corpus and the recall command: the targets hold at a fixed seed, the corpus is
reproducible, and its gold positions point at what was planted."""

import re

import pytest
from django.core.management import CommandError, call_command

from leder.exports.redaction import RecordIdentifiers
from leder.exports.redaction_corpus import PATTERN, RECORD, evaluate, generate_corpus


@pytest.fixture(scope="module")
def corpus():
    return generate_corpus(seed=7, size=300)


def test_targets_hold_at_a_fixed_seed(corpus):
    result = evaluate(corpus, detect=False)
    assert result.recall(RECORD) == 1.0, result.misses
    assert result.recall(PATTERN) >= 0.95
    for kind in result.kinds(PATTERN):
        assert result.recall(PATTERN, kind) >= 0.95, kind
    assert result.false_removal_rate < 0.001


def test_detection_loses_nothing_the_patterns_found_and_removes_little_clean_text(corpus):
    result = evaluate(corpus)
    assert result.recall(RECORD) == 1.0, result.misses
    for kind in result.kinds(PATTERN):
        assert result.recall(PATTERN, kind) >= 0.95, kind
    assert result.false_removal_rate < 0.02


def test_the_corpus_is_varied_and_reproducible(corpus):
    assert generate_corpus(seed=7, size=5) == corpus[:5]
    assert generate_corpus(seed=8, size=5) != corpus[:5]
    kinds = {(item.source, str(item.kind)) for sample in corpus for item in sample.planted}
    for kind in ("name", "nhs_number", "postcode", "phone", "email", "date", "address"):
        assert (RECORD, kind) in kinds
    for kind in ("nhs_number", "postcode", "phone", "email", "date"):
        assert (PATTERN, kind) in kinds
    assert len({key for sample in corpus for key in sample.template_keys}) >= 15


@pytest.mark.parametrize(
    ("kind", "form"),
    [
        ("date", r"\d+(?:st|nd|rd|th) [A-Z][a-z]{2} \d\d"),  # 3rd Mar 61
        ("date", r"\d+ [A-Z][a-z]+ \d\d"),  # 3 March 61
        ("date", r"[a-z\-]+ of [A-Z][a-z]+"),  # third of March
        ("date", r"[A-Z][a-z]+ the [a-z\-]+"),  # March the third
        ("date", r"\d+(?:st|nd|rd|th)-\d+(?:st|nd|rd|th) [A-Z][a-z]+"),  # 1st-2nd March
        ("date", r"\d+\u2013\d+ [A-Z][a-z]+ \d{4}"),  # 1–2 March 2023
        ("date", r"\d+/\d+"),  # 20/3
        ("postcode", r"[A-Z]{1,2}\d[A-Z\d]?-\d[A-Z]{2}"),  # LS6-2AB
        ("email", r".+ at .+ dot .+"),
        ("email", r".+\[at\].+"),
        ("email", r".+ \(at\) .+"),
        ("address", r"\d+,? [A-Z][a-z]+ (?:Cres|Rd|St|Ave|Cl|Dr|Ln|Gdns|Terr|Pl|Sq|Ct|Gro)"),
        ("address", r"\d+ [A-Z][a-z]+"),  # 14 Larkspur
    ],
)
def test_the_corpus_plants_the_forms_that_used_to_leak(corpus, kind, form):
    planted = [
        (sample, item) for sample in corpus for item in sample.planted if str(item.kind) == kind
    ]
    assert any(re.fullmatch(form, item.text) for _, item in planted)


def test_the_corpus_plants_names_with_a_plain_s(corpus):
    followed = [
        sample.text[item.end : item.end + 2]
        for sample in corpus
        for item in sample.planted
        if str(item.kind) == "name"
    ]
    assert "s " in followed


def test_gold_positions_point_at_the_planted_text(corpus):
    for sample in corpus[:50]:
        for item in sample.planted:
            assert sample.text[item.start : item.end] == item.text


def test_evaluation_notices_a_miss(corpus):
    """With no record, names cannot be found: record recall drops, so the measure can fail."""
    blind = [
        type(sample)(sample.text, RecordIdentifiers(), sample.planted) for sample in corpus[:20]
    ]
    assert evaluate(blind, detect=False).recall(RECORD, "name") < 0.5


def test_command_prints_the_figures(capsys):
    call_command("redaction_recall", "--seed", "3", "--size", "40")
    out = capsys.readouterr().out
    assert "Identifiers from the record: 100.00%" in out
    assert "Pattern identifiers (not in the record):" in out
    assert "False removals:" in out
    assert "The evaluation corpus, development part" in out
    assert "The evaluation corpus, held_out part" in out
    assert "All targets met." in out or "The patterns' corpus met its targets." in out


def test_command_fails_when_a_target_is_missed(monkeypatch):
    from leder.exports.management.commands import redaction_recall

    monkeypatch.setattr(redaction_recall, "PATTERN_TARGET", 1.01)
    with pytest.raises(CommandError, match="Target missed"):
        call_command("redaction_recall", "--seed", "3", "--size", "10")


def test_strict_fails_when_the_evaluation_corpus_misses_a_target(monkeypatch):
    from leder.exports.evaluation import narratives

    monkeypatch.setitem(narratives.TARGETS, narratives.Kind.PERSON_NAME, 1.01)
    with pytest.raises(CommandError, match="held_out"):
        call_command("redaction_recall", "--seed", "3", "--size", "10", "--strict")
