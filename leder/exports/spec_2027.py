"""Data specification 2027.1 of the de-identified national dataset (issue 14, ADR 0141).

Everything in 2026.1 (the same deaths, one record each, the same pseudonyms, generalisation and
free-text release), plus what the national annual report analyses and the review records:

- every structured question's answer (`q_<question key>`), with the question set version the
  review was answered with (`question_set_version`); each field names the version and the question;
- the person's profile (Down's syndrome, cerebral palsy, epilepsy, long-term conditions,
  mobility, communication, sensory needs, where and with what support the person lived, an
  out-of-area placement, detention under the Mental Health Act) and its `profile_version`;
- coroner referral, inquest, post-mortem, medical examiner scrutiny and COVID-19 vaccination,
  from the cause of death section;
- time to each stage of the review, and days on hold;
- "completed within 6 months" by the one definition (`within-6-months v2`, ADR 0140): the
  due date carries the days on hold, and each record names the definition.

The fields are generated from the question sets and the profile sets themselves, so the allowed
values cannot drift from what the forms accept. Changing a question means a new question set;
this specification lists every set (a later set's new question is a new field, and a record
answered with another set leaves it empty).
"""

from leder.casework.deadlines import WITHIN_6_MONTHS
from leder.exports.spec_2026 import FIELDS_2026_1, REVIEW_ONLY, Field
from leder.reviews import profile, questions

VERSION_2027_1 = "2027.1"

_ANSWERS = "yes, no, not_known, not_applicable"
_NOT_ASKED = "empty when the review is not completed or the question was not asked"

CHANGELOG_2027_1: tuple[str, ...] = (
    "Added question_set_version and one field q_<key> per structured question of every "
    "question set (answers yes, no, not_known, not_applicable), from the signed-off initial "
    "review.",
    "Added profile_version and the person's profile: downs_syndrome, cerebral_palsy, epilepsy, "
    "long_term_conditions (QOF registers, |-separated), mobility, communication, sensory, "
    "lived_in, support, out_of_area_placement, mental_health_act_detained.",
    "out_of_area_placement and mental_health_act_detained are quasi-identifiers of the "
    "re-identification check (lived_in and long_term_conditions when configured): emptied in "
    "records whose answer fewer than k records share (ADR 0043).",
    "Added coroner_referral, inquest, post_mortem, medical_examiner_scrutiny and "
    "covid_vaccination_doses from the cause of death section.",
    "Added days_to_triage, days_to_review_start, days_to_quality_assurance, "
    "days_to_focused_review, days_to_panel and days_on_hold (days_to_allocation and "
    "days_to_completion unchanged).",
    "Changed completed_within_6_months: time on hold for a statutory process now stops the "
    "clock (definition within-6-months v2, ADR 0140); 2026.1 counted 6 calendar months from "
    "notification whatever the holds. Added within_6_months_definition naming the definition.",
    "Unchanged: every other 2026.1 field, in the same order, with the same meaning; the new "
    "fields follow them, so a reader of 2026.1 files can read 2027.1 by name.",
)


def _question_fields() -> list[Field]:
    """One field per question key across every question set (first set that asks it names
    it); follow-ups say which answer of their parent asks them."""
    seen: dict[str, Field] = {}
    for version, question_set in sorted(questions.QUESTION_SETS.items()):
        for group, question, parent in question_set.all_questions():
            name = f"q_{question.key}"
            if name in seen:
                continue
            asked = ""
            if parent is not None:
                when = ", ".join(sorted(question.shown_when))
                asked = f" Asked only when q_{parent.key} is {when}."
            seen[name] = Field(
                name,
                "string",
                f"{_ANSWERS}; {_NOT_ASKED}",
                question.text,
                f"The signed-off initial review's structured questions ({group.title}).{asked} "
                "The reviewer's detail is free text and is not exported. " + REVIEW_ONLY,
                always_present=False,
                source=f"question set {version}, question {question.key}",
            )
    return list(seen.values())


#: Profile answers few people share and others may know: quasi-identifiers of the
#: re-identification check (`leder.exports.anonymity`, ADR 0043); the first two by default, the
#: others when configured (LEDER_K_ANONYMITY_QUASI_IDENTIFIERS).
PROFILE_QUASI_IDENTIFIERS = frozenset(
    {"lived_in", "out_of_area_placement", "mental_health_act_detained", "long_term_conditions"}
)


def _profile_fields() -> list[Field]:
    fields: dict[str, Field] = {}
    for version, profile_set in sorted(profile.PROFILE_SETS.items()):
        for entry in profile_set.fields:
            if entry.key in fields:
                continue
            many = entry.kind == profile.LIST
            allowed = ", ".join(entry.values)
            if many:
                allowed = f"one or more of {allowed}, separated by | (none and not_known alone)"
            conditions_note = (
                f" Conditions list {profile_set.conditions_version} (the Quality and Outcomes "
                "Framework's clinical registers)."
                if entry.key == "long_term_conditions"
                else ""
            )
            checked = (
                " A quasi-identifier of the re-identification check (by default for "
                "out_of_area_placement and mental_health_act_detained; when configured for the "
                "others): emptied in records whose answer too few others share (see "
                "generalised)."
                if entry.key in PROFILE_QUASI_IDENTIFIERS
                else ""
            )
            fields[entry.key] = Field(
                entry.key,
                "string",
                f"{allowed}; empty when the profile was not recorded",
                entry.label,
                "The person's profile in the signed-off initial review (reviews submitted "
                f"before the profile existed have none).{conditions_note}{checked} " + REVIEW_ONLY,
                multi_valued=many,
                always_present=False,
                source=f"profile set {version}, field {entry.key}",
            )
    return list(fields.values())


def _cause_fields() -> list[Field]:
    source = "cause of death section, question set 2026-1"
    spec = (
        ("coroner_referral", "yes, no", "Whether the death was referred to the coroner."),
        ("inquest", "yes, no, pending", "Whether there was an inquest (pending: not yet)."),
        ("post_mortem", "yes, no, not_known", "Whether there was a post-mortem."),
        (
            "medical_examiner_scrutiny",
            "yes, no, not_known",
            "Whether a medical examiner scrutinised the death before it was certified.",
        ),
        (
            "covid_vaccination_doses",
            "1, 2, 3, 4, 5 (5 or more), unvaccinated, not_known",
            "How many doses of a COVID-19 vaccine the person had had.",
        ),
    )
    return [
        Field(
            name,
            "string",
            f"{allowed}; empty when not answered",
            description,
            "The signed-off initial review's cause of death section. " + REVIEW_ONLY,
            always_present=False,
            source=source,
        )
        for name, allowed, description in spec
    ]


_STAGES = (
    ("days_to_triage", "awaiting_allocation", "the triage decision that the death is eligible"),
    ("days_to_review_start", "initial_review", "the reviewer accepting the case"),
    ("days_to_quality_assurance", "quality_assurance", "the initial review's submission to QA"),
    ("days_to_focused_review", "focused_review", "the start of a focused review"),
    ("days_to_panel", "panel", "the focused review's submission to the panel"),
)
#: dataset field → the case state whose first entry ends the interval.
STAGE_STATES = {name: state for name, state, _ in _STAGES}


def _timing_fields() -> list[Field]:
    out = [
        Field(
            name,
            "integer",
            "0 or more; empty when the case has not reached the stage",
            f"Days from notification to {what}.",
            f"The first time the case entered the state {state} (its event trail, Europe/London "
            "dates) minus the date notified.",
            always_present=True,
            source="case events",
        )
        for name, state, what in _STAGES
    ]
    out.append(
        Field(
            "days_on_hold",
            "integer",
            "0 or more; empty before the case is opened",
            "Days the case spent on hold while another statutory process ran.",
            "Whole days on hold carried by the case's due date (due date minus notification "
            "plus 6 months).",
            source="case holds",
        )
    )
    out.append(
        Field(
            "within_6_months_definition",
            "string",
            WITHIN_6_MONTHS.label,
            "The definition completed_within_6_months follows.",
            WITHIN_6_MONTHS.text,
            always_present=False,
            source="ADR 0140",
        )
    )
    return out


def _fields() -> tuple[Field, ...]:
    changed = []
    for f in FIELDS_2026_1:
        if f.name == "completed_within_6_months":
            f = Field(
                f.name,
                f.type,
                f.allowed,
                "Completed within 6 months (the programme's target; definition "
                f"{WITHIN_6_MONTHS.label}).",
                "Sign-off date on or before the case's due date: the date notified plus 6 "
                "calendar months plus the days on hold (days_on_hold). " + REVIEW_ONLY,
                always_present=False,
                source="ADR 0140",
            )
        changed.append(f)
    extra = [
        Field(
            "question_set_version",
            "string",
            ", ".join(sorted(questions.QUESTION_SETS)),
            "The version of the structured questions the review was answered with.",
            "Recorded on the initial review when it started. " + REVIEW_ONLY,
            always_present=False,
            source="initial review",
        ),
        *_question_fields(),
        Field(
            "profile_version",
            "string",
            ", ".join(sorted(profile.PROFILE_SETS)) + "; empty when no profile was recorded",
            "The version of the person's profile the answers were given with.",
            "Stamped on the profile when saved. " + REVIEW_ONLY,
            always_present=False,
            source="profile",
        ),
        *_profile_fields(),
        *_cause_fields(),
        *_timing_fields(),
    ]
    return (*changed, *extra)


FIELDS_2027_1: tuple[Field, ...] = _fields()
