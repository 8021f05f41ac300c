"""How learning briefings are shown: dates, status tags, themes, paragraphs, and the easy read
version split into parts (one idea a line, a picture beside each part)."""

from dataclasses import dataclass

from django.urls import reverse

from leder.core.presenters import count, date_long
from leder.governance.models import BriefingStatus, LearningBriefing

STATUS_TAGS = {
    BriefingStatus.DRAFT: {"text": "Draft", "classes": "nhsuk-tag--grey"},
    BriefingStatus.PUBLISHED: {"text": "Published", "classes": "nhsuk-tag--green"},
    BriefingStatus.WITHDRAWN: {"text": "Withdrawn", "classes": "nhsuk-tag--red"},
}

# The pictures beside the parts of an easy read version, in turn, each with the words that
# describe it to someone who cannot see it.
EASY_READ_PICTURES = [
    ("look", "A magnifying glass"),
    ("talk", "Two people talking"),
    ("better", "A chart going up"),
    ("heart", "A heart"),
]


def paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines; lines inside a paragraph are kept together."""
    return [
        " ".join(p.split()) for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()
    ]


@dataclass(frozen=True)
class EasyReadPart:
    picture: str
    picture_text: str
    lines: list[str]


def easy_read_parts(text: str) -> list[EasyReadPart]:
    """The easy read version as parts (blank-line separated), each a list of lines."""
    blocks = [b for b in (text or "").replace("\r\n", "\n").split("\n\n") if b.strip()]
    parts = []
    for index, block in enumerate(blocks):
        picture, words = EASY_READ_PICTURES[index % len(EASY_READ_PICTURES)]
        lines = [" ".join(line.split()) for line in block.split("\n") if line.strip()]
        parts.append(EasyReadPart(picture, words, lines))
    return parts


class BriefingPresenter:
    def __init__(self, briefing: LearningBriefing):
        self.briefing = briefing
        self.pk = briefing.pk
        self.title = briefing.title
        self.icb_name = briefing.icb.display_name
        self.status = briefing.status
        self.is_published = briefing.status == BriefingStatus.PUBLISHED

    @property
    def href(self) -> str:
        return reverse("governance:briefing", kwargs={"pk": self.pk})

    @property
    def easy_read_href(self) -> str | None:
        if not self.briefing.easy_read:
            return None
        return reverse("governance:briefing_easy_read", kwargs={"pk": self.pk})

    @property
    def status_tag(self) -> dict:
        return STATUS_TAGS[self.status]

    @property
    def published(self) -> str:
        if self.briefing.published_at is None:
            return "Not published"
        return date_long(self.briefing.published_at)

    @property
    def updated(self) -> str:
        return date_long(self.briefing.updated_at)

    @property
    def themes(self) -> list[str]:
        return sorted(str(t) for t in self.briefing.themes.all())

    @property
    def themes_text(self) -> str:
        return ", ".join(self.themes)

    @property
    def summary_paragraphs(self) -> list[str]:
        return paragraphs(self.briefing.summary)

    @property
    def learning_paragraphs(self) -> list[str]:
        return paragraphs(self.briefing.learning)

    @property
    def easy_read_parts(self) -> list[EasyReadPart]:
        return easy_read_parts(self.briefing.easy_read)

    @property
    def withdrawn_reason(self) -> str:
        return self.briefing.withdrawn_reason

    @property
    def summary_rows(self) -> list[dict]:
        """The facts at the top of a briefing's page (NHS.UK summary list rows)."""
        rows = [
            {"key": {"text": "ICB"}, "value": {"text": self.icb_name}},
            {"key": {"text": "Published"}, "value": {"text": self.published}},
            {"key": {"text": "Themes"}, "value": {"text": self.themes_text}},
        ]
        return rows


def source_review_rows(reviews, *, visible_case_ids: set[int]) -> list[dict]:
    """The source reviews of a briefing: case reference (a link when the reader may open the
    case), review kind and when it was signed off, or that it has since been reopened."""
    rows = []
    for review in reviews:
        signoff = getattr(review, "live_signoff", None)
        rows.append(
            {
                "reference": review.case.reference,
                "href": reverse("casework:case", kwargs={"reference": review.case.reference})
                if review.case_id in visible_case_ids
                else None,
                "kind": review.get_kind_display(),
                "signed_off": date_long(signoff.signed_off_at)
                if signoff
                else "Reopened since: no longer signed off",
            }
        )
    return rows


def results_caption(number: int) -> str:
    return count(number, "briefing")
