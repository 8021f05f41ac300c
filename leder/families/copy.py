"""The family copy: the review as a letter to the family, and its easy-read version (ADR 0166).

The family copy is written for the family, not for the reviewer. It says, in plain and kind
words: who the person was (the pen portrait, in the words the reviewer gathered), what the review
found (the grade of care as a sentence, never a number or a scale's title; what went well; what
could have been better) and what will change (the actions the ICB agreed from the review). It
leaves out every internal label: section titles, question wording, themes, "multi-agency review
meeting", grades as numbers, the reviewer's notes.

The easy-read version says the same in short sentences. Its own sentences are written to pass
the easy-read check sentence by sentence (`core.readability.sentence_problems`, ADR 0164); the
reviewer's own words (what went well, what should change) are shown in it only when they pass
too. Those that do not are listed for the reviewer on the staff preview, so they can say them
more simply; the easy read then tells the reader there is more in the full copy.
"""

from dataclasses import dataclass, field

from leder.core import presenters
from leder.core.readability import sentence_problems, sentences

# The grade of care in words a family understands (the final grade: the focused review's when
# there was one). Each says what the programme's level means without its title or its number.
GRADE_WORDS = {
    1: "The review found that the care {name} received was excellent. It was better than "
    "the care we expect.",
    2: "The review found that the care {name} received was good. It was the care we expect.",
    3: "The review found that the care {name} received was mostly good. Some things could "
    "have been better, but this did not make a big difference to {name}'s wellbeing.",
    4: "The review found that some of the care {name} received was not as good as it should "
    "have been. This affected {name}'s wellbeing. It did not cause {name}'s death.",
    5: "The review found that some of the care {name} received was much worse than it should "
    "have been. This affected {name}'s wellbeing a great deal, or could have played a part in "
    "{name}'s death.",
    6: "The review found that some of the care {name} received was far worse than it should "
    "have been. We are very sorry to tell you that this played a part in {name}'s death.",
}
# The same, in easy read: each sentence short and plain (checked by a test).
GRADE_EASY = {
    1: ("The care {name} had was very good.",),
    2: ("The care {name} had was good.",),
    3: ("Most of the care {name} had was good.", "Some things could have been better."),
    4: (
        "Some of the care {name} had was not good enough.",
        "This made life harder for {name}.",
        "It did not cause {name} to die.",
    ),
    5: (
        "Some of the care {name} had was bad.",
        "This made life much harder for {name}.",
        "It may have been part of why {name} died.",
    ),
    6: (
        "Some of the care {name} had was very bad.",
        "We are very sorry.",
        "This was part of why {name} died.",
    ),
}

PEN_PORTRAIT = (
    ("who_they_were", "Who {name} was"),
    ("what_mattered", "What mattered to {name}"),
    ("what_people_said", "What people said about {name}"),
)


@dataclass(frozen=True)
class Change:
    """An action the ICB agreed: what will be done, by whom, and by when."""

    what: str
    who: str
    by_when: str
    done: bool


@dataclass(frozen=True)
class Withheld:
    """A sentence of the reviewer's own words left out of the easy read, and why."""

    where: str
    sentence: str
    reasons: tuple[str, ...]


@dataclass
class FamilyCopy:
    """What the family reads. Built by `family_copy_for(case)`."""

    reference: str
    name: str
    given_name: str
    date_of_birth: str
    date_of_death: str
    is_draft: bool
    pen_portrait: list[tuple[str, str]] = field(default_factory=list)
    grade: int | None = None
    went_well: list[str] = field(default_factory=list)
    could_be_better: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    team: object = None

    @property
    def title(self) -> str:
        return f"The review of {self.name}'s life and care"

    @property
    def grade_words(self) -> str:
        if self.grade not in GRADE_WORDS:
            return ""
        return GRADE_WORDS[self.grade].format(name=self.given_name)

    # -- easy read ----------------------------------------------------------------------------

    def _easy(self, where: str, texts: list[str]) -> tuple[list[str], list[Withheld]]:
        """The reviewer's `texts` split into the sentences that pass the easy-read check and
        those that do not."""
        kept, withheld = [], []
        for text in texts:
            problems = {p.sentence: p.reasons for p in sentence_problems(text)}
            for sentence in sentences(text):
                if sentence in problems:
                    withheld.append(Withheld(where, sentence, problems[sentence]))
                else:
                    kept.append(sentence)
        return kept, withheld

    @property
    def easy_read(self) -> "EasyRead":
        name = self.given_name
        good, withheld_good = self._easy("What went well", self.went_well)
        better, withheld_better = self._easy("What could have been better", self.could_be_better)
        changes, withheld_changes = self._easy("What will change", [c.what for c in self.changes])
        return EasyRead(
            about=[
                f"This is about {name}.",
                f"{name} died on {self.date_of_death}.",
                f"We are very sorry that {name} died.",
                f"We looked at the care {name} had.",
                "We did this to learn how to make care better.",
            ],
            grade=[line.format(name=name) for line in GRADE_EASY.get(self.grade, ())],
            went_well=good,
            could_be_better=better,
            changes=changes,
            change_count=len(self.changes),
            withheld=withheld_good + withheld_better + withheld_changes,
            team=self.team,
            name=name,
        )


@dataclass
class EasyRead:
    about: list[str]
    grade: list[str]
    went_well: list[str]
    could_be_better: list[str]
    changes: list[str]
    change_count: int
    withheld: list[Withheld]
    team: object
    name: str

    @property
    def lines(self) -> list[str]:
        """Every sentence the easy read prints that this module wrote (for the check)."""
        return [*self.about, *self.grade]


def _text(value) -> str:
    return str(value or "").strip()


def family_copy_for(case, *, is_draft: bool) -> FamilyCopy:
    """The family copy of `case`, from its reviews (the focused review's grade and learning
    when there was one, with the initial review's) and the actions agreed from them."""
    from leder.families import selectors
    from leder.organisations.presenters import icb_contact
    from leder.reviews import sections

    person = case.notification
    reviews = selectors.reviews_of(case)
    initial = next((r for r in reviews if r.kind == "initial"), None)
    focused = next((r for r in reviews if r.kind == "focused"), None)
    given = person.given_name or "the person"
    copy = FamilyCopy(
        reference=case.reference,
        name=presenters.person_name(given=person.given_name, family=person.family_name),
        given_name=given,
        date_of_birth=presenters.date_long(person.date_of_birth),
        date_of_death=presenters.date_long(person.date_of_death),
        is_draft=is_draft,
        team=icb_contact(person.icb),
    )
    if initial is not None:
        row = sections.stored(initial, "pen_portrait")
        data = row.data if row else {}
        copy.pen_portrait = [
            (heading.format(name=given), _text(data.get(key)))
            for key, heading in PEN_PORTRAIT
            if _text(data.get(key))
        ]
    grade = None
    for review, key in ((focused, "focused_grading"), (initial, "grading")):
        row = sections.stored(review, key) if review is not None else None
        level = (row.data or {}).get("level") if row else None
        if level not in (None, ""):
            grade = int(level)
            break
    copy.grade = grade
    learning = selectors.family_learning([r for r in (initial, focused) if r is not None])
    copy.went_well = [text for kind, text in learning if kind == "good_practice"]
    copy.could_be_better = [text for kind, text in learning if kind == "improvement"]
    copy.changes = [
        Change(
            what=action.title,
            who=str(action.owner_organisation),
            by_when=presenters.date_long(action.due_on),
            done=action.status == "completed",
        )
        for action in selectors.agreed_actions([r for r in (initial, focused) if r is not None])
    ]
    return copy
