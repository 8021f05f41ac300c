"""Writes for the structured questions and the cause of death, and the rules they keep.

Both are simple sections (`ReviewSection` rows "questions" and "cause_of_death") saved through
`review_section_save`, so every save checks that the actor is the case's reviewer at the right
stage, writes a version with what changed and an audit row in one transaction, and a save that
changes nothing writes nothing.

The rules live here so the forms, the pages and any other caller share them:

- structured questions are checked against the review's own question-set version; answers to
  follow-ups their parent no longer asks are discarded;
- the cause of death is kept as the certificate has it; the underlying cause is derived from the
  lowest completed line of Part I; Down's syndrome, cerebral palsy or learning disability written
  as a cause of death is flagged.
"""

import itertools
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from leder.reference import icd10
from leder.reviews import questions
from leder.reviews.models import Review, ReviewSection
from leder.reviews.services.records import check_can_edit, review_section_save

QUESTIONS_KEY = "questions"
CAUSE_KEY = "cause_of_death"


# --- structured questions -----------------------------------------------------------------------


def _stored_data(review: Review, key: str, *, lock: bool = False) -> tuple[dict, bool]:
    rows = ReviewSection.objects.filter(review=review, key=key)
    if lock:
        rows = rows.select_for_update()
    row = rows.first()
    return (dict(row.data), row.is_complete) if row else ({}, False)


def questions_group_save(
    *, actor, review: Review, group: str, answers: dict[str, dict[str, str]]
) -> ReviewSection:
    """Save the answers of one page (`group`) of the structured questions.

    `answers` replaces what was saved for that page's questions; other pages' answers are
    kept. Answers are checked against the review's question-set version: anything it does not
    ask, and any follow-up whose parent's answer no longer asks it, is discarded. The section's
    "complete" mark is kept only while every question that applies is answered.
    Permission, version and audit: as `review_section_save`."""
    question_set = questions.question_set_for(review)
    page = question_set.group(group)
    if page is None:
        raise ValueError(f"No group {group!r} in question set {question_set.version}")
    check_can_edit(actor=actor, review=review)
    on_page = {q.key for g, q, _ in question_set.all_questions() if g.slug == page.slug}
    with transaction.atomic():
        saved, complete = _stored_data(review, QUESTIONS_KEY, lock=True)
        merged = {k: v for k, v in saved.items() if k not in on_page}
        merged.update({k: v for k, v in answers.items() if k in on_page})
        cleaned = questions.clean(question_set, merged)
        complete = complete and not questions.unanswered(question_set, cleaned)
        return review_section_save(
            actor=actor, review=review, key=QUESTIONS_KEY, data=cleaned, complete=complete
        )


def questions_complete_set(*, actor, review: Review, complete: bool) -> ReviewSection:
    """Mark the structured questions complete (refused, listing what is unanswered, unless every
    question that applies is answered) or not complete. Permission, version and audit: as
    `review_section_save`."""
    question_set = questions.question_set_for(review)
    check_can_edit(actor=actor, review=review)
    with transaction.atomic():
        saved, _ = _stored_data(review, QUESTIONS_KEY, lock=True)
        cleaned = questions.clean(question_set, saved)
        if complete:
            gaps = questions.missing(question_set, cleaned)
            if gaps:
                raise ValidationError(gaps)
        return review_section_save(
            actor=actor, review=review, key=QUESTIONS_KEY, data=cleaned, complete=complete
        )


def questions_missing(review: Review) -> list[str]:
    """What the structured questions still need, for the workspace and submission."""
    from leder.reviews import sections  # the registry imports the parts, which import this

    row = sections.stored(review, QUESTIONS_KEY)
    if row is None:
        return ["Not started"]
    problems = questions.missing(questions.question_set_for(review), row.data)
    if not row.is_complete:
        problems.append("Not marked as complete")
    return problems


# --- cause of death -----------------------------------------------------------------------------

PART_ONE = ("a", "b", "c", "d")
PART_TWO = ("ii1", "ii2", "ii3", "ii4")
LINES = PART_ONE + PART_TWO


def line_label(line: str) -> str:
    if line in PART_ONE:
        return f"Part I line ({line})"
    return f"Part II line {line[2:]}"


def line_text(data: dict, line: str) -> str:
    return (data.get(f"{line}_text") or "").strip()


def line_code(data: dict, line: str) -> str:
    return icd10.normalise(data.get(f"{line}_code") or "")


def lines_filled(data: dict, part: tuple[str, ...]) -> list[str]:
    return [line for line in part if line_text(data, line) or line_code(data, line)]


@dataclass(frozen=True)
class UnderlyingCause:
    line: str
    text: str
    code: str
    title: str


def underlying_cause(data: dict) -> UnderlyingCause | None:
    """The underlying cause: the lowest completed line of Part I ((d) if filled, else (c), else
    (b), else (a)), or None if Part I is empty. A line is completed when it has its cause
    written; its code and the code's title come with it when given and valid."""
    for line in reversed(PART_ONE):
        text = line_text(data, line)
        if text:
            code = line_code(data, line)
            found = icd10.find(code) if code else None
            return UnderlyingCause(
                line, text, found.code if found else code, found.title if found else ""
            )
    return None


# Conditions that are lifelong and not a cause of death. Recording them as one can hide the
# illness the person died of (DOMAIN.md: "flagged for review").
FLAG_CONDITIONS = {
    "down_syndrome": "Down's syndrome",
    "cerebral_palsy": "cerebral palsy",
    "learning_disability": "a learning disability",
}
_FLAG_CODES = (
    ("down_syndrome", re.compile(r"^Q90")),
    ("cerebral_palsy", re.compile(r"^G80")),
    ("learning_disability", re.compile(r"^F7\d")),
)
_FLAG_WORDS = (
    (
        "down_syndrome",
        re.compile(r"\bdown[’']?s?\s+syndrome\b|\bdown[’']s\b|\btrisomy\s*21\b", re.I),
    ),
    ("cerebral_palsy", re.compile(r"\bcerebral\s+palsy\b", re.I)),
    (
        "learning_disability",
        re.compile(r"\blearning\s+disabilit(?:y|ies)\b|\bmental\s+retardation\b", re.I),
    ),
)


def cause_flags(data: dict) -> list[dict]:
    """One flag for each line of the certificate (Part I or II) that records Down's syndrome,
    cerebral palsy or a learning disability, by its ICD-10 code (Q90, G80, F70–F79) or in
    words. JSON-ready: {"condition", "line", "found_in"}."""
    flags = []
    for line in LINES:
        code, text = line_code(data, line), line_text(data, line)
        for condition, pattern in _FLAG_CODES:
            by_code = bool(code) and bool(pattern.match(code.replace(".", "")))
            by_words = any(c == condition and p.search(text) for c, p in _FLAG_WORDS)
            if by_code or by_words:
                found_in = (
                    "code and words" if by_code and by_words else "code" if by_code else "words"
                )
                flags.append({"condition": condition, "line": line, "found_in": found_in})
    return flags


def cause_line_errors(data: dict, *, complete: bool) -> dict[str, str]:
    """What is wrong with the certificate lines, as {field name: message naming the line}.

    Always: every code must be an ICD-10 category or subcategory; a line with a code needs its
    cause written; Part I is filled from the top, with no gap (no (c) without (b)). When the
    section is marked complete: Part I (a) is needed, and the underlying cause needs a code."""
    errors: dict[str, str] = {}
    for line in LINES:
        raw = (data.get(f"{line}_code") or "").strip()
        if raw and not icd10.is_valid(raw):
            errors[f"{line}_code"] = (
                f"{line_label(line)}: “{raw}” is not an ICD-10 code that can be given as a cause "
                "of death. Enter a code like J18.9, or find one by searching"
            )
        if raw and not line_text(data, line):
            errors[f"{line}_text"] = (
                f"Enter the cause written on {line_label(line)}, as it is on the certificate"
            )
    for upper, lower in itertools.pairwise(PART_ONE):
        lower_filled = line_text(data, lower) or (data.get(f"{lower}_code") or "").strip()
        if lower_filled and not line_text(data, upper) and f"{upper}_text" not in errors:
            errors[f"{upper}_text"] = (
                f"Enter {line_label(upper)} before {line_label(lower)}: Part I is filled from "
                "line (a) down, with no gaps"
            )
    if complete:
        if not line_text(data, "a") and "a_text" not in errors:
            errors["a_text"] = "Enter the cause on Part I line (a), the immediate cause of death"
        cause = underlying_cause(data)
        field = f"{cause.line}_code" if cause else None
        if cause and not line_code(data, cause.line) and field not in errors:
            errors[field] = (
                f"Enter an ICD-10 code for {line_label(cause.line)}: it is the underlying "
                "cause of death"
            )
    return errors


def cause_of_death_record(data: dict) -> dict:
    """The stored form of the section: the certificate as given (codes in the WHO form), plus
    the derived underlying cause and flags, so reports and readers need not derive them."""
    record = dict(data)
    for line in LINES:
        record[f"{line}_text"] = line_text(data, line)
        record[f"{line}_code"] = line_code(data, line)
    cause = underlying_cause(record)
    record["underlying_cause_line"] = cause.line if cause else ""
    record["underlying_cause_text"] = cause.text if cause else ""
    record["underlying_cause_code"] = cause.code if cause else ""
    record["underlying_cause_title"] = cause.title if cause else ""
    record["flags"] = cause_flags(record)
    return record


def cause_of_death_save(*, actor, review: Review, data: dict, complete: bool) -> ReviewSection:
    """Save the cause of death (the form's cleaned data) as a draft or as complete.

    Refused with a ValidationError (nothing written) if the certificate lines break the rules
    of `cause_line_errors`. Derives and stores the underlying cause and the flags. Permission,
    version and audit: as `review_section_save`."""
    errors = cause_line_errors(data, complete=complete)
    if errors:
        raise ValidationError(errors)
    return review_section_save(
        actor=actor,
        review=review,
        key=CAUSE_KEY,
        data=cause_of_death_record(data),
        complete=complete,
    )


def cause_of_death_code_use(*, actor, review: Review, line: str, code: str) -> ReviewSection:
    """Put `code` on `line` of the saved certificate (the "Use this code" of the code search).
    A line with nothing written yet takes the code's title as its cause. The section is saved
    as a draft: the reviewer checks the page and marks it complete. Refused (ValidationError,
    nothing written) for an unknown line, an invalid code, or a Part I line below a gap."""
    if line not in LINES:
        raise ValidationError("Choose a line of the certificate")
    found = icd10.find(code)
    if found is None:
        raise ValidationError(
            f"“{code}” is not an ICD-10 code that can be given as a cause of death"
        )
    check_can_edit(actor=actor, review=review)
    with transaction.atomic():
        saved, _ = _stored_data(review, CAUSE_KEY, lock=True)
        data = dict(saved)
        data[f"{line}_code"] = found.code
        if not line_text(data, line):
            data[f"{line}_text"] = found.title
        errors = cause_line_errors(data, complete=False)
        if errors:
            raise ValidationError(list(errors.values()))
        return review_section_save(
            actor=actor,
            review=review,
            key=CAUSE_KEY,
            data=cause_of_death_record(data),
            complete=False,
        )


def cause_of_death_missing(review: Review) -> list[str]:
    """What the cause of death still needs, for the workspace and submission."""
    from leder.reviews import sections

    row = sections.stored(review, CAUSE_KEY)
    if row is None:
        return ["Not started"]
    data = row.data
    problems = list(cause_line_errors(data, complete=True).values())
    labels = {
        "coroner_referral": "Whether the death was referred to the coroner",
        "inquest": "Whether there was an inquest",
        "post_mortem": "Whether there was a post-mortem",
        "place_of_death": "The place of death",
        "covid_status": "COVID-19 status",
        "covid_vaccination": "COVID-19 vaccination",
    }
    problems += [f"{label} is not answered" for name, label in labels.items() if not data.get(name)]
    if not row.is_complete:
        problems.append("Not marked as complete")
    return problems
