"""Benchmark: does a bulk import run at bulk speed (issue 17 item 2, ADR 0155)?

Builds (or reuses) a bench-only database of its own, migrated and empty (PostgreSQL when
`DATABASE_URL` is set, as `<name>_bench_import`; a SQLite file under `var/bench/` otherwise),
then, for a file of `--rows` synthetic deaths in every case state (NHS numbers in the 999 test
range; a quarter completed reviews with profile, answers and learning):

1. checks it (`import_batch_upload`, the dry run) and commits it (`import_batch_commit`), timed;
2. inserts the same notifications with one `bulk_create` (no checks, no cases, no audit): what
   the database itself takes to store the rows, the floor the import is measured against.

Each run is rolled back, so the database stays empty and runs do not disturb one another.
Prints the times, the import's ratio to the bulk insert, pass or fail against the target (5,000
rows checked and committed in under 60 s together) and, with `--large` (default 50,000), the
time for a file that size and its rate against the 5,000-row file's (linear scaling). Also
prints the machine's load average.

Run: `make bench` or `.venv/bin/python bench/imports.py [--rows N] [--large N] [--rebuild]`.
"""

import argparse
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_SECONDS = 60.0
TARGET_ROWS = 5000


def _setup(rebuild: bool) -> None:
    from scale import _drop_and_create, _exists, database_env

    env = database_env("import")
    if rebuild or not _exists(env):
        _drop_and_create(env)
    env["DJANGO_SETTINGS_MODULE"] = "leder.config.settings.demo"
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()


class _RollBack(Exception):
    pass


def _people(rng: random.Random, count: int, reviewer_email: str) -> list[dict]:
    from nhs_number import calculate_checksum

    from leder.imports.columns import PROFILE_NAMES
    from leder.reviews import questions

    question_set = questions.question_set(questions.current_version(date(2024, 6, 1)))
    top = [q.key for _, q, parent in question_set.all_questions() if parent is None]
    follow = {q.key: parent.key for _, q, parent in question_set.all_questions() if parent}
    profile = {
        "downs_syndrome": "no",
        "cerebral_palsy": "no",
        "epilepsy": "yes",
        "long_term_conditions": "asthma",
        "mobility": "some_help",
        "communication": "verbal",
        "sensory": "none",
        "lived_in": "supported_living",
        "support": "daily",
        "out_of_area_placement": "no",
        "mental_health_act_detained": "no",
    }
    assert set(profile) == set(PROFILE_NAMES)
    states = ["notified", "awaiting_allocation", "allocated", "in_review", "on_hold"]
    states += ["not_eligible", "completed", "completed", "completed"]
    rows, numbers = [], set()
    while len(rows) < count:
        body = f"999{rng.randrange(10**6):06d}"
        check = calculate_checksum(body)
        if check == 10 or body in numbers:
            continue
        numbers.add(body)
        died = date(2023, 1, 1) + timedelta(days=rng.randrange(700))
        born = died - timedelta(days=rng.randrange(18 * 365, 90 * 365))
        received = died + timedelta(days=rng.randrange(1, 30))
        state = states[len(rows) % len(states)]
        row = {
            "given_name": rng.choice(["Alex", "Sam", "Jo", "Chris", "Pat", "Lee"]) + str(len(rows)),
            "family_name": rng.choice(["Smith", "Jones", "Khan", "Okafor", "Walsh"]),
            "date_of_birth": born.isoformat(),
            "date_of_death": died.isoformat(),
            "nhs_number": f"{body}{check}",
            "sex": rng.choice(["female", "male"]),
            "ethnic_category": rng.choice(["A", "B", "H", "N", "Z"]),
            "address": "1 Synthetic Street",
            "has_learning_disability": "yes",
            "is_autistic": "no",
            "place_of_death": rng.choice(["hospital", "home", "care_home"]),
            "died_in_england": "yes",
            "covid": "no",
            "has_care_concerns": "no",
            "notifier_relationship": "family",
            "notifier_name": "A Relative",
            "notifier_email": "relative@example.invalid",
            "received_on": received.isoformat(),
            "outcome": state,
            "ld_severity": rng.choice(["mild", "moderate", "severe", "pmld"]),
            "underlying_cause_code": rng.choice(["J69.0", "J18.9", "I21.9", "C34.9"]),
        }
        allocated = received + timedelta(days=rng.randrange(5, 60))
        if state == "not_eligible":
            row["outcome_reason"] = "No learning disability"
        if state in ("allocated", "in_review", "completed"):
            row |= {"reviewer_email": reviewer_email, "allocated_on": allocated.isoformat()}
        if state == "on_hold":
            row |= {"hold_kind": "coroner", "hold_started_on": allocated.isoformat()}
        if state == "completed":
            done = allocated + timedelta(days=rng.randrange(30, 200))
            row |= {
                "review_submitted_on": (done - timedelta(days=10)).isoformat(),
                "review_completed_on": done.isoformat(),
                "grading": str(rng.randrange(1, 6)),
                "review_summary": "Care met expected good practice.",
                "learning_1_kind": "good_practice",
                "learning_1_text": "The hospital passport was used.",
                "learning_1_themes": "Communication",
                **profile,
            }
            answers = {}
            for key in top:
                answers[key] = rng.choice(["yes", "no", "not_known"])
            for key, parent in follow.items():
                question = next(q for _, q, _p in question_set.all_questions() if q.key == key)
                if question.shows(answers.get(parent)):
                    answers[key] = "yes"
            row |= {f"q_{k}": v for k, v in answers.items()}
        rows.append(row)
    return rows


def _csv(rows: list[dict]) -> bytes:
    import csv
    import io

    from leder.imports.columns import NAMES

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(NAMES)
    for r in rows:
        writer.writerow([r.get(c, "") for c in NAMES])
    return out.getvalue().encode()


def _fixtures(seed: int):
    from leder.accounts.models import Membership, Role, User
    from leder.casework.models import Profession, RecruitmentStatus, Reviewer
    from leder.organisations.models import Organisation

    region = Organisation.objects.create(
        kind="region", ods_code=f"YB{seed % 1000:03d}", name=f"Bench region {seed}"
    )
    icb = Organisation.objects.create(
        kind="icb", ods_code=f"QB{seed % 1000:03d}", name=f"Bench ICB {seed}", region=region
    )
    lac = User.objects.create_user(email=f"lac{seed}@example.invalid", full_name="Bench LAC")
    Membership.objects.create(user=lac, organisation=icb, role=Role.LAC)
    person = User.objects.create_user(
        email=f"reviewer{seed}@example.invalid", full_name="Bench Reviewer"
    )
    Membership.objects.create(user=person, organisation=icb, role=Role.REVIEWER)
    Reviewer.objects.create(
        user=person,
        icb=icb,
        profession=Profession.LD_NURSE,
        capacity=5,
        recruitment_status=RecruitmentStatus.TRAINED,
        joined_on=date(2022, 1, 1),
    )
    return icb, lac, person.email


def run(count: int, seed: int) -> dict:
    """Check + commit `count` rows, then bulk-insert the same notifications; rolled back."""
    from django.db import transaction

    from leder.imports import services, tasks
    from leder.imports.models import BatchStatus
    from leder.notifications.models import Channel, Notification

    timings: dict = {"rows": count}
    try:
        with transaction.atomic():
            icb, lac, email = _fixtures(seed)
            content = _csv(_people(random.Random(seed), count, email))
            plans = _plans(icb, content)
            started = time.perf_counter()
            batch = tasks.import_batch_upload(
                actor=lac, icb=icb, file_name="bench.csv", content=content
            )
            # What the background worker does with it (here, in this process).
            batch = services.import_batch_check_run(batch_id=batch.pk)
            timings["check"] = time.perf_counter() - started
            assert batch.rows_ready == count, batch.report["counts"]
            started = time.perf_counter()
            batch = services.import_batch_commit(actor=lac, batch=batch)
            timings["commit"] = time.perf_counter() - started
            assert batch.status == BatchStatus.COMMITTED and batch.rows_imported == count
            with transaction.atomic():
                # The same notifications again, stored as they are: one bulk_create.
                copies = [
                    Notification(
                        reference=f"LDR-1999-{i:06d}",
                        received_at=plan.received_at,
                        channel=Channel.IMPORT,
                        **{**vars(plan.person), "icb_id": icb.pk},
                    )
                    for i, plan in enumerate(plans)
                ]
                started = time.perf_counter()
                Notification.objects.bulk_create(copies, batch_size=1000)
                timings["bulk_insert"] = time.perf_counter() - started
            raise _RollBack
    except _RollBack:
        pass
    return timings


def _plans(icb, content):
    """The rows' plans as the check makes them (for the bulk insert's notifications)."""
    from leder.imports import validation
    from leder.imports.reading import read_rows

    rows = read_rows("bench.csv", content)
    return [r.plan for r in validation.check_rows(rows, icb=icb, sha256="bench") if r.plan]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=TARGET_ROWS)
    parser.add_argument("--large", type=int, default=50_000, help="0 to leave out")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    _setup(args.rebuild)
    from django.db import connection

    print(f"Bulk import bench on {connection.vendor}, load average {os.getloadavg()}")
    seed = int(time.time()) % 100_000
    small = run(args.rows, seed)
    total = small["check"] + small["commit"]
    ratio = total / max(small["bulk_insert"], 1e-9)
    verdict = "PASS" if total < TARGET_SECONDS * args.rows / TARGET_ROWS else "FAIL"
    print(
        f"{args.rows:>7,} rows: check {small['check']:.1f} s, commit {small['commit']:.1f} s, "
        f"together {total:.1f} s ({args.rows / total:.0f} rows/s); bulk insert of the same "
        f"notifications {small['bulk_insert']:.2f} s; import/bulk insert ×{ratio:.0f}; "
        f"target under {TARGET_SECONDS * args.rows / TARGET_ROWS:.0f} s: {verdict}"
    )
    if args.large:
        large = run(args.large, seed + 1)
        big = large["check"] + large["commit"]
        per_row = (big / args.large) / (total / args.rows)
        print(
            f"{args.large:>7,} rows: check {large['check']:.1f} s, commit {large['commit']:.1f} s,"
            f" together {big:.1f} s ({args.large / big:.0f} rows/s); bulk insert "
            f"{large['bulk_insert']:.2f} s; time a row ×{per_row:.2f} the small file's "
            f"(linear: about 1)"
        )
    print(f"load average after: {os.getloadavg()}")
    if verdict == "FAIL":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
