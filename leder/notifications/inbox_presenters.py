"""How a notification reads on the local area contact's screens."""

from dataclasses import dataclass

from leder.core import presenters
from leder.core.time import age_on
from leder.notifications.eligibility import explanation_for
from leder.notifications.models import (
    DuplicateStatus,
    EligibilityOutcome,
    Notification,
    NotificationState,
)

# NHS.UK tag colours for each eligibility outcome.
OUTCOME_TAG = {
    EligibilityOutcome.ELIGIBLE: ("Eligible", "nhsuk-tag--green"),
    EligibilityOutcome.CHILD_DEATH_REVIEW: ("Child death review", "nhsuk-tag--blue"),
    EligibilityOutcome.TO_CONFIRM: ("To confirm", "nhsuk-tag--yellow"),
    EligibilityOutcome.NOT_ELIGIBLE: ("Not eligible", "nhsuk-tag--grey"),
}

SHOW_CHOICES = [
    ("open", "New notifications"),
    ("to_confirm", "Eligibility to confirm"),
    ("duplicates", "Possible duplicates"),
    ("all", "All, including merged"),
]


@dataclass(frozen=True)
class InboxFilter:
    icb_id: int | None
    show: str

    @classmethod
    def from_query(cls, query, *, icbs) -> "InboxFilter":
        show = query.get("show", "open")
        if show not in dict(SHOW_CHOICES):
            show = "open"
        icb_id = None
        raw = query.get("icb", "")
        if raw.isdigit() and icbs.filter(pk=int(raw)).exists():
            icb_id = int(raw)
        return cls(icb_id=icb_id, show=show)

    @property
    def show_choices(self):
        return SHOW_CHOICES


class NotificationPresenter:
    def __init__(self, notification: Notification):
        self.notification = notification

    def __getattr__(self, name):
        return getattr(self.notification, name)

    @property
    def person_name(self) -> str:
        n = self.notification
        return presenters.person_name(given=n.given_name, family=n.family_name)

    @property
    def received(self) -> str:
        return presenters.datetime_long(self.notification.received_at)

    @property
    def received_short(self) -> str:
        return presenters.date_short(self.notification.received_at)

    @property
    def date_of_birth(self) -> str:
        return presenters.date_long(self.notification.date_of_birth)

    @property
    def date_of_death(self) -> str:
        return presenters.date_long(self.notification.date_of_death)

    @property
    def date_of_death_short(self) -> str:
        return presenters.date_short(self.notification.date_of_death)

    @property
    def age_at_death(self) -> str:
        n = self.notification
        return presenters.count(age_on(born=n.date_of_birth, on=n.date_of_death), "year")

    @property
    def nhs_number(self) -> str:
        return presenters.nhs_number(self.notification.nhs_number)

    @property
    def outcome_tag(self) -> dict:
        text, classes = OUTCOME_TAG.get(self.notification.eligibility_outcome, ("Unknown", ""))
        return {"text": text, "classes": classes}

    @property
    def outcome_explanation(self) -> str:
        return explanation_for(self.notification.eligibility_reason)

    @property
    def is_merged(self) -> bool:
        return self.notification.state == NotificationState.MERGED

    @property
    def open_flags(self):
        return [
            f for f in self.notification.duplicate_flags.all() if f.status == DuplicateStatus.OPEN
        ]

    @property
    def resolved_flags(self):
        return [
            f for f in self.notification.duplicate_flags.all() if f.status != DuplicateStatus.OPEN
        ]

    @property
    def decisions(self):
        return [
            {
                "outcome": OUTCOME_TAG.get(d.outcome, (d.outcome, ""))[0],
                "when": presenters.datetime_long(d.decided_at),
                "by": d.decided_by.full_name if d.decided_by else "Decided automatically",
                "rules": d.rules.version,
                "reason": d.override_reason or explanation_for(d.reason),
            }
            for d in self.notification.eligibility_decisions.all()
        ]

    @property
    def gp_practice(self) -> str:
        n = self.notification
        if n.gp_practice_id:
            return f"{n.gp_practice.name} ({n.gp_practice.ods_code})"
        return n.gp_practice_text or presenters.EMPTY

    @property
    def area(self) -> str:
        """The responsible ICB and how it was decided, or that nobody has placed it yet."""
        n = self.notification
        if n.icb_id is None:
            region = f" ({n.region.display_name} region)" if n.region_id else ""
            return f"Not known yet{region}: waiting to be placed"
        if n.area_source and n.area_source != "chosen" and n.area_explanation:
            return f"{n.icb.display_name}. {n.area_explanation}"
        return n.icb.display_name

    @property
    def placing_rows(self) -> list[dict]:
        """Only what places a death: who, when, where they lived, their GP, where they died."""
        n = self.notification
        rows = [
            ("Name", self.person_name),
            ("Date of death", self.date_of_death),
            (
                "Usual address",
                ", ".join(filter(None, [n.address.replace("\n", ", "), n.postcode]))
                or presenters.EMPTY,
            ),
            ("GP practice", self.gp_practice),
            (
                "Place of death",
                n.get_place_of_death_display()
                + (f": {n.place_of_death_detail}" if n.place_of_death_detail else ""),
            ),
            ("Region", self.region_name),
        ]
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]

    @property
    def region_name(self) -> str:
        n = self.notification
        return n.region.display_name if n.region_id else "Not known"

    @property
    def area_explanation(self) -> str:
        return self.notification.area_explanation or presenters.EMPTY

    @property
    def ethnic_group(self) -> str:
        n = self.notification
        return n.ethnic_category.description if n.ethnic_category_id else presenters.EMPTY

    @property
    def summary_rows(self) -> list[dict]:
        """The person's details as NHS.UK summary list rows."""
        n = self.notification
        rows = [
            ("Name", self.person_name),
            ("Other names", n.other_names or presenters.EMPTY),
            ("Date of birth", self.date_of_birth),
            ("Date of death", f"{self.date_of_death} (aged {self.age_at_death})"),
            ("NHS number", self.nhs_number),
            ("Sex", n.get_sex_display()),
            ("Ethnic group", self.ethnic_group),
            (
                "Usual address",
                ", ".join(filter(None, [n.address.replace("\n", ", "), n.postcode]))
                or presenters.EMPTY,
            ),
            ("GP practice", self.gp_practice),
            ("Responsible ICB", self.area),
            ("Learning disability", n.get_has_learning_disability_display()),
            ("Autistic", n.get_is_autistic_display()),
            ("Died in England", n.get_died_in_england_display()),
            (
                "Place of death",
                n.get_place_of_death_display()
                + (f": {n.place_of_death_detail}" if n.place_of_death_detail else ""),
            ),
            ("What happened", n.circumstances or presenters.EMPTY),
            ("COVID-19", n.get_covid_display()),
            ("Concerns about care", n.care_concerns or n.get_has_care_concerns_display()),
        ]
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]

    def source_rows(self, source) -> list[dict]:
        rows = [
            (
                "Relationship",
                source.get_relationship_display()
                + (f" ({source.relationship_detail})" if source.relationship_detail else ""),
            ),
            ("Organisation", source.organisation_name or presenters.EMPTY),
            ("E-mail", source.email or presenters.EMPTY),
            ("Telephone", source.phone or presenters.EMPTY),
            ("Received", presenters.datetime_long(source.received_at)),
            (
                "How",
                source.get_channel_display()
                + (
                    f", recorded by {source.recorded_by.full_name}" if source.recorded_by_id else ""
                ),
            ),
            ("Their reference", source.original_reference),
        ]
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]
