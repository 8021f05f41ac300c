"""A synthetic national history for the demo: deaths notified 2018–2025 across England's ICBs.

The demo's own casework (`leder.demo.casework`) is a few dozen recent deaths in two ICBs, built
through the services. A national report needs years of deaths everywhere, calibrated to the
published national picture (DOMAIN.md, issue 6 part 7): about 3,500 deaths a year; median age
at death about 62–63; about 57% male; most White British; about 60% dying in hospital; leading
causes respiratory, circulatory and cancer, COVID-19 in 2020–21; grades 1–2 about 55–60%; a
backlog in 2018–21 and recent years partly in progress.

Why the rows are written directly (`bulk_create`) rather than through the services: building
one review through the services costs about 0.35 s, so ~28,000 deaths would take hours. What it
keeps instead (and `tests/test_history.py` checks):

- every row has the shape the services write: a notification with its source and its eligibility
  decision (`eligibility.assess` by the rules of the date of death); a case whose state is the
  last of its `CaseEvent`s, made only by transitions in `lifecycle.TRANSITIONS`; an accepted
  `Allocation` to a trained reviewer on the ICB's own register; sections stored as their forms
  and services store them (`cause_of_death_record`, the grading scale's version); a
  `ReviewVersion` per save holding `review_snapshot`'s content; a `SignOff` whose snapshot and
  `content_hash` are those `review_lock` would have written, so `signoff_verify` passes;
- content rows are written before the sign-offs, so the database's lock triggers hold;
- one transaction and one audit row ("Demo history loaded: N deaths") for the whole load;
- references `LDR-YYYY-9NNNNN`, a range the reference counter will not reach, so they never
  collide with notifications made through the services, before or after; the audit row marks
  the load, so running it twice loads once;
- synthetic people only: names from `leder.demo.synthetic`, NHS numbers in the 999 test range.

Everything is drawn from a seeded `random.Random`, so the same seed, scale and day give the
same history.
"""

import random
import time as clock
from collections import Counter
from datetime import date

from django.db import transaction

from leder.core import audit
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today
from leder.demo.history_cases import (
    _Builder,
)

# The history's constants and calibration, importable from here as before the split.
from leder.demo.history_data import (  # noqa: F401
    ACTION_TITLES,
    ACTOR,
    ANSWER_WEIGHTS,
    BATCH,
    CAUSES,
    CONCERN_DETAIL,
    COVID_CAUSE,
    COVID_SHARE,
    DEATHS_PER_YEAR,
    FAMILY_NAMES,
    FOCUSED_FROM,
    GRADE_WEIGHTS,
    HISTORY_DOMAIN,
    HOLD_REASON,
    HOLD_SHARE,
    LEARNING_TEXT,
    LIVED_IN_WEIGHTS,
    LONDON,
    MINORITY_ETHNIC,
    MINORITY_ETHNIC_SCALE,
    NAMESPACE,
    NATIONAL_LD_POPULATION,
    NOT_ELIGIBLE_REASON,
    NOT_REVIEWED,
    OPT_OUT_REASON,
    PLACE_WEIGHTS,
    POSTCODE_AREAS,
    RATIONALE,
    REFERENCE_BASE,
    RESERVED_FAMILY_NAMES,
    REVIEWER_COURSE,
    REVIEWERS_PER_ICB,
    SEED,
    SEVERITY_AGE,
    SEVERITY_WEIGHTS,
    SEX_WEIGHTS,
    STAFF_SINCE,
    STALLED_SHARE,
    SUMMARY_PREFIX,
    WHAT_MATTERED,
    WHO_THEY_WERE,
    YEAR_FACTOR,
    YEARS,
    HistoryResult,
)


def already_loaded() -> bool:
    return AuditEvent.objects.filter(actor_label=ACTOR, summary__startswith=SUMMARY_PREFIX).exists()


def load_history(
    *, scale: float = 1.0, seed: int = SEED, as_of: date | None = None
) -> HistoryResult:
    """Load the history at `scale` (1.0 = the national volume, ~28,000 deaths) once: a second
    call finds the audit row of the first and loads nothing (`loaded=False`)."""
    started = clock.monotonic()
    if already_loaded():
        return HistoryResult(0, Counter(), 0.0, loaded=False)
    as_of = as_of or today()
    with transaction.atomic():
        builder = _Builder(rng=random.Random(seed), scale=scale, as_of=as_of)
        states = builder.run()
        deaths = sum(states.values())
        audit.record(
            actor=ACTOR,
            action=AuditAction.CREATE,
            summary=f"{SUMMARY_PREFIX}: {deaths} deaths",
            details={
                "scale": scale,
                "seed": seed,
                "as_of": as_of.isoformat(),
                "years": [YEARS[0], YEARS[-1]],
                "icbs": len(builder.icbs),
                "states": dict(sorted(states.items())),
                "reviews": builder.counts["reviews"],
                "signoffs": builder.counts["signoffs"],
                "actions": builder.counts["actions"],
                "ld_population_set": builder.populations,
            },
        )
    return HistoryResult(deaths, states, clock.monotonic() - started)
