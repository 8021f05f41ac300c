"""The management commands: clear reports, and clear errors with nothing changed."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from leder.core.models import AuditEvent
from leder.organisations.models import Organisation, OrganisationKind, Succession
from leder.organisations.tests.conftest import ON
from leder.organisations.tests.records import make_notification

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data"


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _csv(tmp_path, text: str, name="file.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_restructure_apply_reports_moves_per_predecessor_and_unplaced_by_reference(split, tmp_path):
    placements = _csv(
        tmp_path,
        "ods_code,successor_ods_code\n"
        f"{split.to_east.ods_code},{split.east.ods_code}\n"
        f"{split.to_west.ods_code},{split.west.ods_code}\n",
    )

    output = _run("restructure_apply", "--date", ON.isoformat(), "--placements", placements)

    f, e, w = split.frimtown.ods_code, split.east.ods_code, split.west.ods_code
    assert "Restructure of 1 January 2025 applied" in output
    assert f"{f} → {e}: 1 notification, 1 provider" in output
    assert f"{f} → {w}: 1 notification, 1 provider" in output
    assert "Not placed (5)" in output
    assert f"notification {split.no_practice.reference} from {f}, held by {e}: no GP" in output
    assert f"membership {split.lac_user.email} (Local area contact) from {f}, ended" in output
    assert f"Closed: {f}" in output
    split.frimtown.refresh_from_db()
    assert split.frimtown.closed_on == ON


def test_restructure_apply_dry_run_says_so_and_saves_nothing(merger):
    output = _run("restructure_apply", "--date", ON.isoformat(), "--dry-run")
    assert "(dry run: nothing was saved)" in output
    assert f"{merger.north.ods_code} → {merger.central.ods_code}: 2 roles, 2 notifications" in (
        output
    )
    merger.north.refresh_from_db()
    assert merger.north.closed_on is None


def test_restructure_apply_twice_says_it_was_applied_already(merger, tmp_path):
    _run("restructure_apply", "--date", ON.isoformat())
    placements = _csv(tmp_path, f"ods_code,successor_ods_code\n{merger.practice.ods_code},X\n")
    output = _run("restructure_apply", "--date", ON.isoformat(), "--placements", placements)
    assert "was applied already: nothing changed" in output
    assert "The placements were not used" in output


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("1/4/2026", "--date '1/4/2026' is not a date: write it like 2026-04-01"),
        ("2026-04-02", "No restructure takes effect on 2026-04-02"),
    ],
)
def test_restructure_apply_refuses_a_bad_or_unknown_date(date, message):
    with pytest.raises(CommandError, match=message):
        _run("restructure_apply", "--date", date)
    assert (
        not Succession.objects.filter(applied_at__isnull=True)
        .exclude(effective_on=datetime.date(2026, 4, 1))
        .exists()
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("provider,successor\nA12345,S0E4D\n", "must name the columns ods_code,successor_ods_code"),
        ("", "must name the columns"),
        ("ods_code,successor_ods_code\nA12345,\n", "line 2: both ods_code and successor_ods_code"),
        (
            "ods_code,successor_ods_code\nA12345,S0E4D\na12345,S9B9J\n",
            "line 3: A12345 is placed already on line 2",
        ),
    ],
)
def test_restructure_apply_refuses_a_malformed_placements_file(split, tmp_path, text, message):
    with pytest.raises(CommandError, match=message):
        _run("restructure_apply", "--date", ON.isoformat(), "--placements", _csv(tmp_path, text))
    split.frimtown.refresh_from_db()
    assert split.frimtown.closed_on is None


def test_restructure_apply_refuses_placements_naming_an_unknown_ods_code(split, tmp_path):
    placements = _csv(tmp_path, "ods_code,successor_ods_code\nQ99999,S0E4D\n")
    with pytest.raises(CommandError, match="Q99999: no organisation has this ODS code"):
        _run("restructure_apply", "--date", ON.isoformat(), "--placements", placements)
    split.frimtown.refresh_from_db()
    assert split.frimtown.closed_on is None


def test_restructure_apply_refuses_a_missing_placements_file(split, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        _run("restructure_apply", "--date", ON.isoformat(), "--placements", tmp_path / "x.csv")


def test_providers_load_creates_then_updates_and_audits(tmp_path):
    header = "ods_code,name,kind,icb_ods_code,postcode,opened_on,closed_on\n"
    first = _csv(
        tmp_path, header + "t12345,Meadow Lane Surgery,gp_practice,QK1,le2 9za,1994-04-01,\n"
    )
    output = _run("providers_load", first)
    assert "1 providers created, 0 updated, 0 unchanged" in output
    practice = Organisation.objects.get(ods_code="T12345")
    assert (practice.kind, practice.icb.ods_code, practice.postcode) == (
        OrganisationKind.GP_PRACTICE,
        "QK1",
        "LE2 9ZA",
    )
    assert practice.opened_on == datetime.date(1994, 4, 1)

    renamed = _csv(
        tmp_path,
        header + "T12345,Meadow Lane Medical Centre,gp_practice,QK1,LE2 9ZA,1994-04-01,\n",
        name="renamed.csv",
    )
    assert "0 providers created, 1 updated" in _run("providers_load", renamed)
    row = AuditEvent.objects.get(object_id=str(practice.pk), action="update")
    assert row.details["changed"] == {"name": ["Meadow Lane Surgery", "Meadow Lane Medical Centre"]}
    assert "1 unchanged" in _run("providers_load", renamed)


def test_providers_load_lists_every_problem_by_line_and_loads_nothing(tmp_path):
    text = (
        "ods_code,name,kind,icb_ods_code,postcode,opened_on,closed_on\n"
        "T00001,Good Surgery,gp_practice,QK1,,,\n"
        "T00002,Odd Place,hospital,QK1,,,\n"
        "T00003,Lost Surgery,gp_practice,QZZ,,,\n"
        "T00004,Late Surgery,gp_practice,QK1,,2020-02-30,\n"
        "QK1,Not A Practice,gp_practice,QK1,,,\n"
        "T00001,Twice Surgery,gp_practice,QK1,,,\n"
    )
    with pytest.raises(CommandError) as raised:
        _run("providers_load", _csv(tmp_path, text))
    message = str(raised.value)
    assert "nothing was loaded" in message
    assert "Line 3: kind 'hospital' is not one of" in message
    assert "Line 4: icb_ods_code 'QZZ' is not an ICB" in message
    assert "Line 5: opened_on '2020-02-30' is not a date" in message
    assert "Line 6: QK1 is already used by" in message
    assert "Line 7: T00001 is also on line 2" in message
    assert not Organisation.objects.filter(ods_code__startswith="T0000").exists()


def test_providers_load_refuses_a_file_without_the_columns(tmp_path):
    with pytest.raises(CommandError, match="missing: icb_ods_code"):
        _run("providers_load", _csv(tmp_path, "ods_code,name,kind,postcode,opened_on,closed_on\n"))


def test_the_demo_restructure_runs_from_the_shipped_files():
    _run("providers_load", str(DATA / "demo_providers.csv"))
    frimley_practices = Organisation.objects.filter(icb__ods_code="QNQ", kind="gp_practice")
    notifications = {
        p.ods_code: make_notification(icb=p.icb, gp_practice=p) for p in frimley_practices
    }

    output = _run(
        "restructure_apply",
        "--date",
        "2026-04-01",
        "--placements",
        str(DATA / "demo_placements_2026.csv"),
    )

    assert "QMJ → Z9B2Z: 3 providers" in output
    assert "QHG → S1Y5D: nothing to move" in output
    placed = {
        code: n.__class__.objects.get(pk=n.pk).icb.ods_code for code, n in notifications.items()
    }
    assert placed == {"K99901": "S0E4D", "K99902": "S9B9J", "K99903": "QRL", "K99904": "S0E4D"}
    assert f"notification {notifications['K99904'].reference} from QNQ, held by S0E4D" in output
