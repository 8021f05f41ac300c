"""The manifest every report carries: what it was computed from and with which definitions.

`build_manifest(extract, ...)` returns a JSON-ready dict with the cohort and scope, the row
count of each frame, the SHA-256 of the extract in a canonical serialisation, the versions of
every definition used (extract, metrics, avoidable mortality list, population tables,
disclosure threshold), the reconciliation results, and when and by whom it was generated.

Same data → same hash: the canonical form is independent of row order in memory, of the polars
version's CSV/JSON formatting, and of when the extract was made (`generated_at` is recorded
beside the hash, not in it).
"""

import hashlib
import json
from datetime import date, datetime

import polars as pl

from leder.analytics import disclosure, metrics
from leder.analytics.extract import EXTRACT_VERSION, Extract
from leder.core.time import now
from leder.reference import avoidable, population

MANIFEST_VERSION = "1"


def _canonical(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)  # shortest round-trip form, the same on every platform
    return value


def frame_digest(frame: pl.DataFrame, hasher=None):
    """Feed `frame` into `hasher` (a new SHA-256 if None) canonically: a header line with the
    column names and types, then one JSON array per row, rows sorted by every column."""
    hasher = hasher or hashlib.sha256()
    header = [[name, str(dtype)] for name, dtype in frame.schema.items()]
    hasher.update(json.dumps(header, separators=(",", ":")).encode())
    hasher.update(b"\n")
    ordered = frame.sort(frame.columns, nulls_last=True) if frame.width else frame
    for row in ordered.iter_rows():
        line = json.dumps([_canonical(v) for v in row], separators=(",", ":"), ensure_ascii=False)
        hasher.update(line.encode())
        hasher.update(b"\n")
    return hasher


def extract_hash(extract: Extract) -> str:
    """SHA-256 (hex) of every frame of the extract, in a fixed order, plus the scope's
    population with a learning disability (it changes the expected deaths)."""
    hasher = hashlib.sha256()
    for name, frame in sorted(extract.frames.items()):
        hasher.update(f"frame {name}\n".encode())
        frame_digest(frame, hasher)
    hasher.update(f"ld_population {extract.ld_population}\n".encode())
    return hasher.hexdigest()


def definition_versions(keys: list[str] | None = None) -> dict:
    from leder.analytics import national  # the national report's metrics (ADR 0146)

    all_versions = {
        **metrics.definition_versions(),
        **{key: m.version for key, m in national.NATIONAL.items()},
    }
    rates = population.ld_rates()
    general = population.general_population()
    return {
        "extract": EXTRACT_VERSION,
        "metrics": {k: all_versions[k] for k in (keys or metrics.definition_versions())},
        "avoidable_mortality_list": avoidable.VERSION,
        "ld_population_by_ethnicity": rates[0].version if rates else None,
        "general_population": general[0].version if general else None,
        "disclosure_threshold": disclosure.threshold(),
    }


def _who(generated_by) -> str:
    if generated_by is None:
        return "system"
    if hasattr(generated_by, "get_username"):
        name = getattr(generated_by, "full_name", "") or generated_by.get_username()
        return f"{name} (user {generated_by.pk})"
    return str(generated_by)


def build_manifest(
    extract: Extract,
    *,
    generated_by=None,
    checks=(),
    metric_keys: list[str] | None = None,
    generated_at: datetime | None = None,
) -> dict:
    """The manifest as a JSON-ready dict. `generated_by` is a user (or a plain description,
    e.g. "scheduled task"); `checks` the reconciliation results (`reconcile.CheckResult`)."""
    moment = generated_at or extract.generated_at or now()
    return {
        "manifest_version": MANIFEST_VERSION,
        "cohort": extract.cohort.as_dict(),
        "scope": extract.scope.as_dict(),
        "row_counts": {name: frame.height for name, frame in sorted(extract.frames.items())},
        "extract_sha256": extract_hash(extract),
        "ld_population": extract.ld_population,
        "as_of": extract.as_of.isoformat() if extract.as_of else None,
        "definitions": definition_versions(metric_keys),
        "reconciliation": [
            {"key": c.key, "description": c.description, "passed": c.passed} for c in checks
        ],
        "generated_at": moment.isoformat(),
        "generated_by": _who(generated_by),
    }
