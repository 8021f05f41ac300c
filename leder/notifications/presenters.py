"""Formatting a notification's answers for display: the check-answers page of the public form.

Templates display what these return; dates, names, choice labels and NHS numbers are formatted
here (with the shared presenters in `leder.core.presenters`), never in a template.
"""

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from leder.core import presenters as core
from leder.notifications.models import (
    Answer,
    CovidStatus,
    PlaceOfDeath,
    Relationship,
    Sex,
)

NOT_GIVEN = core.EMPTY


def _label(choices, value: str) -> str:
    if not value:
        return NOT_GIVEN
    return str(choices(value).label)


def _lines(*parts: str) -> Markup | str:
    """Several lines in one answer (an address), each escaped, joined with line breaks."""
    lines = [line.strip() for part in parts if part for line in part.splitlines() if line.strip()]
    if not lines:
        return NOT_GIVEN
    return Markup("<br>").join(escape(line) for line in lines)


def _paragraphs(text: str) -> Markup | str:
    """Free text as the notifier typed it: paragraphs kept, everything escaped."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    if not paragraphs:
        return NOT_GIVEN
    return Markup("").join(
        Markup("<p>{}</p>").format(_lines(paragraph)) for paragraph in paragraphs
    )


@dataclass(frozen=True)
class AnswerRow:
    key: str
    value: str | Markup
    step: str  # the page that asked, for the Change link

    def summary_row(self, change_href: Callable[[str], str] | None) -> dict:
        """Parameters of an NHS.UK summary list row."""
        value = {"html": self.value} if isinstance(self.value, Markup) else {"text": self.value}
        row = {"key": {"text": self.key}, "value": value}
        if change_href is not None:
            row["actions"] = {
                "items": [
                    {
                        "href": change_href(self.step),
                        "text": "Change",
                        "visuallyHiddenText": self.key.lower(),
                    }
                ]
            }
        return row


@dataclass(frozen=True)
class AnswerSection:
    heading: str
    rows: tuple[AnswerRow, ...]

    def summary_rows(self, change_href: Callable[[str], str] | None = None) -> list[dict]:
        return [row.summary_row(change_href) for row in self.rows]


def relationship(value: str, detail: str = "") -> str:
    label = _label(Relationship, value)
    return f"{label}: {detail}" if detail else label


def icb_name(icb, *, from_gp: bool = False) -> str:
    if icb is None:
        return "I do not know (we will find the right area)"
    name = icb.display_name
    return f"{name} (from their GP practice)" if from_gp else name


def gp_practice(practice, text: str) -> str:
    if practice is not None:
        return f"{practice.name} ({practice.ods_code})"
    return text or NOT_GIVEN


def answer_sections(answers: dict, *, area_from_gp: bool = False) -> list[AnswerSection]:
    """The answers of a complete notification, grouped as the check-answers page shows them.
    `answers` is every question form's cleaned data, merged."""
    person_name = core.person_name(given=answers["given_name"], family=answers["family_name"])
    ethnic_category = answers.get("ethnic_category")
    sex = answers.get("sex") or Sex.NOT_KNOWN
    about_you = [
        AnswerRow(
            "How you knew them",
            relationship(answers["relationship"], answers.get("relationship_detail", "")),
            "you",
        ),
        AnswerRow("Your name", answers["name"], "your-details"),
    ]
    if answers.get("organisation_name"):
        about_you.append(AnswerRow("Organisation", answers["organisation_name"], "your-details"))
    about_you += [
        AnswerRow("E-mail address", answers.get("email") or NOT_GIVEN, "your-details"),
        AnswerRow("Phone number", answers.get("phone") or NOT_GIVEN, "your-details"),
    ]
    person = [
        AnswerRow("Name", person_name, "person"),
        AnswerRow("Other names", answers.get("other_names") or NOT_GIVEN, "person"),
        AnswerRow("Date of birth", core.date_long(answers["date_of_birth"]), "dates"),
        AnswerRow("Date of death", core.date_long(answers["date_of_death"]), "dates"),
        AnswerRow("NHS number", core.nhs_number(answers.get("nhs_number")), "nhs-number"),
        AnswerRow(
            "Address", _lines(answers.get("address", ""), answers.get("postcode", "")), "address"
        ),
        AnswerRow(
            "GP practice",
            gp_practice(answers.get("gp_practice"), answers.get("gp_practice_text", "")),
            "gp",
        ),
        AnswerRow("Area", icb_name(answers.get("icb"), from_gp=area_from_gp), "area"),
        AnswerRow(
            "Learning disability",
            _label(Answer, answers["has_learning_disability"]),
            "about-person",
        ),
        AnswerRow("Autistic", _label(Answer, answers["is_autistic"]), "about-person"),
        AnswerRow("Sex", _label(Sex, sex), "equality"),
        AnswerRow("Ethnic group", ethnic_category_label(ethnic_category), "equality"),
    ]
    place = _label(PlaceOfDeath, answers["place_of_death"])
    detail = answers.get("place_of_death_detail", "")
    death = [
        AnswerRow("Where they died", f"{place}: {detail}" if detail else place, "death"),
        AnswerRow("Died in England", _label(Answer, answers["died_in_england"]), "death"),
        AnswerRow("What happened", _paragraphs(answers.get("circumstances", "")), "death"),
        AnswerRow("COVID-19", _label(CovidStatus, answers["covid"]), "covid"),
        AnswerRow(
            "Concerns about their care", _label(Answer, answers["has_care_concerns"]), "concerns"
        ),
    ]
    if answers["has_care_concerns"] == Answer.YES:
        death.append(
            AnswerRow("Your concerns", _paragraphs(answers["care_concerns"]), "concerns-detail")
        )
    return [
        AnswerSection("About you", tuple(about_you)),
        AnswerSection("The person who died", tuple(person)),
        AnswerSection("Their death", tuple(death)),
    ]


def ethnic_category_label(category) -> str:
    if category is None:
        return NOT_GIVEN
    if category.code == "Z":
        return "Would rather not say"
    if category.code == "99":
        return "I do not know"
    return category.description
