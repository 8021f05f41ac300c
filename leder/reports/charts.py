"""Charts of published figures: altair bar charts rendered to SVG on the server (vl-convert).

Every chart is drawn from a `PublishedResult` (disclosure-controlled: suppressed cells are
null and are simply not drawn) and always sits beside the table of the same numbers, which is
the accessible and exact form; the chart is a picture of it. The SVG is embedded inline, so it
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
import polars as pl
from django.core.cache import cache

from leder.analytics.populations import SHORT_NAMES
from leder.analytics.results import PublishedResult

FONT = "Liberation Sans"  # metric-compatible with Arial; installed for WeasyPrint too
NHS_BLUE = "#005eb8"
NHS_COLOURS = ("#005eb8", "#41b6e6", "#330072", "#007f3b", "#ed8b00", "#7c2855")
TEXT_COLOUR = "#212b32"
SECONDARY_TEXT = "#4c6272"
WIDTH = 480
CACHE_SECONDS = 60 * 60
# Bump when the look of the charts (`_vega_lite`, `sanitise_svg`, the colours) changes: the
# cached SVGs are keyed by what is drawn, not by how.
CHART_VERSION = "2"

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


def chart_points(published: PublishedResult, spec: ChartSpec) -> list[dict]:
    """The bars to draw: (category, series, value) with totals and suppressed or empty values
    left out. Public so that tests can check a suppressed value is never drawn."""
    table = published.table
    if spec.only is not None:
        column, value = spec.only
        table = table.filter(pl.col(column) == value)
    points = []
    for row in table.iter_rows(named=True):
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
            value = row.get(column)
            if value is None:
                continue
            category = name if spec.category is not None else series
            if population:
                category = f"{population}: {category}"
            points.append(
                {
                    "category": category,
                    "series": series,
                    "value": round(float(value) * 100, 1) if spec.percent else float(value),
                }
            )
    return points


def _vega_lite(points: list[dict], spec: ChartSpec, *, title: str, subtitle: str) -> dict:
    data = alt.Data(values=points)
    order = list(dict.fromkeys(p["category"] for p in points))
    series = [name for _, name in spec.values]
    grouped = spec.category is not None and len(spec.values) > 1
    encoding = {
        "y": alt.Y("category:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        "x": alt.X("value:Q", title=spec.axis),
        "tooltip": alt.value(None),
    }
    if grouped:
        encoding["color"] = alt.Color(
            "series:N",
            sort=series,
            scale=alt.Scale(domain=series, range=list(NHS_COLOURS[: len(series)])),
            legend=alt.Legend(title=None, orient="bottom"),
        )
        encoding["yOffset"] = alt.YOffset("series:N", sort=series)
    bars = alt.Chart(data).mark_bar(color=NHS_BLUE).encode(**encoding)
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=3, color=TEXT_COLOUR, fontSize=11)
        .encode(
            y=encoding["y"],
            x="value:Q",
            text=alt.Text("value:Q", format=",.1f" if spec.percent else ",.4~f"),
            **({"yOffset": encoding["yOffset"]} if grouped else {}),
        )
    )
    bar_step = 18 if grouped else 24
    rows = len(order) * (len(series) if grouped else 1)
    chart = (
        alt.layer(bars, labels)
        .properties(
            width=WIDTH,
            height=max(bar_step * rows, 30),
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
        words.append(f"{len(points)} bars of {spec.axis.lower()}.")
    if published.suppressed:
        words.append("Suppressed figures ([c]) are not drawn.")
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
    if not points:
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
