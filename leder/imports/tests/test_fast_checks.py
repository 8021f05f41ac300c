"""The bulk import's fast paths keep the rules (issue 17, ADR 0177): the notification forms made
once and cleaned row after row give what binding a new form to each row gives; candidates found
in the database by mistyped dates (one parameter for thousands of dates) are those `__in` finds;
each imported review's version records the changes `diffs.changes_between` gives."""

from datetime import date, timedelta

import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import user_with_role
from leder.core.time import today
from leder.imports import tasks, validation
from leder.imports.tests.factories import as_csv, completed, row
from leder.notifications import forms as nf
from leder.notifications.tests.factories import nhs_number, notify
from leder.reviews import diffs
from leder.reviews.models import ReviewVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def icb():
    return make_icb()


@pytest.fixture
def lac(icb):
    return user_with_role(Role.LAC, icb)


TOMORROW = (today() + timedelta(days=1)).isoformat()

ROWS = [
    row(nhs_number=nhs_number()),
    completed(nhs_number=nhs_number()),
    row(given_name="", family_name=" ", other_names="x" * 201),
    row(date_of_birth="31/02/1970", date_of_death="2024-13-01"),
    row(date_of_birth="2000-01-01", date_of_death="1999-12-31"),
    row(date_of_death=TOMORROW, date_of_birth="12/3"),
    row(nhs_number="1234567890"),
    row(nhs_number="999 000 0018"),
    row(nhs_number="12-34"),
    row(postcode="LS14AP"),
    row(postcode="not a postcode", address=""),
    row(notifier_relationship="other", notifier_relationship_detail=""),
    row(notifier_relationship="Someone else", notifier_relationship_detail="A neighbour"),
    row(notifier_relationship="gp", notifier_organisation=""),
    row(notifier_relationship="", notifier_email="", notifier_phone=""),
    row(notifier_email="not-an-address", notifier_phone="12"),
    row(notifier_email="", notifier_phone="07700 900 982"),
    row(notifier_relationship="cousin"),
    row(has_care_concerns="yes", care_concerns=""),
    row(has_care_concerns="Yes", care_concerns="The GP did not visit"),
    row(has_care_concerns="no", care_concerns="Typed before changing their mind"),
    row(place_of_death="other", place_of_death_detail=""),
    row(place_of_death="Hospital", died_in_england="perhaps", covid=""),
    row(ethnic_category="q", sex="F"),
    row(ethnic_category="XX", sex="unknown"),
    row(ethnic_category="", sex=""),
    row(gp_practice="  A81001 ", circumstances="a\r\nb"),
    row(has_learning_disability="not sure", is_autistic="Not_Sure"),
]


def _reference(values: dict, icb):
    """What binding a new notification form to the row, form after form, gives (the way the
    import checked before ADR 0177): each form's errors and cleaned data."""
    out = []
    relationship = has_care_concerns = None
    for form_class, _, feeds in validation._form_feeds():
        kwargs = {"for_staff": True}
        if form_class is nf.NotifierDetailsForm:
            kwargs["relationship"] = relationship
        if form_class is nf.ConcernsDetailForm:
            kwargs["has_care_concerns"] = has_care_concerns
        if form_class is nf.AreaForm:
            kwargs["icbs"] = type(icb).objects.filter(pk=icb.pk)
        data, _ = validation._form_data(feeds, values, str(icb.pk))
        form = form_class(data, **kwargs)
        valid = form.is_valid()
        out.append(
            (
                form_class.__name__,
                {name: [str(m) for m in messages] for name, messages in form.errors.items()},
                _comparable(form.cleaned_data) if valid else None,
            )
        )
        if form_class is nf.RelationshipForm:
            relationship = form.cleaned_data.get("relationship") if valid else data["relationship"]
        if form_class is nf.ConcernsForm:
            has_care_concerns = data.get("has_care_concerns")
    return out


def _fast(values: dict, lookups):
    out = []
    relationship = has_care_concerns = None
    for form_class, _, feeds in validation._form_feeds():
        kwargs = {"for_staff": True}
        if form_class is nf.NotifierDetailsForm:
            kwargs["relationship"] = relationship
        if form_class is nf.ConcernsDetailForm:
            kwargs["has_care_concerns"] = has_care_concerns
        if form_class is nf.AreaForm:
            kwargs["icbs"] = lookups.icbs
        if form_class is nf.GPForm:
            kwargs["practice_matching"] = nf.gp_practice_matching
        data, _ = validation._form_data(feeds, values, str(lookups.icb.pk))
        form = lookups.form(form_class, kwargs).run(data)
        valid = not form._errors
        out.append(
            (
                form_class.__name__,
                {name: [str(m) for m in messages] for name, messages in form._errors.items()},
                _comparable(form.cleaned_data) if valid else None,
            )
        )
        if form_class is nf.RelationshipForm:
            relationship = form.cleaned_data.get("relationship") if valid else data["relationship"]
        if form_class is nf.ConcernsForm:
            has_care_concerns = data.get("has_care_concerns")
    return out


def _comparable(cleaned: dict) -> dict:
    return {k: getattr(v, "pk", v) for k, v in cleaned.items()}


def test_forms_made_once_give_what_a_new_bound_form_gives(icb):
    lookups = validation.Lookups(icb)
    # Row after row through the same forms: nothing one row leaves behind changes the next.
    for values in ROWS + ROWS[::-1]:
        full = dict.fromkeys(validation.NAMES, "") | values
        assert _fast(full, lookups) == _reference(full, icb), values


def test_every_message_of_a_bad_row_is_reported_against_its_column(icb, lac):
    batch = tasks.import_batch_upload(
        actor=lac, icb=icb, file_name="bad.csv", content=as_csv(ROWS[2:6])
    )
    report = {r["row"]: r for r in batch.report["rows"]}
    assert {e["column"] for e in report[2]["errors"]} == {
        "given_name",
        "family_name",
        "other_names",
    }
    assert ("date_of_death", "Date of death must be a real date") in [
        (e["column"], e["message"]) for e in report[3]["errors"]
    ]
    assert [(e["column"], e["message"]) for e in report[5]["errors"]] == [
        ("date_of_birth", "Date of birth must be a real date"),
        ("date_of_death", "Date of death must be today or in the past"),
    ]


def test_a_death_notified_without_an_nhs_number_is_found_by_its_mistyped_dates(icb, lac):
    existing = notify(
        icb,
        nhs_number="",
        given_name="Samuel",
        family_name="Okafor",
        date_of_birth=date(1961, 4, 7),
        date_of_death=date(2024, 3, 5),
    )
    rows = [
        # day and month of death swapped, a year of birth a keystroke away
        row(given_name="Samuel", family_name="Okafor", nhs_number="", date_of_birth="1916-04-07")
        | {"date_of_death": "2024-05-03"},
        # the same name on other dates is another death
        row(given_name="Samuel", family_name="Okafor", nhs_number="", date_of_birth="1950-01-01"),
    ]
    batch = tasks.import_batch_upload(actor=lac, icb=icb, file_name="d.csv", content=as_csv(rows))
    report = {r["row"]: r for r in batch.report["rows"]}
    assert report[2]["outcome"] == "duplicate"
    assert report[2]["reason"].startswith(
        f"Already notified as {existing.notification.reference}: "
    )
    assert report[3]["outcome"] == "ready"


def test_each_imported_version_records_the_changes_from_nothing(icb, lac):
    reviewer_rows = [completed(nhs_number=nhs_number()) for _ in range(3)]
    reviewer_rows.append(row(nhs_number=nhs_number(), ld_severity="mild"))
    batch = tasks.import_batch_upload(
        actor=lac, icb=icb, file_name="v.csv", content=as_csv(reviewer_rows)
    )
    assert batch.rows_ready == 4
    from leder.imports import services

    services.import_batch_commit(actor=lac, batch=batch)
    versions = list(ReviewVersion.objects.filter(section_key="imported"))
    assert len(versions) == 4
    for version in versions:
        expected = [c.as_dict() for c in diffs.changes_between({}, version.snapshot)]
        assert version.changes == expected


def test_the_cycle_collector_is_paused_for_the_check_and_resumed_after(icb, lac):
    import gc

    seen = []
    real = validation.check_rows

    def check_rows(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    validation.check_rows = check_rows
    try:
        batch = tasks.import_batch_upload(
            actor=lac, icb=icb, file_name="g.csv", content=as_csv([row(nhs_number=nhs_number())])
        )
        from leder.imports import services

        services.import_batch_commit(actor=lac, batch=batch)
    finally:
        validation.check_rows = real
    assert seen == [False, False]
    assert gc.isenabled()
