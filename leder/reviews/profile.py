"""The person's profile: who the person was in the terms the national report counts.

The reviewer records it in the initial review (section key `profile`, a `ReviewSection` row like
the structured questions, so it has versions, differences, the edit rule and the sign-off lock).
The national LeDeR report's tables are built on these facts: Down's syndrome, cerebral palsy,
epilepsy, long-term conditions, mobility, communication and sensory needs, where and how the
person lived, an out-of-area placement and detention under the Mental Health Act.

The fields are data in code and versioned like the structured questions (`questions.py`): a
`ProfileSet` has the date it takes effect and never changes once a profile has been answered
with it; to change the profile, add a set with a later `effective_from`. The stored section
says which set it was answered with (`profile_version`), so an old profile always reads as it
was answered. The severity of the learning disability is not here: the reviewer records it in
the pen portrait (`pen_portrait.ld_severity`: mild, moderate, severe, pmld, none, not_known).

For importers and anyone writing the section without the form (issue 15's bulk import):

    from leder.reviews import profile
    problems = profile.errors(data, complete=True)      # {field key: message}; empty = valid
    stored = profile.record(data)                        # what `ReviewSection.data` holds
    ReviewSection(review=review, key=profile.SECTION_KEY, data=stored, is_complete=True, ...)

The stored data, version 2026-1 (every key optional in a draft, required when complete):

- `profile_version`: "2026-1" (stamped by `record`);
- `downs_syndrome`, `cerebral_palsy`, `epilepsy`, `out_of_area_placement`,
  `mental_health_act_detained`: one of yes, no, not_known;
- `long_term_conditions`: a list of keys of `leder.reference.conditions` (list `qof-2023-24`:
  asthma, atrial_fibrillation, cancer, coronary_heart_disease, chronic_kidney_disease, copd,
  dementia, depression, diabetes, heart_failure, hypertension, serious_mental_illness, obesity,
  osteoporosis, peripheral_arterial_disease, rheumatoid_arthritis, stroke_tia), or ["none"], or
  ["not_known"];
- `mobility`: one of independent, some_help, wheelchair, full_help, not_known;
- `communication`: one of verbal, some_speech, non_verbal, not_known;
- `sensory`: a list of sight, hearing; or ["none"], or ["not_known"];
- `lived_in`: one of family_home, own_home, supported_living, residential_care, nursing_home,
  shared_lives, hospital, other, not_known;
- `support`: one of none, some_hours, daily, round_the_clock, not_known.

`prefill(...)` gives the answers the medical certificate and the structured questions already
hold (Down's syndrome and cerebral palsy from the certificate's flags, epilepsy from G40/G41 or
the epilepsy question, long-term conditions from the ICD-10 codes on any line), for the
reviewer to check; the notification holds none of these facts, so it prefills nothing.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ImproperlyConfigured

from leder.core.time import today
from leder.reference import conditions

SECTION_KEY = "profile"
VERSION_KEY = "profile_version"

YES, NO, NOT_KNOWN, NONE = "yes", "no", "not_known", "none"
ONE_OF, LIST = "one_of", "list"

YES_NO_NOT_KNOWN = ((YES, "Yes"), (NO, "No"), (NOT_KNOWN, "Not known"))


@dataclass(frozen=True)
class ProfileField:
    key: str
    label: str
    kind: str  # ONE_OF or LIST
    choices: tuple[tuple[str, str], ...]
    hint: str = ""
    # Who reads the family copy: the same fact in plain words.
    family_label: str = ""
    # The message when the section is marked complete without an answer.
    required_message: str = ""

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.choices)

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.choices)

    @property
    def exclusive(self) -> tuple[str, ...]:
        """List answers that stand alone ("none", "not known")."""
        return tuple(v for v in (NONE, NOT_KNOWN) if v in self.values) if self.kind == LIST else ()


@dataclass(frozen=True)
class ProfileSet:
    version: str
    effective_from: date
    conditions_version: str
    fields: tuple[ProfileField, ...]

    def field(self, key: str) -> ProfileField | None:
        return next((f for f in self.fields if f.key == key), None)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)


def _condition_choices(version: str) -> tuple[tuple[str, str], ...]:
    listed = tuple(conditions.labels(version).items())
    return (
        *listed,
        (NONE, "None of these"),
        (NOT_KNOWN, "Not known"),
    )


PROFILE_2026_1 = ProfileSet(
    version="2026-1",
    effective_from=date(2018, 1, 1),
    conditions_version="qof-2023-24",
    fields=(
        ProfileField(
            "downs_syndrome",
            "Did the person have Down's syndrome?",
            ONE_OF,
            YES_NO_NOT_KNOWN,
            family_label="Down's syndrome",
            required_message="Select whether the person had Down's syndrome",
        ),
        ProfileField(
            "cerebral_palsy",
            "Did the person have cerebral palsy?",
            ONE_OF,
            YES_NO_NOT_KNOWN,
            family_label="Cerebral palsy",
            required_message="Select whether the person had cerebral palsy",
        ),
        ProfileField(
            "epilepsy",
            "Did the person have epilepsy?",
            ONE_OF,
            YES_NO_NOT_KNOWN,
            family_label="Epilepsy",
            required_message="Select whether the person had epilepsy",
        ),
        ProfileField(
            "long_term_conditions",
            "Which of these long-term conditions did the person have?",
            LIST,
            _condition_choices("qof-2023-24"),
            hint="Select all that were diagnosed. The list is the registers GP practices keep "
            "(the Quality and Outcomes Framework)",
            family_label="Long-term conditions",
            required_message="Select the person's long-term conditions, or none of these",
        ),
        ProfileField(
            "mobility",
            "How did the person get about?",
            ONE_OF,
            (
                ("independent", "Walked without help"),
                ("some_help", "Walked with help or a walking aid"),
                ("wheelchair", "Used a wheelchair"),
                ("full_help", "Needed full help to move, for example a hoist"),
                (NOT_KNOWN, "Not known"),
            ),
            family_label="Getting about",
            required_message="Select how the person got about",
        ),
        ProfileField(
            "communication",
            "How did the person communicate?",
            ONE_OF,
            (
                ("verbal", "Spoke in sentences"),
                ("some_speech", "Used some words or short phrases"),
                ("non_verbal", "Did not use speech: signs, pictures, sounds or gestures"),
                (NOT_KNOWN, "Not known"),
            ),
            family_label="Communication",
            required_message="Select how the person communicated",
        ),
        ProfileField(
            "sensory",
            "Did the person have sight or hearing loss?",
            LIST,
            (
                ("sight", "Sight loss"),
                ("hearing", "Hearing loss"),
                (NONE, "Neither"),
                (NOT_KNOWN, "Not known"),
            ),
            family_label="Sight and hearing",
            required_message="Select whether the person had sight or hearing loss",
        ),
        ProfileField(
            "lived_in",
            "Where did the person live?",
            ONE_OF,
            (
                ("family_home", "With their family, in the family home"),
                ("own_home", "In their own home, alone or with a partner"),
                ("supported_living", "Supported living"),
                ("residential_care", "A residential care home"),
                ("nursing_home", "A nursing home"),
                ("shared_lives", "With a Shared Lives carer"),
                ("hospital", "In hospital, for example an assessment and treatment unit"),
                ("other", "Somewhere else, for example with no settled home"),
                (NOT_KNOWN, "Not known"),
            ),
            hint="Where they lived before their last illness",
            family_label="Where they lived",
            required_message="Select where the person lived",
        ),
        ProfileField(
            "support",
            "How much paid support did the person have where they lived?",
            ONE_OF,
            (
                (NONE, "No paid support"),
                ("some_hours", "Some hours a week"),
                ("daily", "Every day, but not all day and night"),
                ("round_the_clock", "24 hours a day"),
                (NOT_KNOWN, "Not known"),
            ),
            family_label="Paid support",
            required_message="Select how much paid support the person had",
        ),
        ProfileField(
            "out_of_area_placement",
            "Was the person in an out-of-area placement?",
            ONE_OF,
            YES_NO_NOT_KNOWN,
            hint="Placed by a council or the NHS in a home or service outside the area they "
            "came from",
            family_label="Living away from their home area",
            required_message="Select whether the person was in an out-of-area placement",
        ),
        ProfileField(
            "mental_health_act_detained",
            "Was the person detained under the Mental Health Act when they died?",
            ONE_OF,
            YES_NO_NOT_KNOWN,
            family_label="Detained under the Mental Health Act when they died",
            required_message="Select whether the person was detained under the Mental Health Act",
        ),
    ),
)

PROFILE_SETS: dict[str, ProfileSet] = {PROFILE_2026_1.version: PROFILE_2026_1}


# --- which version ------------------------------------------------------------------------------


def current_version(on: date | None = None) -> str:
    """The version in force on `on` (today by default): the latest `effective_from` not after it."""
    on = on or today()
    in_force = [s for s in PROFILE_SETS.values() if s.effective_from <= on]
    chosen = max(in_force or PROFILE_SETS.values(), key=lambda s: s.effective_from)
    return chosen.version


def profile_set(version: str | None = None) -> ProfileSet:
    if not version:
        return PROFILE_SETS[current_version()]
    try:
        return PROFILE_SETS[version]
    except KeyError:
        raise ImproperlyConfigured(f"No profile set {version!r}: never remove one") from None


def version_for(review, data: Mapping | None = None) -> str:
    """The version a review's profile is answered with: the one its saved answers name, else
    the one in force when the review started (as the structured questions)."""
    if data and data.get(VERSION_KEY) in PROFILE_SETS:
        return data[VERSION_KEY]
    started = getattr(review, "started_at", None)
    return current_version(started.date() if started else None)


# --- answers ------------------------------------------------------------------------------------


def _as_list(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def errors(data: Mapping, *, version: str | None = None, complete: bool = False) -> dict[str, str]:
    """What is wrong with `data` as a profile of `version`: {field key: message}. A value not
    on a field's list is always an error; "none" or "not known" with other answers too; when
    `complete`, every field must be answered. Unknown keys are ignored (see `record`)."""
    chosen = profile_set(version)
    problems: dict[str, str] = {}
    for f in chosen.fields:
        value = data.get(f.key)
        if f.kind == LIST:
            values = _as_list(value)
            unknown = [v for v in values if v not in f.values]
            if unknown:
                problems[f.key] = f"{f.label} “{unknown[0]}” is not one of the answers"
            elif len(values) > 1 and any(v in f.exclusive for v in values):
                alone = " or ".join(f.labels[v].lower() for v in f.exclusive)
                problems[f.key] = f"Select {alone} on its own, or select the answers that apply"
            elif complete and not values:
                problems[f.key] = f.required_message
        else:
            if value not in (None, "") and value not in f.values:
                problems[f.key] = f"{f.label} “{value}” is not one of the answers"
            elif complete and value in (None, ""):
                problems[f.key] = f.required_message
    return problems


def record(data: Mapping, *, version: str | None = None) -> dict:
    """`data` as the section stores it: only the set's fields, in its order, lists as lists,
    empty answers as "" (or []), stamped with the version. Check `errors` first."""
    chosen = profile_set(version)
    out: dict = {VERSION_KEY: chosen.version}
    for f in chosen.fields:
        value = data.get(f.key)
        out[f.key] = _as_list(value) if f.kind == LIST else (value or "")
    return out


def missing(data: Mapping | None, *, version: str | None = None) -> list[str]:
    """The unanswered fields in plain words (for the submission page)."""
    if not data:
        return ["Not started"]
    problems = errors(data, version=version or data.get(VERSION_KEY), complete=True)
    return list(problems.values())


# --- prefill ------------------------------------------------------------------------------------

CERTIFICATE_LINES = ("a", "b", "c", "d", "ii1", "ii2", "ii3", "ii4")
EPILEPSY_CATEGORIES = ("G40", "G41")


@dataclass(frozen=True)
class Prefill:
    values: dict
    # field key → where the answer came from, for the reviewer to check.
    sources: dict[str, str]


def prefill(
    *,
    cause_of_death: Mapping | None,
    questions: Mapping | None = None,
    version: str | None = None,
) -> Prefill:
    """The answers the review already holds elsewhere: the certificate's flags and codes (the
    cause of death section as stored) and the structured questions' epilepsy answer."""
    chosen = profile_set(version)
    cause = cause_of_death or {}
    answers = questions or {}
    values: dict = {}
    sources: dict[str, str] = {}
    flagged = {flag.get("condition") for flag in cause.get("flags") or []}
    certificate = "the medical certificate of the cause of death"
    if "down_syndrome" in flagged:
        values["downs_syndrome"], sources["downs_syndrome"] = YES, certificate
    if "cerebral_palsy" in flagged:
        values["cerebral_palsy"], sources["cerebral_palsy"] = YES, certificate
    codes = [cause.get(f"{line}_code") or "" for line in CERTIFICATE_LINES]
    words = " ".join(cause.get(f"{line}_text") or "" for line in CERTIFICATE_LINES).lower()
    epilepsy_answer = (answers.get("epilepsy") or {}).get("answer")
    if any(c[:3] in EPILEPSY_CATEGORIES for c in codes if c) or "epilep" in words:
        values["epilepsy"], sources["epilepsy"] = YES, certificate
    elif epilepsy_answer in (YES, NO):
        values["epilepsy"] = epilepsy_answer
        sources["epilepsy"] = "the structured questions (diagnosis and conditions)"
    found = conditions.prefilled_from(codes, chosen.conditions_version)
    if found:
        values["long_term_conditions"] = found
        sources["long_term_conditions"] = certificate
    return Prefill(values, sources)


def prefill_for(review, *, version: str | None = None) -> Prefill:
    """`prefill` from the review's own saved cause of death and structured questions."""
    from leder.reviews import sections

    cause = sections.stored(review, "cause_of_death")
    answers = sections.stored(review, "questions")
    return prefill(
        cause_of_death=cause.data if cause else None,
        questions=answers.data if answers else None,
        version=version or version_for(review),
    )
