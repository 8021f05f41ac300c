"""Charts of published figures: altair bar charts rendered to SVG on the server (vl-convert).

Every chart is drawn from a `PublishedResult` and its table (`tables.figure_table`), and
always sits beside that table, which is the accessible and exact form; the chart is a picture
of it and agrees with it (ADR 0166): each bar's value is the table's rounded number, each label
the table's own text, and a suppressed cell keeps its place labelled "[c]" with no bar (never a
zero). Ticks are about five, whole numbers for counts; names wrap onto short lines so the chart
stays readable at 320 px. The SVG is embedded inline, so it
works without JavaScript, in the HTML report and in the PDF (WeasyPrint draws inline SVG).

What vl-convert returns is sanitised before it reaches a page: only drawing elements and
presentation attributes are kept (no scripts, links, styles or event handlers; the page's CSP
forbids inline styles anyway), ids are made unique per chart, the inner ARIA roles are dropped
and the root gets `role="img"` with a `<title>` and `<desc>` that say what the chart shows.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from xml.etree import ElementTree

import altair as alt
from django.core.cache import cache

from leder.analytics.populations import SHORT_NAMES
from leder.analytics.results import PublishedResult
from leder.reports.tables import COLUMNS, COUNT, figure_table

FONT = "Liberation Sans"  # metric-compatible with Arial; installed for WeasyPrint too
NHS_BLUE = "#005eb8"
NHS_COLOURS = ("#005eb8", "#41b6e6", "#330072", "#007f3b", "#ed8b00", "#7c2855")
TEXT_COLOUR = "#212b32"
SECONDARY_TEXT = "#4c6272"
# The bars' width; with the names beside them (at most 170 px) the chart is about 420 px wide,
# so on a 320 px screen it shrinks by a quarter at most and its text stays readable.
WIDTH = 220
CACHE_SECONDS = 60 * 60
# Bump when the look of the charts (`_vega_lite`, `sanitise_svg`, the colours) changes: the
# cached SVGs are keyed by what is drawn, not by how.
CHART_VERSION = "3"

SVG_NS = "http://www.w3.org/2000/svg"


@dataclass(frozen=True)
class ChartSpec:
    """How a metric's table becomes bars.

    - `category`: the column naming each bar (None: one bar per value column, for one-row
      tables such as avoidable deaths);
    - `values`: (column, series name) pairs; two or more give grouped bars with a legend;
    - `block`: a column whose value prefixes the bar's name ("Sex: Female");
    - `percent`: the values are shares (0–1), drawn as percentages;
    - `only`: (column, value) keeps just the rows where the column has that value."""

    values: tuple[tuple[str, str], ...]
    axis: str
    category: str | None = None
    block: str | None = None
    percent: bool = False
    only: tuple[str, str] | None = None


SPECS: dict[str, ChartSpec] = {
    "counts_by_state": ChartSpec((("deaths", "Deaths"),), "Deaths", "label"),
    "median_age": ChartSpec(
        (("median", "Median age"),), "Median age at death (years)", "group", block="dimension"
    ),
    "deaths_before_65": ChartSpec(
        (("share_under_65", "Died before 65"),),
        "Deaths before the age of 65 (%)",
        "group",
        block="dimension",
        percent=True,
    ),
    "place_of_death": ChartSpec((("deaths", "Deaths"),), "Deaths", "label"),
    "leading_causes": ChartSpec((("deaths", "Deaths"),), "Deaths", "title"),
    "covid_deaths": ChartSpec((("share_covid", "COVID-19"),), "Share (%)", "label", percent=True),
    "avoidable_deaths": ChartSpec(
        (("avoidable", "Avoidable"), ("preventable", "Preventable"), ("treatable", "Treatable")),
        "Deaths (weighted)",
    ),
    "grading": ChartSpec((("reviews", "Reviews"),), "Reviews", "grade", block="dimension"),
    "learning_themes": ChartSpec((("reviews", "Reviews"),), "Reviews with learning", "theme"),
    "actions": ChartSpec((("actions", "Actions"),), "Actions", "label"),
    "time_to_allocation": ChartSpec(
        (("q1", "25th percentile"), ("median", "Median"), ("q3", "75th percentile")), "Days"
    ),
    "completed_within_6_months": ChartSpec(
        (("share_within", "Completed within 6 months"),), "Share of completed reviews (%)",
        percent=True,
    ),
    "backlog_by_age": ChartSpec((("cases", "Cases"),), "Cases not yet completed", "age"),
    "expected_vs_notified": ChartSpec(
        (("expected", "Expected"), ("notified", "Notified")), "Deaths", "ethnic_group"
    ),
    "general_population": ChartSpec(
        (("leder", "LeDeR deaths"), ("general_population", "Everyone")),
        "Median age at death (years)",
        "label",
        only=("measure", "median_age_at_death"),
    ),
}  # fmt: skip

TOTAL_LABELS = {"Total", "total"}


@dataclass(frozen=True)
class Chart:
    """A rendered chart: sanitised inline SVG markup and the words that describe it."""

    svg: str
    description: str


# Category names wrap onto lines of at most this many characters, so that the chart keeps its
# width (and its text its size) on a 320 px screen.
LABEL_CHARACTERS = 20
LINE_BREAK = "|"  # in the drawn name; the axis splits it into lines


def _wrapped(name: str) -> str:
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LABEL_CHARACTERS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return LINE_BREAK.join(lines)


def chart_points(published: PublishedResult, spec: ChartSpec) -> list[dict]:
    """What the chart shows: one point per (category, series), with totals left out. Each point
    carries the table's own cell (`tables.figure_table`): `value` is the number rounded as
    the table rounds it, `label` the text the table shows ("44.9", "1,234", "[c]"), `row` and
    `column` where that cell is. A suppressed cell is a point with `suppressed` set and no
    value: it keeps its place on the chart, labelled "[c]", and is never drawn as a bar (and
    so never as zero). A cell with no figure ("–") is labelled the same way. Public so that
    tests can check every point against its table."""
    shown = figure_table(published)
    table = published.table
    points = []
    for index, row in enumerate(table.iter_rows(named=True)):
        if spec.only is not None and row.get(spec.only[0]) != spec.only[1]:
            continue
        if spec.category is not None:
            name = row.get(spec.category)
            if name is None or str(name) in TOTAL_LABELS or row.get("state") == "total":
                continue
            name = str(name)
            if spec.block and row.get(spec.block) not in (None, "All"):
                name = f"{row[spec.block]}: {name}"
        # A table split by population (ADR 0146): each bar says whose it is.
        population = SHORT_NAMES.get(row.get("population"), row.get("population"))
        for column, series in spec.values:
            cell = shown.cell(index, column)
            if cell is None:
                continue
            category = name if spec.category is not None else series
            if population:
                category = f"{population}: {category}"
            drawn = not cell.suppressed and cell.value is not None
            points.append(
                {
                    "category": category,
                    "name": _wrapped(category),
                    "series": series,
                    "value": float(cell.value) if drawn else None,
                    "label": cell.text,
                    "suppressed": cell.suppressed,
                    "row": index,
                    "column": column,
                }
            )
    return points


def count_ticks(top: float) -> list[int]:
    """Whole-number ticks from 0 to at least `top`, at most six of them, a step of 1, 2 or 5
    times a power of ten: 0–4 → 0,1,2,3,4; 44 → 0,10,20,30,40,50."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor * 5 >= top:
                size = step * factor
                last = max(size, -(-int(top) // size) * size if top else size)
                return list(range(0, last + 1, size))
        step *= 10


def _is_count(spec: ChartSpec) -> bool:
    return all(COLUMNS.get(column, (column, ""))[1] == COUNT for column, _ in spec.values)


def _vega_lite(points: list[dict], spec: ChartSpec, *, title: str, subtitle: str) -> dict:
    bars_data = alt.Data(values=[p for p in points if p["value"] is not None])
    labels_data = alt.Data(values=[p | {"at": p["value"] or 0} for p in points])
    order = list(dict.fromkeys(p["name"] for p in points))
    series = [name for _, name in spec.values]
    grouped = spec.category is not None and len(spec.values) > 1
    # Sensible ticks: about five, whole numbers for counts, 0 to 100 for percentages.
    top = max((p["value"] or 0 for p in points), default=0)
    if spec.percent:
        scale = alt.Scale(domain=[0, 100])
        x_axis = alt.Axis(values=[0, 25, 50, 75, 100], format="d")
    elif _is_count(spec):
        ticks = count_ticks(top)
        scale = alt.Scale(domain=[0, ticks[-1]])
        x_axis = alt.Axis(values=ticks, format=",d")
    else:
        scale = alt.Scale(zero=True, nice=True)
        x_axis = alt.Axis(tickCount=5, format=",~f")
    y = alt.Y(
        "name:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelExpr=f"split(datum.value, '{LINE_BREAK}')", labelLimit=170),
    )
    encoding = {"y": y, "x": alt.X("value:Q", title=spec.axis, scale=scale, axis=x_axis)}
    if grouped:
        encoding["color"] = alt.Color(
            "series:N",
            sort=series,
            scale=alt.Scale(domain=series, range=list(NHS_COLOURS[: len(series)])),
            legend=alt.Legend(title=None, orient="bottom", direction="vertical"),
        )
        encoding["yOffset"] = alt.YOffset("series:N", sort=series)
    bars = alt.Chart(bars_data).mark_bar(color=NHS_BLUE).encode(**encoding)
    # Each value is labelled with the table's own text: "[c]" where the table has it.
    labels = (
        alt.Chart(labels_data)
        .mark_text(align="left", dx=3, color=TEXT_COLOUR, fontSize=12)
        .encode(
            y=y,
            x=alt.X("at:Q", scale=scale),
            text="label:N",
            **({"yOffset": encoding["yOffset"]} if grouped else {}),
        )
    )
    bar_step = 20 if grouped else 28
    lines = max((p["name"].count(LINE_BREAK) + 1 for p in points), default=1)
    per_category = max(bar_step * (len(series) if grouped else 1), 16 * lines + 8)
    chart = (
        alt.layer(bars, labels)
        .properties(
            width=WIDTH,
            height=max(per_category * len(order), 30),
            title=alt.TitleParams(
                text=title, subtitle=subtitle, anchor="start", subtitleColor=SECONDARY_TEXT
            ),
        )
        .configure(font=FONT)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor=TEXT_COLOUR)
        .configure_title(fontSize=15, color=TEXT_COLOUR, subtitleFontSize=12)
        .configure_view(stroke=None)
    )
    return chart.to_dict(validate=False)


def _describe(published: PublishedResult, spec: ChartSpec, points: list[dict]) -> str:
    metric = published.metric
    kind = "Grouped bar chart" if spec.category and len(spec.values) > 1 else "Bar chart"
    words = [f"{kind} of {metric.title.lower()}: {metric.cohort}, {metric.scope}."]
    if points:
        drawn = sum(p["value"] is not None for p in points)
        words.append(f"{drawn} bar{'' if drawn == 1 else 's'} of {spec.axis.lower()}.")
    if any(p["suppressed"] for p in points):
        words.append("Suppressed figures are labelled [c] and have no bar.")
    words.append("The table beside it gives the same figures.")
    return " ".join(words)


_ALLOWED_TAGS = {"svg", "g", "path", "rect", "line", "text", "tspan", "circle", "ellipse"}
_ALLOWED_TAGS |= {"polygon", "polyline", "defs", "clipPath", "title", "desc"}
_ALLOWED_ATTRIBUTES = {
    "d", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy",
    "width", "height", "viewBox", "transform", "points", "fill", "fill-opacity", "stroke",
    "stroke-width", "stroke-opacity", "stroke-dasharray", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "opacity", "font-family", "font-size", "font-weight", "font-style",
    "text-anchor", "dominant-baseline", "alignment-baseline", "clip-path", "id", "display",
    "version", "letter-spacing",
}  # fmt: skip
_URL_REF = re.compile(r"url\(#([^)]+)\)")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sanitise_svg(markup: str, *, prefix: str, title: str, description: str) -> str:
    """Keep only drawing elements and presentation attributes; make ids unique with `prefix`;
    give the root `role="img"`, a `<title>` and a `<desc>`. Raises ValueError if `markup` is
    not an SVG document."""
    root = ElementTree.fromstring(markup)
    if _local(root.tag) != "svg":
        raise ValueError("Not an SVG document")

    def clean(element) -> None:
        for child in list(element):
            if not isinstance(child.tag, str) or _local(child.tag) not in _ALLOWED_TAGS:
                element.remove(child)
                continue
            clean(child)
        for name in list(element.attrib):
            if _local(name) not in _ALLOWED_ATTRIBUTES or "}" in name:
                del element.attrib[name]
        if "id" in element.attrib:
            element.attrib["id"] = f"{prefix}-{element.attrib['id']}"
        if "clip-path" in element.attrib:
            element.attrib["clip-path"] = _URL_REF.sub(
                lambda m: f"url(#{prefix}-{m.group(1)})", element.attrib["clip-path"]
            )

    clean(root)
    root.attrib.update(
        {
            "role": "img",
            "aria-labelledby": f"{prefix}-title {prefix}-desc",
            "focusable": "false",
            "class": "leder-chart__svg",
        }
    )
    for old in root.findall(f"{{{SVG_NS}}}title") + root.findall(f"{{{SVG_NS}}}desc"):
        root.remove(old)
    desc = ElementTree.Element(f"{{{SVG_NS}}}desc", {"id": f"{prefix}-desc"})
    desc.text = description
    root.insert(0, desc)
    heading = ElementTree.Element(f"{{{SVG_NS}}}title", {"id": f"{prefix}-title"})
    heading.text = title
    root.insert(0, heading)
    # Written with plain tag names and one xmlns, rather than through the process-wide
    # `register_namespace` (which any other library may change): never "ns0:" prefixes.
    for element in root.iter():
        element.tag = _local(element.tag)
    root.set("xmlns", SVG_NS)
    return ElementTree.tostring(root, encoding="unicode")


def _render(spec_json: str) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(json.loads(spec_json))


def render_chart(published: PublishedResult, *, prefix: str | None = None) -> Chart | None:
    """The chart of a published metric, or None when it has no chart or nothing to draw (every
    value empty or suppressed): the table then stands alone.

    Rendered once per figure: the finished (sanitised) SVG is cached under a hash of everything
    that goes into it (the bars, the words, the chart's shape), so a figure seen before costs a
    hash and a cache read; the altair specification is built only when the SVG is not cached."""
    spec = SPECS.get(published.key)
    if spec is None:
        return None
    points = chart_points(published, spec)
    if not any(p["value"] is not None for p in points):
        return None
    metric = published.metric
    subtitle = f"{metric.cohort}, {metric.scope}. Definition version {metric.version}"
    description = _describe(published, spec, points)
    title = f"{metric.title}: {metric.cohort}, {metric.scope}"
    prefix = prefix or f"chart-{published.key}"
    inputs = [CHART_VERSION, published.key, repr(spec), points, metric.title, subtitle]
    inputs += [title, description, prefix]
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()
    key = "reports:chart:" + digest
    safe = cache.get(key)
    if safe is None:
        vega = _vega_lite(points, spec, title=metric.title, subtitle=subtitle)
        svg = _render(json.dumps(vega, sort_keys=True, default=str))
        safe = sanitise_svg(svg, prefix=prefix, title=title, description=description)
        cache.set(key, safe, CACHE_SECONDS)
    return Chart(svg=safe, description=description)
