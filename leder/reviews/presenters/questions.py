"""How the structured questions and the cause of death read: each group's status and answers,
the certificate line by line, the underlying cause and the flags in plain words."""

from dataclasses import dataclass

from leder.core import presenters
from leder.reference import icd10
from leder.reviews import questions
from leder.reviews.forms.questions import (
    CORONER_REFERRAL,
    COVID_STATUS,
    COVID_VACCINATION,
    INQUEST,
    MEDICAL_EXAMINER,
    PLACE_OF_DEATH,
    POST_MORTEM,
)
from leder.reviews.services.questions import (
    FLAG_CONDITIONS,
    PART_ONE,
    PART_TWO,
    line_label,
)

COMPLETED, IN_PROGRESS, NOT_STARTED = "Completed", "In progress", "Not started"
STATUS_TAG_CLASSES = {
    COMPLETED: "nhsuk-tag--green",
    IN_PROGRESS: "nhsuk-tag--light-blue",
    NOT_STARTED: "nhsuk-tag--blue",
}


def answer_label(entry: dict | None) -> str:
    answer = (entry or {}).get("answer")
    return questions.ANSWER_LABELS.get(answer, presenters.EMPTY)


@dataclass(frozen=True)
class GroupSummary:
    group: questions.QuestionGroup
    status: str
    answered: int
    total: int
    rows: list[dict]

    @property
    def tag(self) -> dict:
        return {"text": self.status, "classes": STATUS_TAG_CLASSES[self.status]}

    @property
    def count_text(self) -> str:
        return f"{self.answered} of {presenters.count(self.total, 'question')} answered"


def group_summaries(question_set: questions.QuestionSet, answers: dict) -> list[GroupSummary]:
    """Each page of questions with its status and the summary-list rows of its answers (only
    the questions that apply; follow-ups marked as such)."""
    applies = questions.shown(question_set, answers)
    out = []
    for group in question_set.groups:
        keys = {q.key for g, q, _ in question_set.all_questions() if g.slug == group.slug}
        in_group = [(q, parent) for q, parent in applies if q.key in keys]
        answered = sum(questions.is_answered(q, answers.get(q.key)) for q, _ in in_group)
        if answered == len(in_group):
            status = COMPLETED
        elif any(q.key in answers for q, _ in in_group):
            status = IN_PROGRESS
        else:
            status = NOT_STARTED
        rows = []
        for question, _parent in in_group:
            entry = answers.get(question.key) or {}
            value = answer_label(entry)
            if entry.get("detail"):
                value = f"{value}. {entry['detail']}"
            rows.append(
                {
                    "key": {"text": question.text},
                    "value": {"text": value},
                }
            )
        out.append(GroupSummary(group, status, answered, len(in_group), rows))
    return out


# --- cause of death -----------------------------------------------------------------------------

_LABELS = {
    "coroner_referral": ("Referred to the coroner", dict(CORONER_REFERRAL)),
    "inquest": ("Inquest", dict(INQUEST)),
    "post_mortem": ("Post-mortem", dict(POST_MORTEM)),
    "medical_examiner_scrutiny": ("Scrutinised by a medical examiner", dict(MEDICAL_EXAMINER)),
    "place_of_death": ("Place of death", dict(PLACE_OF_DEATH)),
    "covid_status": ("COVID-19", dict(COVID_STATUS)),
    "covid_vaccination": ("COVID-19 vaccination", dict(COVID_VACCINATION)),
}

FLAG_EXPLANATION = (
    "Down's syndrome, cerebral palsy and learning disability are lifelong conditions, not "
    "causes of death. Writing one on the certificate as a cause can hide the illness the person "
    "actually died of, which may have been treatable. The review is flagged so that quality "
    "assurance looks at how the cause of death was certified."
)


def code_with_title(code: str) -> str:
    found = icd10.find(code) if code else None
    return found.label if found else code


class CauseOfDeathPresenter:
    """The saved cause of death (`ReviewSection.data` of "cause_of_death") as it reads."""

    def __init__(self, data: dict | None):
        self.data = data or {}

    def _line_rows(self, lines) -> list[dict]:
        rows = []
        for line in lines:
            text = self.data.get(f"{line}_text") or ""
            code = self.data.get(f"{line}_code") or ""
            if not text and not code and line not in ("a",):
                continue
            value = text or presenters.EMPTY
            if code:
                value = f"{value} ({code_with_title(code)})"
            rows.append({"key": {"text": line_label(line)}, "value": {"text": value}})
        return rows

    @property
    def part_one_rows(self) -> list[dict]:
        return self._line_rows(PART_ONE)

    @property
    def part_two_rows(self) -> list[dict]:
        return self._line_rows(PART_TWO)

    @property
    def underlying_cause(self) -> str:
        """ "Pneumonia (J18.9 Pneumonia, unspecified), from Part I line (b)", or empty."""
        line = self.data.get("underlying_cause_line")
        if not line:
            return ""
        text = self.data.get("underlying_cause_text") or ""
        code = self.data.get("underlying_cause_code") or ""
        title = self.data.get("underlying_cause_title") or ""
        coded = f" ({code} {title})".rstrip() if code else " (no ICD-10 code yet)"
        if code and not title:
            coded = f" ({code})"
        return f"{text}{coded}, from {line_label(line)}"

    @property
    def flags(self) -> list[str]:
        """One sentence per flag: what is recorded, where, and how it was recognised."""
        out = []
        for flag in self.data.get("flags") or []:
            condition = FLAG_CONDITIONS.get(flag.get("condition"), flag.get("condition"))
            how = {
                "code": "by its ICD-10 code",
                "words": "in the words written",
                "code and words": "by its ICD-10 code and in the words written",
            }.get(flag.get("found_in"), "")
            text = f"{condition[:1].upper()}{condition[1:]} is recorded on "
            out.append(f"{text}{line_label(flag.get('line', ''))} ({how}).")
        return out

    @property
    def other_rows(self) -> list[dict]:
        rows = []
        for name, (label, choices) in _LABELS.items():
            value = self.data.get(name)
            text = choices.get(value, presenters.EMPTY) if value else presenters.EMPTY
            if (
                name == "place_of_death"
                and value == "other"
                and self.data.get("place_of_death_detail")
            ):
                text = f"{text}: {self.data['place_of_death_detail']}"
            rows.append({"key": {"text": label}, "value": {"text": text}})
        return rows
