"""The two populations every national figure is given for, kept apart (issue 14).

The national LeDeR report gives figures separately for people with a learning disability and
for autistic adults without one, because their deaths differ (suicide is among the leading
causes of the second group's deaths). A figure for both together appears only where it is
labelled "combined".

- `LD`: people with a learning disability (`learning_disability` yes), of any age in LeDeR's
  scope (4 or over; younger children are not eligible and not in scope);
- `AUTISTIC`: autistic adults (18 or over) without a learning disability (`autistic` yes,
  `learning_disability` no);
- `COMBINED`: the two together, for the rows labelled so.

Deaths whose learning disability is "not sure", or an autistic child without one, are in
neither (they are counted in the report's totals by state, not in these figures).
"""

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Population:
    key: str
    name: str
    condition: pl.Expr
    short: str = ""  # for a chart's bar labels


LD = Population(
    "learning_disability",
    "People with a learning disability",
    (pl.col("learning_disability") == "yes") & (pl.col("age_at_death") >= 4),
    "Learning disability",
)
AUTISTIC = Population(
    "autistic_no_ld",
    "Autistic adults without a learning disability",
    (pl.col("learning_disability") == "no")
    & (pl.col("autistic") == "yes")
    & (pl.col("age_at_death") >= 18),
    "Autistic, no learning disability",
)
COMBINED = Population(
    "combined",
    "Both populations combined",
    LD.condition | AUTISTIC.condition,
    "Both populations",
)
SEPARATE = (LD, AUTISTIC)
#: Population name → its short form.
SHORT_NAMES = {p.name: p.short for p in (LD, AUTISTIC, COMBINED)}
