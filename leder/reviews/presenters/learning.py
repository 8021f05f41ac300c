"""How learning reads: grouped by kind, each piece with its themes and links; the meeting's
attendees as table rows."""

from dataclasses import dataclass

from leder.core import presenters
from leder.reviews.forms.learning import attendee_lines
from leder.reviews.models import LearningItem, LearningKind
from leder.reviews.presenters.workspace import review_url
from leder.reviews.selectors.workspace import ReviewAccess

RECOMMENDATIONS_NOTE = (
    "Since 2021 reviewers do not write recommendations. Record what you found as good "
    "practice, areas for improvement or concerns: concerns go to the governance panel, which "
    "agrees actions with the organisations involved."
)

KIND_HEADINGS = {
    LearningKind.GOOD_PRACTICE: "Good practice",
    LearningKind.IMPROVEMENT: "Areas for improvement",
    LearningKind.CONCERN: "Concerns",
}


@dataclass(frozen=True)
class ItemRow:
    item: LearningItem
    themes: list[str]
    edit_href: str
    remove_href: str

    @property
    def kind_label(self) -> str:
        return self.item.get_kind_display()


def learning_groups(access: ReviewAccess, items: list[LearningItem]) -> list[dict]:
    """The learning in three groups (good practice, areas for improvement, concerns), each item
    with its theme names and its change and remove links; empty groups left out."""
    groups = []
    for kind in LearningKind:
        rows = [
            ItemRow(
                item=item,
                themes=sorted(str(theme) for theme in item.themes.all()),
                edit_href=review_url("reviews:learning_edit", access, item_id=item.pk),
                remove_href=review_url("reviews:learning_remove", access, item_id=item.pk),
            )
            for item in items
            if item.kind == kind
        ]
        if rows:
            groups.append({"kind": kind.value, "heading": KIND_HEADINGS[kind], "rows": rows})
    return groups


def learning_count_text(items: list[LearningItem]) -> str:
    return presenters.count(len(items), "piece of learning", "pieces of learning")


def attendee_rows(text: str) -> list[list[dict]]:
    """The meeting's attendees as table rows: who, and their organisation."""
    return [[{"text": who}, {"text": organisation}] for who, organisation in attendee_lines(text)]
