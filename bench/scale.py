"""Benchmark: do dashboards and case lists keep their cost as England's history grows?

Builds two bench-only databases itself (PostgreSQL when `DATABASE_URL` is set, beside that
database and named `<name>_bench_small` / `<name>_bench_large`; SQLite files under `var/bench/`
otherwise): the demo (`demo_load`) with a national history at `--small` and `--large` scale
(`demo_history --scale`). A database already built at the same scale by the same loader is
reused (`--rebuild` to start again).

Then one worker process per database serves the pages through Django's test client, signed in
as the demo's users, in rounds interleaved small, large, small, large… so both see the same
machine load; the first request of each page (cold cache) is reported apart, then the median of
`--rounds` warm requests. Prints each page's large/small ratio against the target (issue 17:
within 1.5× of the small scale; the England reports dashboard also under 1 s warm), and the
machine's load average.

Then the national dataset export of the deaths in `YEAR` (`--export-rounds` rounds, interleaved):
built, checked for k-anonymity and written as CSV, against a bare SQL extract of the same deaths'
source values to CSV (one query, no redaction or derivation): the export within 5× of it, all
three formats under 30 s at the large scale, and the same number of queries at both scales.

Run: `make bench` or `.venv/bin/python bench/scale.py [--rounds R] [--small S] [--large L]`.
"""

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SMALL_SCALE = 0.02  # about 570 history deaths plus the demo's 66 notifications
LARGE_SCALE = 0.25  # about 7,100 history deaths: loads in 2–3 minutes on 2 cores
RATIO_TARGET = 1.5
ENGLAND_WARM_TARGET = 1.0  # seconds
EXPORT_SECONDS_TARGET = 30.0  # a year of England, every format
EXPORT_BARE_TARGET = 5.0  # the export against a bare SQL extract of the same deaths
YEAR = "2024"
EXPORT_COHORTS = {
    "year": f"deaths in {YEAR}",
    "history": "every death 2018–2025 (as many as a year of England at scale 1.8)",
}
FIGURES = {"year": YEAR, "period": "calendar", "cohort": "deaths"}


# --- building the databases ----------------------------------------------------------------------


def _loader_fingerprint() -> str:
    """What the databases were built by: a change to the demo loaders means a rebuild."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "leder" / "demo").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def database_env(label: str) -> dict[str, str]:
    """The environment that points Django at the bench database `label`."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    base = os.environ.get("DATABASE_URL")
    if base:
        parts = urlsplit(base)
        name = parts.path.lstrip("/") or "leder"
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}_bench_{label}"))
    else:
        env["SQLITE_PATH"] = str(ROOT / "var" / "bench" / f"{label}.sqlite3")
    return env


def _postgres_admin(url: str, sql: str) -> list:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        rows = connection.execute(sql)
        return rows.fetchall() if rows.description else []


def _exists(env: dict[str, str]) -> bool:
    if "DATABASE_URL" in env:
        name = urlsplit(env["DATABASE_URL"]).path.lstrip("/")
        found = _postgres_admin(
            env["DATABASE_URL"], f"SELECT 1 FROM pg_database WHERE datname = '{name}'"
        )
        return bool(found)
    return Path(env["SQLITE_PATH"]).exists()


def _drop_and_create(env: dict[str, str]) -> None:
    if "DATABASE_URL" in env:
        name = urlsplit(env["DATABASE_URL"]).path.lstrip("/")
        _postgres_admin(env["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _postgres_admin(env["DATABASE_URL"], f'CREATE DATABASE "{name}"')
    else:
        path = Path(env["SQLITE_PATH"])
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _run(command: list[str], env: dict[str, str]) -> None:
    """Run a management command quietly; show what it said only if it failed."""
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{' '.join(command)} failed")


def ensure_built(label: str, scale: float, *, rebuild: bool) -> dict:
    """Build the bench database `label` at `scale` unless it is already built so. Returns what
    the build took (seconds, None when reused)."""
    env = database_env(label)
    marker = ROOT / "var" / "bench" / f"{label}.json"
    wanted = {
        "scale": scale,
        "loader": _loader_fingerprint(),
        "database": env.get("DATABASE_URL") or env["SQLITE_PATH"],
    }
    built = marker.exists() and json.loads(marker.read_text()) == wanted
    env["DJANGO_SETTINGS_MODULE"] = "leder.config.settings.demo"
    manage = [PYTHON, str(ROOT / "manage.py")]
    if not rebuild and built and _exists(env):
        # Reused: only the migrations added since it was built (new indexes) are applied.
        subprocess.run(
            [*manage, "migrate", "--no-input"],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return {"seconds": None}
    started = time.monotonic()
    _drop_and_create(env)
    for command in (["migrate", "--no-input"], ["demo_load", "--history-scale", str(scale)]):
        print(f"   {label}: manage.py {' '.join(command)}", flush=True)
        _run(["nice", "-n", "10", *manage, *command], env)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(wanted))
    return {"seconds": time.monotonic() - started}


# --- the worker: one process per database, serving the pages --------------------------------------


def _pages(users: dict, *, region: str, icb: str, surname: str) -> list[tuple]:
    """(name, user, path, query) of every page measured."""
    lac, analyst, regional = users["lac"], users["analyst"], users["regional"]
    return [
        ("reports dashboard, England", analyst, "/staff/reports/dashboards/england", FIGURES),
        (
            "reports dashboard, region",
            analyst,
            f"/staff/reports/dashboards/region/{region}",
            FIGURES,
        ),
        ("reports dashboard, ICB", lac, f"/staff/reports/dashboards/icb/{icb}", FIGURES),
        ("case list, default", lac, "/staff/cases", {}),
        ("case list, state and sort", lac, "/staff/cases", {"state": "completed", "sort": "reference"}),  # noqa: E501
        ("case list, search by name", lac, "/staff/cases", {"q": surname}),
        ("case list, page 2", lac, "/staff/cases", {"page": "2"}),
        ("escalations (region)", regional, "/staff/escalations", {}),
        ("casework dashboard, ICB", lac, "/staff/dashboard", {}),
        ("casework dashboard, national", analyst, "/staff/dashboard/national", {}),
    ]  # fmt: skip


def worker() -> None:
    """Reads "round" lines on stdin; answers each with one JSON line {page: seconds}."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leder.config.settings.test")
    import django

    django.setup()
    import logging
    from collections import Counter

    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, mail kept in memory
    cache.clear()  # the first round is cold: nothing computed by an earlier run is reused
    logging.getLogger("axes").setLevel(logging.WARNING)

    from leder.accounts.models import User
    from leder.accounts.tests.factories import sign_in_verified
    from leder.notifications.models import Notification
    from leder.organisations.models import Organisation

    domain = "demo.leder.invalid"
    users = {
        "lac": User.objects.get(email=f"lac.llr@{domain}"),
        "analyst": User.objects.get(email=f"analyst@{domain}"),
        "regional": User.objects.get(email=f"regional.midlands@{domain}"),
    }
    icb = Organisation.objects.get(ods_code="QK1")
    names = Counter(Notification.objects.filter(icb=icb).values_list("family_name", flat=True))
    surname = names.most_common(1)[0][0]
    pages = _pages(users, region=icb.region.ods_code, icb=icb.ods_code, surname=surname)
    clients = {}
    for user in users.values():
        clients[user.pk] = Client()
        sign_in_verified(clients[user.pk], user)
    for line in sys.stdin:
        if line.startswith("export"):
            print(json.dumps(export_timings(line.split()[1])), flush=True)
            continue
        if line.strip() != "round":
            break
        timings = {}
        for name, user, path, query in pages:
            started = time.perf_counter()
            response = clients[user.pk].get(path, query)
            timings[name] = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{name}: {path} answered {response.status_code}")
        print(json.dumps(timings), flush=True)


# --- the national dataset export against a bare SQL extract ------------------------------------


def _bare_extract(cohort, path: Path) -> int:
    """The same deaths' source values in one SQL query, written to CSV with no redaction,
    pseudonymisation, derivation or k-anonymity: what the export could not be faster than. The
    ORM writes the SQL (notifications joined to their case, ICB, region, ethnic category and
    live sign-offs' snapshots, with the first allocation); it runs on a raw cursor and the rows
    go straight into a frame."""
    import polars as pl
    from django.db import connection
    from django.db.models import FilteredRelation, Min, OuterRef, Q, Subquery

    from leder.analytics.cohorts import Scope
    from leder.analytics.extract import cohort_notifications
    from leder.casework.models import Allocation

    first = (
        Allocation.objects.filter(case=OuterRef("case"))
        .values("case")
        .annotate(first=Min("allocated_at"))
        .values("first")
    )
    columns = (
        "reference", "nhs_number", "date_of_birth", "date_of_death", "sex", "ethnic_category_id",
        "ethnic_category__group", "has_learning_disability", "is_autistic", "icb__ods_code",
        "icb__name", "icb__region__ods_code", "icb__region__name", "place_of_death", "covid",
        "received_at", "eligibility_outcome", "case__state", "case__notified_on", "case__due_on",
        "first_allocated", "live__review__kind", "live__signed_off_at", "live__snapshot",
    )  # fmt: skip
    query = (
        cohort_notifications(cohort, Scope.england())
        .annotate(
            first_allocated=Subquery(first),
            live=FilteredRelation(
                "case__reviews__signoffs",
                condition=Q(case__reviews__signoffs__reopened_at__isnull=True),
            ),
        )
        .order_by("reference")
        .values_list(*columns)
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = [c.replace("__", "_") for c in columns]
    frame = pl.DataFrame(
        [tuple(str(v) if isinstance(v, dict | list) else v for v in row) for row in rows],
        schema=names,
        orient="row",
        infer_schema_length=None,
    )
    frame.write_csv(path)
    return frame.height


def _export_cohort(which: str):
    """The deaths in `YEAR`, or ("history") every death of the history, 2018–2025: about as
    many as a year of England at the issue's large scale (1.8), which the bench cannot build in
    its time."""
    from datetime import date

    from leder.analytics.cohorts import Cohort, CohortKind

    if which == "year":
        return Cohort.deaths_in(int(YEAR))
    return Cohort(CohortKind.DEATHS, date(2018, 1, 1), date(2026, 1, 1))


def export_timings(which: str) -> dict:
    """One round of the export bench in this worker's database: the dataset of the cohort
    `which` built (`build_dataset`), checked (`anonymise`, with production's k) and written as
    CSV, then also as XLSX and Parquet, against the bare SQL extract to CSV."""
    import tempfile

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from leder.exports import formats
    from leder.exports.anonymity import DEFAULT_K, anonymise
    from leder.exports.dataset import build_dataset

    cohort = _export_cohort(which)
    key = hashlib.sha256(b"bench").digest()
    out: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        started = time.perf_counter()
        rows = _bare_extract(cohort, folder / "bare.csv")
        out["bare SQL extract, CSV"] = time.perf_counter() - started
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            dataset = build_dataset(cohort=cohort, pseudonym_key=key)
            checked = anonymise(dataset.frame, k=DEFAULT_K)
            formats.write_csv(checked.frame, folder / "dataset.csv")
            out["dataset export, CSV"] = time.perf_counter() - started
            formats.write_xlsx(checked.frame, folder / "dataset.xlsx")
            formats.write_parquet(checked.frame, folder / "dataset.parquet")
            out["dataset export, all formats"] = time.perf_counter() - started
        out["_queries"] = len(captured)
        out["_rows"] = checked.frame.height
        out["_bare_rows"] = rows
    return out


# --- the run ----------------------------------------------------------------------------------


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _counts(label: str) -> dict:
    code = (
        "from leder.notifications.models import Notification;"
        "from leder.casework.models import Case;"
        "print(Notification.objects.count(), Case.objects.count())"
    )
    env = database_env(label) | {"DJANGO_SETTINGS_MODULE": "leder.config.settings.test"}
    out = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "shell", "-c", code],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return {"notifications": int(out[-2]), "cases": int(out[-1])}


def _print_exports(title: str, exports: dict[str, list[dict]]) -> int:
    """The export's table: small and large, the large export against the bare SQL extract of
    the same deaths, and the queries (which must not grow with the cohort)."""
    failed = 0
    small, large = exports["small"], exports["large"]

    def median(runs, name):
        return statistics.median(r[name] for r in runs)

    print(
        f"\nNational dataset export, {title} ({small[0]['_rows']:,} rows small, "
        f"{large[0]['_rows']:,} large; median of {len(large)} rounds)"
    )
    print(f"{'work':<34} {'small':>8} {'large':>8}  target")
    bare = median(large, "bare SQL extract, CSV")
    for name in ("bare SQL extract, CSV", "dataset export, CSV", "dataset export, all formats"):
        seconds = median(large, name)
        target = ""
        if name == "dataset export, CSV":
            ok = seconds <= EXPORT_BARE_TARGET * bare
            failed += not ok
            target = (
                f"{seconds / bare:.1f}× the bare extract, ≤{EXPORT_BARE_TARGET:.0f}× "
                f"{'pass' if ok else 'FAIL'}"
            )
        elif name == "dataset export, all formats":
            ok = seconds < EXPORT_SECONDS_TARGET
            failed += not ok
            target = f"<{EXPORT_SECONDS_TARGET:.0f} s {'pass' if ok else 'FAIL'}"
        print(f"{name:<34} {median(small, name):>7.3f}s {seconds:>7.3f}s  {target}")
    queries = (small[0]["_queries"], large[0]["_queries"])
    ok = queries[0] == queries[1]
    failed += not ok
    print(
        f"{'queries (build, check, write)':<34} {queries[0]:>8} {queries[1]:>8}  "
        f"the same at both scales {'pass' if ok else 'FAIL'}"
    )
    return failed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--small", type=float, default=SMALL_SCALE)
    parser.add_argument("--large", type=float, default=LARGE_SCALE)
    parser.add_argument("--export-rounds", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return 0

    engine = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(f"Scale bench on {engine}: history scale {args.small} against {args.large}")
    for label, scale in (("small", args.small), ("large", args.large)):
        built = ensure_built(label, scale, rebuild=args.rebuild)
        took = "reused" if built["seconds"] is None else f"built in {built['seconds']:.0f} s"
        sizes = _counts(label)
        print(
            f"   {label}: {sizes['notifications']:,} notifications, "
            f"{sizes['cases']:,} cases ({took})"
        )

    workers = {}
    for label in ("small", "large"):
        env = database_env(label) | {"DJANGO_SETTINGS_MODULE": "leder.config.settings.test"}
        workers[label] = subprocess.Popen(
            [PYTHON, __file__, "--worker"],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def one_round(label: str, command: str = "round") -> dict:
        process = workers[label]
        process.stdin.write(f"{command}\n")
        process.stdin.flush()
        line = process.stdout.readline()
        if not line:
            raise SystemExit(f"The {label} worker stopped (see above)")
        return json.loads(line)

    load_before = _load()
    cold = {label: one_round(label) for label in ("small", "large")}
    warm: dict[str, list[dict]] = {"small": [], "large": []}
    for _ in range(args.rounds):
        for label in ("small", "large"):
            warm[label].append(one_round(label))
    exports = {which: {"small": [], "large": []} for which in EXPORT_COHORTS}
    for _ in range(args.export_rounds):
        for which in EXPORT_COHORTS:
            for label in ("small", "large"):
                exports[which][label].append(one_round(label, f"export {which}"))
    load_after = _load()
    for process in workers.values():
        process.stdin.close()
        process.wait()

    failed = 0
    header = f"{'page':<34} {'small cold':>10} {'large cold':>10} {'small':>8} {'large':>8}"
    print(f"\n{header} {'ratio':>6}  target")
    for name in cold["small"]:
        small = statistics.median(r[name] for r in warm["small"])
        large = statistics.median(r[name] for r in warm["large"])
        ratio = large / small
        ok = ratio <= RATIO_TARGET
        target = f"≤{RATIO_TARGET}×"
        if name == "reports dashboard, England":
            ok = ok and large < ENGLAND_WARM_TARGET
            target += f", <{ENGLAND_WARM_TARGET:.0f} s"
        failed += not ok
        print(
            f"{name:<34} {cold['small'][name]:>9.3f}s {cold['large'][name]:>9.3f}s "
            f"{small:>7.3f}s {large:>7.3f}s {ratio:>5.2f}×  {target} {'pass' if ok else 'FAIL'}"
        )
    if args.export_rounds:
        for which, title in EXPORT_COHORTS.items():
            failed += _print_exports(title, exports[which])
    print(
        f"\nWarm: median of {args.rounds} rounds, interleaved small/large; cold: each page's "
        f"first request in a fresh process. Load average {load_before} before, {load_after} after."
    )
    # Benchmarks print figures; they do not fail the build on a busy machine.
    return 0


if __name__ == "__main__":
    sys.exit(main())
