"""How a signed-off review reads: the sign-offs of a review (version, route, who, when, SHA-256,
reopened by whom and why) and a whole review snapshot, section by section, read-only.

A snapshot is what `reviews.services.records.review_snapshot` froze: a dict keyed by section. It
is shown *in full* here (the panel and the sign-off record need everything the reviewer wrote,
notes included), unlike the family copy (`reviews.presenters.family_copy`), which leaves the
internal parts out. Each simple section's answers are named by its form's labels, in the form's
order; everything else is shown by its key made readable, so a section added later still shows.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from leder.core import presenters
from leder.governance.models import SignOff
from leder.reviews import questions, sections
from leder.reviews.presenters.workspace import answer_text

# Bookkeeping inside a snapshot that says nothing to a reader (the grading scale's and a
# section's version numbers are kept in the snapshot and the sign-off record, not read by a panel).
SKIPPED_KEYS = frozenset({"complete", "is_complete", "version", "scale_version"})
# Keys whose words no form or question gives: the cause of death's parts, abbreviations.
KEY_LABELS = {
    "underlying_cause_line": "Line of part 1 giving the underlying cause",
    "underlying_cause_text": "Underlying cause",
    "underlying_cause_code": "Underlying cause (ICD-10 code)",
    "underlying_cause_title": "Underlying cause (ICD-10 title)",
    "icd10": "ICD-10 code",
    "gp": "GP",
}
WORDS = {
    "yes": "Yes",
    "no": "No",
    "not_sure": "Not sure",
    "not_known": "Not known",
    "unknown": "Not known",
    "not_applicable": "Not applicable",
}
# Rows keyed by their database id ("17", "learning 17"), numbered in order instead.
NUMBERED_KEY = re.compile(r"^(?:([a-z ]+?) )?\d+$", re.IGNORECASE)


@dataclass
class Answer:
    label: str
    text: str = ""
    children: list["Answer"] = field(default_factory=list)


@dataclass
class SnapshotSection:
    key: str
    title: str
    answers: list[Answer]


# The cause of death's lines as the medical certificate numbers them ("a_text", "ii2_code").
CAUSE_LINE_KEY = re.compile(r"(?P<line>[a-d]|ii[1-4])_(?P<what>text|code)")


@cache
def _question_texts() -> dict[str, str]:
    """Each structured question's key and its words, from every question set."""
    texts = {}
    for question_set in questions.QUESTION_SETS.values():
        for _group, question, _parent in question_set.all_questions():
            texts.setdefault(question.key, question.text)
    return texts


def humanise(name: str) -> str:
    """A snapshot key in words: the question it answers, a known label, else the key readable."""
    key = str(name)
    if key in KEY_LABELS:
        return KEY_LABELS[key]
    if key in _question_texts():
        return _question_texts()[key]
    line = CAUSE_LINE_KEY.fullmatch(key)
    if line:
        part = (
            f"Part 1, line {line['line']}"
            if len(line["line"]) == 1
            else f"Part 2, condition {line['line'][-1]}"
        )
        return f"{part} (ICD-10 code)" if line["what"] == "code" else part
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def value_text(value, *, empty: str = presenters.EMPTY) -> str:
    """One stored value as words: yes/no, dates in the NHS style, lists joined, `empty` for
    nothing ("Not given"; the QA page leaves an empty answer out, with `empty=""`)."""
    if value is None or value == "" or value == []:
        return empty
    if isinstance(value, bool):
        return presenters.yes_no(value)
    if isinstance(value, list):
        return ", ".join(filter(None, (value_text(v, empty=empty) for v in value)))
    text = str(value)
    if text in WORDS:
        return WORDS[text]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return presenters.date_long(date.fromisoformat(text))
        except ValueError:
            return text
    return text


def _nested(value) -> bool:
    return isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(v, dict | list) for v in value)
    )


def _singular(label: str) -> str:
    return label[:-1] if label.endswith("s") and len(label) > 3 else (label or "Item")


def answers_from(data, *, parent: str = "Item") -> list[Answer]:
    """Any snapshot data as answers, every value kept (nothing left out but bookkeeping).
    Rows of a list, or keyed by their id, are numbered after what holds them ("Event 2")."""
    row = _singular(parent)
    if isinstance(data, list):
        return [
            Answer(f"{row} {n}", "", answers_from(item))
            if _nested(item)
            else Answer(f"{row} {n}", value_text(item))
            for n, item in enumerate(data, start=1)
        ]
    if not isinstance(data, dict):
        return [Answer("", value_text(data))]
    out = []
    position = 0
    for key, value in data.items():
        if key in SKIPPED_KEYS:
            continue
        numbered = NUMBERED_KEY.match(str(key))
        if numbered:
            position += 1
            label = f"{humanise(numbered.group(1)) if numbered.group(1) else row} {position}"
        else:
            label = humanise(key)
        if _nested(value):
            out.append(Answer(label, "", answers_from(value, parent=label)))
        else:
            out.append(Answer(label, value_text(value)))
    return out


def _section_answers(section: sections.Section | None, data) -> list[Answer]:
    """A simple section's answers in its form's order, with the form's labels and choice
    labels; then anything else it holds."""
    form_fields = (
        section.form_class.base_fields if section is not None and section.form_class else {}
    )
    if not isinstance(data, dict) or not form_fields:
        return answers_from(data)
    out = []
    for name, form_field in form_fields.items():
        if name in data and name not in SKIPPED_KEYS:
            value = data[name]
            if _nested(value):
                label = str(form_field.label)
                out.append(Answer(label, "", answers_from(value, parent=label)))
            else:
                out.append(Answer(str(form_field.label), answer_text(form_field, value)))
    rest = {k: v for k, v in data.items() if k not in form_fields}
    return out + answers_from(rest)


def _section(key: str) -> sections.Section | None:
    try:
        return sections.get(key)
    except ImproperlyConfigured:
        return None


def snapshot_sections(kind: str, snapshot: dict) -> list[SnapshotSection]:
    """The whole snapshot, section by section in the review's order; sections the snapshot
    holds that are no longer registered follow, so nothing frozen is ever hidden."""
    snapshot = snapshot or {}
    out = []
    seen = set()
    for section in sections.sections_for(kind):
        seen.add(section.key)
        if section.key in snapshot:
            out.append(
                SnapshotSection(
                    section.key, section.title, _section_answers(section, snapshot[section.key])
                )
            )
    for key, data in snapshot.items():
        if key not in seen:
            section = _section(key)
            title = section.title if section else humanise(key)
            out.append(SnapshotSection(key, title, _section_answers(section, data)))
    return out


# -- Sign-offs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignOffRow:
    signoff: SignOff
    href: str

    @property
    def version(self) -> int:
        return self.signoff.version_number

    @property
    def route(self) -> str:
        return self.signoff.get_route_display()

    @property
    def who(self) -> str:
        return self.signoff.signed_off_by.full_name

    @property
    def when(self) -> str:
        return presenters.datetime_long(self.signoff.signed_off_at)

    @property
    def content_hash(self) -> str:
        return self.signoff.content_hash

    @property
    def is_live(self) -> bool:
        return self.signoff.reopened_at is None

    @property
    def status(self) -> dict:
        if self.is_live:
            return {"text": "Signed off and locked", "classes": "nhsuk-tag--green"}
        return {"text": "Reopened", "classes": "nhsuk-tag--grey"}

    @property
    def reopened(self) -> str:
        s = self.signoff
        if s.reopened_at is None:
            return ""
        return f"{presenters.datetime_long(s.reopened_at)} by {s.reopened_by.full_name}"

    @property
    def reopen_reason(self) -> str:
        return self.signoff.reopen_reason

    @property
    def summary_rows(self) -> list[dict]:
        rows = [
            ("Version", str(self.version)),
            ("Signed off", f"{self.when} by {self.who}"),
            ("How", self.route),
            ("SHA-256 of the signed-off content", self.content_hash),
        ]
        if not self.is_live:
            rows += [("Reopened", self.reopened), ("Why it was reopened", self.reopen_reason)]
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]


def signoff_rows(signoffs, *, reference: str, kind: str) -> list[SignOffRow]:
    return [
        SignOffRow(
            s,
            reverse(
                "governance:signoff_version",
                kwargs={"reference": reference, "kind": kind, "pk": s.pk},
            ),
        )
        for s in signoffs
    ]


def compare_href(*, reference: str, kind: str, first: int, second: int) -> str:
    """The review's own version comparison page, between two version numbers."""
    base = reverse("reviews:compare", kwargs={"reference": reference, "kind": kind})
    return f"{base}?from={first}&to={second}"
