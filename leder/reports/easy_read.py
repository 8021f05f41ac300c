"""The easy-read version of an annual report, written from the same published figures.

Easy read: short sentences, plain words, one idea a line, a picture beside each part with words
for people who cannot see it, large type. Shares are said as "out of every 100 people", which
is easier than a percentage. A suppressed figure is never said; the line says the number is too
small to share. The text is scored with Flesch reading ease (`readability`), and the report
cannot be published below the threshold.
"""

from dataclasses import dataclass

import polars as pl

from leder.analytics.cohorts import Cohort, CohortKind
from leder.analytics.populations import AUTISTIC, LD
from leder.analytics.results import PublishedResult

SUPPRESSED = object()  # a value hidden by disclosure control

#: What each icon shows, for people who cannot see it (the drawings are in the template).
ICONS = {
    "book": "A book",
    "people": "A group of people",
    "calendar": "A calendar",
    "hospital": "A hospital",
    "heart": "A heart",
    "virus": "A germ",
    "warning": "A warning sign",
    "star": "A star",
    "better": "A chart going up",
    "clock": "A clock",
    "lock": "A padlock",
    "talk": "Two people talking",
}

#: ICD-10 chapters in plain words.
PLAIN_CAUSES = {
    "I": "an infection",
    "II": "cancer",
    "IV": "diabetes or a hormone problem",
    "V": "a mental health problem",
    "VI": "an illness of the brain or nerves",
    "IX": "a heart problem or a stroke",
    "X": "a chest or breathing problem",
    "XI": "a problem with the stomach or gut",
    "XIV": "a kidney problem",
    "XVII": "a condition they were born with",
    "XVIII": "no clear cause",
    "XX": "an accident or injury",
    "XXII": "COVID-19",
}

_WHO = {
    CohortKind.DEATHS: "people who died in {year}",
    CohortKind.NOTIFICATIONS: "deaths we were told about in {year}",
    CohortKind.COMPLETED: "reviews we finished in {year}",
}
TOO_SMALL = "We cannot share this number. It is very small. This keeps people private."


@dataclass(frozen=True)
class Part:
    icon: str
    heading: str
    lines: tuple[str, ...]

    @property
    def alt(self) -> str:
        return ICONS[self.icon]


def _value(result: PublishedResult | None, column: str, **where):
    """The cell of `column` in the first row matching `where`; SUPPRESSED if hidden; None if
    there is no such row or no figure."""
    if result is None:
        return None
    table = result.table.with_row_index("_row")
    if "population" in table.columns:  # split by population: people with an LD unless asked
        where.setdefault("population", LD.name)
    for name, wanted in where.items():
        table = table.filter(pl.col(name) == wanted)
    if table.is_empty():
        return None
    row = table.row(0, named=True)
    if result.is_suppressed(row["_row"], column):
        return SUPPRESSED
    return row.get(column)


def _people(n, noun: str = "people", one: str = "person") -> str:
    return f"{int(n):,} {one if int(n) == 1 else noun}"


def _out_of_100(share) -> str:
    return f"{round(float(share) * 100)} out of every 100"


def _year_words(cohort: Cohort) -> str:
    if cohort.financial:
        return f"April {cohort.starts_on.year} to March {cohort.starts_on.year + 1}"
    return cohort.year_label


def parts(
    results: dict[str, PublishedResult], *, area: str, cohort: Cohort, summary: str = ""
) -> list[Part]:
    """The easy-read report as parts, each a picture and a few one-idea lines."""
    year = _year_words(cohort)
    out = [
        Part(
            "book",
            "About this report",
            (
                f"This report is about LeDeR in {area}.",
                "LeDeR looks at the lives of people with a learning disability who have died.",
                "We want to learn how to make care better.",
                f"This report is about {_WHO[cohort.kind].format(year=year)}.",
            ),
        )
    ]
    states = results.get("counts_by_state")
    total = _value(states, "deaths", state="total")
    done = _value(states, "deaths", state="completed")
    lines = []
    if total is SUPPRESSED:
        lines.append(TOO_SMALL)
    elif total is not None:
        lines.append(f"We were told about {_people(total, 'deaths', 'death')}.")
    if done is SUPPRESSED:
        lines.append("We finished a few reviews. The number is too small to share.")
    elif done == 0:
        lines.append("We have not finished any reviews yet.")
    elif done is not None:
        lines.append(f"We finished {_people(done, 'reviews', 'review')}.")
    lines.append("A review looks at the care the person had.")
    out.append(Part("people", "Deaths we were told about", tuple(lines)))

    lines = []
    median = _value(results.get("median_age"), "median", dimension="All")
    if median is SUPPRESSED:
        lines.append(TOO_SMALL)
    elif median is not None:
        lines.append(f"Half of the people who died were younger than {round(median)}.")
    general = _value(
        results.get("general_population"), "general_population", measure="median_age_at_death"
    )
    if general not in (None, SUPPRESSED):
        lines.append(
            f"For everyone in England, half of people die before they are {round(general)}."
        )
    young = _value(results.get("deaths_before_65"), "share_under_65", dimension="All")
    if young not in (None, SUPPRESSED):
        lines.append(f"{_out_of_100(young)} people died before they were 65.")
    known = median not in (None, SUPPRESSED) and general not in (None, SUPPRESSED)
    if known and median < general:
        lines.append("This means people with a learning disability often die too young.")
    if lines:
        lines.insert(0, "These numbers are about people with a learning disability.")
        out.append(Part("calendar", "How old people were", tuple(lines)))

    autistic = _value(
        results.get("median_age"), "median", dimension="All", population=AUTISTIC.name
    )
    if autistic is not None:
        lines = [
            "We also look at the deaths of autistic adults.",
            "These adults did not have a learning disability.",
            "We count them on their own.",
        ]
        if autistic is SUPPRESSED:
            lines.append(TOO_SMALL)
        else:
            lines.append(f"Half of them were younger than {round(autistic)} when they died.")
        out.append(Part("people", "Autistic adults", tuple(lines)))

    hospital = _value(results.get("place_of_death"), "share", place="hospital")
    if hospital not in (None, SUPPRESSED):
        out.append(
            Part(
                "hospital",
                "Where people died",
                (f"{_out_of_100(hospital)} people died in hospital.",)
                + (
                    ("Other people died at home, in a care home or in a hospice.",)
                    if hospital < 1
                    else ()
                ),
            )
        )

    causes = results.get("leading_causes")
    lines = []
    if causes is not None and "population" in causes.table.columns:
        ld_causes = causes.table.filter(pl.col("population") == LD.name)
    else:
        ld_causes = causes.table if causes is not None else None
    if ld_causes is not None and ld_causes.height > 1:
        first = ld_causes.row(0, named=True)
        if first["chapter"] != "total":
            plain = PLAIN_CAUSES.get(first["chapter"], "an illness")
            lines.append(f"The most common cause of death was {plain}.")
    covid = _value(results.get("covid_deaths"), "covid", measure="underlying")
    if covid is SUPPRESSED:
        lines.append("A few people died of COVID-19. The number is too small to share.")
    elif covid:
        lines.append(f"{_people(covid)} died of COVID-19.")
    if lines:
        out.append(Part("heart", "Why people died", tuple(lines)))

    avoidable = _value(results.get("avoidable_deaths"), "share_avoidable", group="All")
    if avoidable not in (None, SUPPRESSED):
        out.append(
            Part(
                "warning",
                "Deaths that could have been stopped",
                (
                    f"{_out_of_100(avoidable)} deaths could have been stopped.",
                    "Better care or help to stay well might have stopped them.",
                    "We only count people under 75 for this.",
                ),
            )
        )

    health_check = _value(
        results.get("care_question_rates"), "rate", question="annual_health_check"
    )
    if health_check not in (None, SUPPRESSED):
        out.append(
            Part(
                "calendar",
                "Health checks",
                (
                    "People with a learning disability should have a health check every year.",
                    f"{_out_of_100(health_check)} people had one in their last year.",
                ),
            )
        )

    good = _value(results.get("grading"), "share", dimension="Band", grade="1–2")
    poor = _value(results.get("grading"), "share", dimension="Band", grade="5–6")
    lines = []
    if good not in (None, SUPPRESSED):
        lines.append(f"{_out_of_100(good)} people had good care.")
    if poor not in (None, SUPPRESSED):
        lines.append(f"{_out_of_100(poor)} people had care that was not good enough.")
    if lines:
        out.append(
            Part("star", "How good the care was", ("Reviewers give each review a grade.", *lines))
        )

    agreed = _value(results.get("actions"), "actions", measure="agreed")
    completed = _value(results.get("actions"), "actions", measure="completed")
    lines = []
    if agreed == 0:
        lines.append("We did not agree any new things to do this year.")
    elif agreed not in (None, SUPPRESSED):
        lines.append(f"We agreed {_people(agreed, 'things', 'thing')} to do to make care better.")
    if completed not in (None, SUPPRESSED, 0):
        lines.append(f"We did {_people(completed, 'things', 'thing')} this year.")
    if lines:
        out.append(Part("better", "What we are doing", tuple(lines)))

    within = _value(results.get("completed_within_6_months"), "share_within", group="All")
    if within not in (None, SUPPRESSED):
        out.append(
            Part(
                "clock",
                "How long reviews take",
                (
                    "We try to finish each review in 6 months.",
                    f"We did this for {_out_of_100(within)} reviews.",
                ),
            )
        )

    written = [line.strip() for line in summary.splitlines() if line.strip()]
    if written:
        out.append(Part("talk", f"What {area} says", tuple(written)))

    out.append(
        Part(
            "lock",
            "Keeping people private",
            (
                "Some numbers are very small.",
                "We do not show them.",
                "This stops people from working out who died.",
            ),
        )
    )
    return out


def plain_text(all_parts: list[Part]) -> str:
    """The words a reader reads (headings and lines), for the readability score."""
    lines = []
    for part in all_parts:
        lines.append(part.heading + ".")
        lines.extend(part.lines)
    return "\n".join(lines)
