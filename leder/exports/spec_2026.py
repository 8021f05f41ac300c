"""The data specification of the de-identified national dataset.

One record per death. Which deaths: every notified death in the cohort (deaths whose date of
death falls in the calendar or financial year) that is, or may be, in LeDeR's scope, so a
recipient can count deaths and not only reviews:

- included: deaths awaiting triage, under review (any active state or on hold), completed, and
  children's deaths reviewed through the child death review (they count in LeDeR figures);
- left out: notifications merged into another (the same death), deaths found not eligible, and
  people with a national data opt-out (the programme holds no more about them).

Review fields (cause of death, avoidable classification, grading, triggers, themes, learning)
are filled only when the case is completed with a *live* sign-off, and are taken from the
signed-off snapshot, never from a draft: `review_status` says which records have them. A case
completed through a focused review takes grading and learning from the focused review's
sign-off; the cause of death and the focused-review decision are in the initial review, whose
last version (submitted before the focused review began, and unchangeable since) is used.

The specification is data: the dataset builder, the page that shows it and the CSV/JSON files
written beside each export all read the fields, so they cannot disagree. This module holds
specification 2026.1, frozen: exports under agreements made for it still use it. `spec.py` is the
registry of versions; a change is a new version (`spec_2027.py`).
"""

from dataclasses import dataclass

import polars as pl

VERSION_2026_1 = "2026.1"

#: Separates the values of a multi-valued field ("Communication|Sepsis").
MULTI_VALUE_SEPARATOR = "|"
#: Separates pieces of redacted free-text learning in one field.
TEXT_SEPARATOR = " | "
#: What a free-text field holds until a person has released its redacted text (issue 13).
WITHHELD = "[WITHHELD: awaiting release]"
_FREE_TEXT = (
    "Free text leaves only after the ICB's local area contact or information-governance "
    "reviewer has read it beside its redaction and released it; until then the field holds "
    f"{WITHHELD}, and the manifest counts the fields withheld. The text is redacted of the names, "
    "numbers, addresses, postcodes, dates, telephone numbers and e-mail addresses the case "
    "record holds, of patterns for them, and of names, record and National Insurance numbers, "
    "named days and places the record does not hold, replaced by [NAME], [PLACE]… A review "
    "whose text changes after release (reopened and signed off again) is withheld again. "
)

_TYPES = {
    "string": pl.String,
    "integer": pl.Int32,
    "number": pl.Float64,
    "boolean": pl.Boolean,
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string / integer / number / boolean
    allowed: str  # the allowed values, in words
    description: str
    derivation: str
    multi_valued: bool = False
    # False for fields that are empty unless the review is completed and signed off.
    always_present: bool = True
    # Free text: withheld until released by a person (see `WITHHELD`).
    free_text: bool = False
    # Where the answer comes from in the review, with its version ("question set 2026-1"…).
    source: str = ""

    @property
    def dtype(self) -> pl.DataType:
        return _TYPES[self.type]


REVIEW_STATUSES = {
    "completed": "The review is completed and signed off: review fields are filled.",
    "in_progress": "Eligible and awaiting allocation, under review or on hold.",
    "awaiting_triage": "Notified; eligibility not yet confirmed by the local area contact.",
    "child_death_review": "A child aged 4 to 17, reviewed through the statutory child death "
    "review; counted in LeDeR figures, with no LeDeR review fields.",
}

_REVIEW = "Empty unless review_status is completed."
_GENERALISED = (
    "Emptied, or widened, in records the re-identification check generalised (see generalised)."
)

FIELDS_2026_1: tuple[Field, ...] = (
    Field(
        "pseudonym",
        "string",
        "64 hexadecimal characters",
        "A keyed pseudonym of the person: the same person always has the same pseudonym in "
        "this recipient's files, and a different one in any other recipient's.",
        "HMAC-SHA256 of the NHS number (or, when none is recorded, of the notification's "
        "reference), keyed with a key derived from the installation's secret key and a random "
        "salt held for the recipient.",
    ),
    Field(
        "review_status",
        "string",
        ", ".join(REVIEW_STATUSES),
        "Where the death's review has got to.",
        "From the case's state; completed only with a live (not reopened) sign-off.",
    ),
    Field(
        "review_route",
        "string",
        "initial, focused",
        "Which review completed the case: an initial review approved in quality assurance, "
        "or a focused review signed off by the governance panel.",
        "The review holding the live sign-off. " + _REVIEW,
        always_present=False,
    ),
    Field(
        "age_at_death",
        "integer",
        "0 or more",
        "Age at death in whole years.",
        "Date of death minus date of birth, in completed years. Neither date is exported. "
        + _GENERALISED,
    ),
    Field(
        "age_band",
        "string",
        "a band such as 40-44 (5 years), 40-49 (10 years) or 40-59 (20 years)",
        "Age at death in a band: 5 years, or wider where the record was generalised.",
        "From age_at_death. " + _GENERALISED,
    ),
    Field(
        "death_year",
        "integer",
        "a year, for example 2025",
        "Year of death.",
        "From the date of death (only the month and year leave).",
    ),
    Field(
        "death_month",
        "integer",
        "1 to 12; empty when generalised",
        "Month of death.",
        "From the date of death. " + _GENERALISED,
    ),
    Field(
        "death_quarter",
        "string",
        "Q1 (January to March) to Q4; empty when generalised further",
        "Quarter of the calendar year of death.",
        "From the date of death. " + _GENERALISED,
    ),
    Field(
        "generalised",
        "string",
        "names separated by |: age, death_month, icb, sex, ethnic_group, cause (and in 2027.1 "
        "lived_in, out_of_area_placement, mental_health_act_detained, long_term_conditions); "
        "empty when nothing was",
        "The quasi-identifiers generalised in this record by the re-identification check.",
        "See k_anonymity in the manifest and the specification's rule: a value of the "
        "quasi-identifiers shared by fewer than k records is generalised, in its own records "
        "and the fewest others, one step at a time and the step that loses least first (age "
        "to a band, month to a quarter, ICB to region, cause to its ICD-10 block or chapter, "
        "ethnic category to group, a profile answer withheld), until no combination is rarer "
        "than k.",
        multi_valued=True,
    ),
    Field("sex", "string", "female, male, not_known", "Sex.", "As notified."),
    Field(
        "ethnic_category",
        "string",
        "NHS Data Dictionary ETHNIC CATEGORY codes A to S, Z (not stated), 99 (not known); "
        "empty when not recorded",
        "Ethnic category.",
        "As notified (corrected by the local area contact if need be).",
    ),
    Field(
        "ethnic_group",
        "string",
        "White, Mixed, Asian, Black, Other, Not stated/known",
        "Ethnic group (the category's broad group).",
        "From ethnic_category; Not stated/known when none is recorded.",
    ),
    Field(
        "learning_disability",
        "string",
        "yes, no, not_sure",
        "Whether the person had a learning disability (no for an autistic adult without one).",
        "As notified.",
    ),
    Field(
        "ld_severity",
        "string",
        "mild, moderate, severe, pmld (profound and multiple); empty when not recorded",
        "Severity of the learning disability.",
        "From the pen portrait of the signed-off initial review, where the reviewer records it "
        "from the person's records; empty when not recorded or not known.",
    ),
    Field(
        "autism", "string", "yes, no, not_sure", "Whether the person was autistic.", "As notified."
    ),
    Field(
        "icb_code",
        "string",
        "ODS code of an integrated care board",
        "The ICB responsible for the review, as the organisation is today.",
        "The notification's responsible ICB, which follows restructures (mergers and splits) "
        "to the current organisation.",
    ),
    Field("icb_name", "string", "ICB name", "Name of the ICB.", "From icb_code."),
    Field(
        "region_code",
        "string",
        "ODS code of an NHS England region",
        "The NHS England region of the ICB.",
        "From the ICB.",
    ),
    Field("region_name", "string", "region name", "Name of the region.", "From region_code."),
    Field(
        "place_of_death",
        "string",
        "hospital, home, care_home, hospice, other, not_known",
        "Where the person died.",
        "From the signed-off review's cause of death section when completed, otherwise as "
        "notified. Any description of another place is free text and is not exported.",
    ),
    Field(
        "covid_status",
        "string",
        "confirmed, suspected, no, not_known",
        "COVID-19 at the time of death.",
        "From the signed-off review when completed, otherwise as notified.",
    ),
    Field(
        "underlying_cause_code",
        "string",
        "WHO ICD-10 2019 category or subcategory, for example J69.0",
        "Underlying cause of death.",
        "The lowest completed line of Part I in the signed-off review. " + _REVIEW,
        always_present=False,
    ),
    Field(
        "underlying_cause_title",
        "string",
        "WHO ICD-10 title",
        "Title of the underlying cause's code.",
        "From underlying_cause_code. " + _REVIEW,
        always_present=False,
    ),
    Field(
        "underlying_cause_block",
        "string",
        "ICD-10 block, for example J60-J70",
        "The ICD-10 block (group of categories) of the underlying cause.",
        "From underlying_cause_code. " + _REVIEW,
        always_present=False,
    ),
    Field(
        "underlying_cause_chapter",
        "string",
        "ICD-10 chapter, I to XXII",
        "The ICD-10 chapter of the underlying cause.",
        "From underlying_cause_code. " + _REVIEW,
        always_present=False,
    ),
    Field(
        "underlying_cause_chapter_title",
        "string",
        "WHO chapter title",
        "Title of the chapter.",
        "From underlying_cause_chapter. " + _REVIEW,
        always_present=False,
    ),
    Field(
        "avoidable",
        "boolean",
        "true, false",
        "Avoidable death by the ONS definition (underlying cause on the avoidable list and "
        "age under 75; COVID-19 from 2020).",
        "leder.reference.avoidable.classify(underlying cause, age, date of death, sex). " + _REVIEW,
        always_present=False,
    ),
    Field(
        "preventable_weight",
        "number",
        "0, 0.5, 1",
        "What the death counts towards preventable mortality (causes both preventable and "
        "treatable count half to each).",
        "From the avoidable list row. " + _REVIEW,
        always_present=False,
    ),
    Field(
        "treatable_weight",
        "number",
        "0, 0.5, 1",
        "What the death counts towards treatable mortality.",
        "From the avoidable list row. " + _REVIEW,
        always_present=False,
    ),
    Field(
        "avoidable_group",
        "string",
        "a group name of the avoidable list; empty when the cause is on no row",
        "The avoidable list's group the cause falls in, whatever the age.",
        "From the avoidable list row. " + _REVIEW,
        always_present=False,
    ),
    Field(
        "avoidable_list_version",
        "string",
        "for example ons-2020-oecd-nov2019",
        "The version of the avoidable mortality list used.",
        "The list in force when the export was made. " + _REVIEW,
        always_present=False,
    ),
    Field(
        "grading_level",
        "integer",
        "1 to 6",
        "Grading of care: 1 excellent care … 6 care far short of good practice that "
        "contributed to the cause of death.",
        "From the signed-off review (the focused review's grade when there is one). " + _REVIEW,
        always_present=False,
    ),
    Field(
        "grading_scale_version",
        "string",
        "a grading scale version",
        "The version of the grading scale the grade was given on.",
        "Kept with the grade in the review. " + _REVIEW,
        always_present=False,
    ),
    Field(
        "focused_review_triggers",
        "string",
        "codes separated by |: ethnic_background, autistic_without_learning_disability, "
        "family_asked, reviewer:concerns, reviewer:significant_learning, "
        "reviewer:ethnic_background, reviewer:other",
        "Why a focused review was required (empty when none was).",
        "The focused-review rules applied to the notification and the signed-off initial "
        "review's answers (the family's request and the reviewer's reasons; the text of "
        "another reason is not exported). " + _REVIEW,
        multi_valued=True,
        always_present=False,
    ),
    Field(
        "learning_themes",
        "string",
        "theme names from the learning themes taxonomy, separated by |",
        "The themes the review's learning is tagged with, each once, sorted.",
        "From the learning in the signed-off review. " + _REVIEW,
        multi_valued=True,
        always_present=False,
    ),
    Field(
        "days_to_allocation",
        "integer",
        "0 or more; empty when not yet allocated",
        "Days from notification to the first allocation to a reviewer.",
        "First allocation date minus the date the case was notified (Europe/London dates).",
    ),
    Field(
        "days_to_completion",
        "integer",
        "0 or more",
        "Days from notification to completion (sign-off).",
        "Sign-off date minus the date notified. " + _REVIEW,
        always_present=False,
    ),
    Field(
        "completed_within_6_months",
        "boolean",
        "true, false",
        "Completed within 6 months of notification (the programme's target).",
        "Sign-off date on or before the date notified plus 6 calendar months. " + _REVIEW,
        always_present=False,
    ),
    Field(
        "learning_good_practice",
        "string",
        "redacted free text; pieces separated by ' | '",
        "Good practice the review found.",
        "The signed-off review's learning of this kind. " + _FREE_TEXT + _REVIEW,
        always_present=False,
        free_text=True,
    ),
    Field(
        "learning_improvement",
        "string",
        "redacted free text; pieces separated by ' | '",
        "Areas for improvement the review found.",
        "As learning_good_practice. " + _REVIEW,
        always_present=False,
        free_text=True,
    ),
    Field(
        "learning_concerns",
        "string",
        "redacted free text; pieces separated by ' | '",
        "Concerns the review found.",
        "As learning_good_practice. " + _REVIEW,
        always_present=False,
        free_text=True,
    ),
)


#: For later specifications, which say the same things in the same words.
REVIEW_ONLY = _REVIEW
GENERALISED = _GENERALISED
FREE_TEXT_RULE = _FREE_TEXT
