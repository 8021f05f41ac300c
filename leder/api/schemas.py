"""The request and response bodies of the API, as ninja (pydantic) schemas.

Field descriptions and examples here are what the OpenAPI document and the docs page show, so
they are written for the developer of a trust's system. Choice fields list the same values as
the notification form; the rules that depend on several answers (an organisation for
professionals, a date of death after the date of birth) are the form's, applied by
`leder.api.notification_payload`.
"""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

from leder.notifications.models import (
    Answer,
    CovidStatus,
    PlaceOfDeath,
    Relationship,
    Sex,
)

# --- notifications -------------------------------------------------------------------------


class NotifierIn(Schema):
    """The person telling us about the death, usually someone at the client's organisation."""

    relationship: Relationship = Field(
        ..., description="How the notifier knew the person who died.", examples=["hospital"]
    )
    relationship_detail: str = Field(
        "",
        max_length=100,
        description='Required when relationship is "other": how they knew the person.',
    )
    name: str = Field(
        ..., max_length=150, description="The notifier's full name.", examples=["Alex Morgan"]
    )
    organisation_name: str = Field(
        "",
        max_length=200,
        description="The organisation they work for. Defaults to the client's organisation.",
    )
    email: str = Field(
        "",
        max_length=254,
        description="E-mail address. An e-mail address or a phone number is required.",
        examples=["alex.morgan@example.nhs.uk"],
    )
    phone: str = Field("", max_length=30, description="Phone number.", examples=["01632 960 001"])


class PersonIn(Schema):
    """The person who died."""

    given_name: str = Field(..., max_length=100, examples=["Sam"])
    family_name: str = Field(..., max_length=100, examples=["Taylor"])
    other_names: str = Field("", max_length=200, description="Other names they were known by.")
    date_of_birth: date = Field(..., examples=["1984-03-15"])
    date_of_death: date = Field(..., description="Today or earlier.", examples=["2026-02-27"])
    nhs_number: str = Field(
        "",
        max_length=20,
        description="10 digits (spaces allowed). Leave empty if not known.",
        examples=["9990000018"],
    )
    sex: Sex = Field(Sex.NOT_KNOWN)
    ethnic_category: str | None = Field(
        None,
        max_length=2,
        description="A code from GET /ethnic-categories, or null if not known.",
        examples=["A"],
    )
    address: str = Field(
        ...,
        max_length=1000,
        description="Where the person usually lived, or as much of it as is known.",
        examples=["1 Example Street, Leeds"],
    )
    postcode: str = Field("", max_length=10, examples=["LS1 4AP"])
    gp_practice: str = Field(
        "",
        max_length=200,
        description="The GP practice's ODS code or exact name; places the person in an ICB "
        "when icb is not given.",
        examples=["B86001"],
    )
    icb: str | None = Field(
        None,
        max_length=12,
        description="ODS code of the responsible ICB (GET /icbs). A code closed by a "
        "restructure is followed to its successor. Required unless gp_practice identifies a "
        "practice we know.",
        examples=["QWO"],
    )
    has_learning_disability: Answer = Field(..., examples=["yes"])
    is_autistic: Answer = Field(..., examples=["no"])
    died_in_england: Answer = Field(..., examples=["yes"])
    place_of_death: PlaceOfDeath = Field(..., examples=["hospital"])
    place_of_death_detail: str = Field(
        "", max_length=200, description='Required when place_of_death is "other".'
    )
    circumstances: str = Field("", max_length=5000, description="What happened, in brief.")
    covid: CovidStatus = Field(..., examples=["no"])
    has_care_concerns: Literal["yes", "no"] = Field(
        ..., description="Whether the notifier has concerns about the care the person received."
    )
    care_concerns: str = Field(
        "", max_length=5000, description='Required when has_care_concerns is "yes".'
    )


class NotificationIn(Schema):
    submission_key: UUID | None = Field(
        None,
        description="Idempotency key (a UUID you make for this notification). Sending it again "
        "returns the same notification. May be sent as the Idempotency-Key header instead.",
        examples=["0b9d2a4e-8f61-4c1e-9a3b-5d7f0e2c4a18"],
    )
    notifier: NotifierIn
    person: PersonIn


class EligibilityOut(Schema):
    outcome: str = Field(
        ...,
        description="eligible, child_review, to_confirm or not_eligible.",
        examples=["eligible"],
    )
    description: str = Field(..., examples=["Eligible for a LeDeR review"])


class StatusOut(Schema):
    code: str = Field(
        ...,
        description="The case state (notified, awaiting_allocation, …, completed); "
        '"received" alone for a notification the local team is following up under another '
        "notification of the same death.",
        examples=["notified"],
    )
    description: str = Field(..., examples=["Notified, awaiting triage"])


class NotificationStatusOut(Schema):
    reference: str = Field(..., examples=["LDR-2026-000123"])
    received_at: datetime
    eligibility: EligibilityOut
    status: StatusOut


# --- reference data ------------------------------------------------------------------------


class OrganisationRef(Schema):
    ods_code: str
    name: str


class RegionOut(Schema):
    ods_code: str = Field(..., examples=["Y63"])
    name: str = Field(..., examples=["North East and Yorkshire"])
    gss_code: str
    opened_on: date | None
    closed_on: date | None


class SuccessionOut(Schema):
    ods_code: str
    name: str
    effective_on: date
    kind: str = Field(..., description="merger, split, acquisition or ccg_to_icb.")
    applied: bool = Field(..., description="False while the restructure is still to come.")


class IcbOut(Schema):
    ods_code: str = Field(..., examples=["QWO"])
    name: str
    short_name: str
    region: OrganisationRef | None
    gss_code: str
    opened_on: date | None
    closed_on: date | None = Field(None, description="The first day it no longer exists.")
    open: bool = Field(..., description="Open today.")
    ccg_codes: list[str] = Field(..., description="ODS codes of the CCGs it took over.")
    predecessors: list[SuccessionOut]
    successors: list[SuccessionOut]


class EthnicCategoryOut(Schema):
    code: str = Field(..., examples=["A"])
    description: str = Field(..., examples=["White - British"])
    group: str = Field(..., examples=["White"])
    census_2021_codes: str


class GradingLevelOut(Schema):
    level: int = Field(..., examples=[1])
    title: str
    description: str


class GradingScaleOut(Schema):
    version: str
    effective_from: date
    description: str
    levels: list[GradingLevelOut]


class GradingScalesOut(Schema):
    current: GradingScaleOut | None = Field(..., description="The scale in force today.")
    versions: list[GradingScaleOut] = Field(..., description="Every version, oldest first.")


class AvoidableCauseOut(Schema):
    condition_group: str
    group_name: str
    icd10_codes: str = Field(..., examples=["A00-A09;A35"])
    preventable_weight: float
    treatable_weight: float
    age_limit: int
    status: str
    sources: str
    notes: str
    first_year: int | None
    sex_only: str | None


class AvoidableListOut(Schema):
    version: str
    causes: list[AvoidableCauseOut]
