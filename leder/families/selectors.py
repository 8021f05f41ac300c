"""Reading for the family's pages and the reviewer's view of what the family added."""

from dataclasses import dataclass

from leder.core import presenters
from leder.families.models import (
    ContributionKind,
    DraftKind,
    FamilyContribution,
    FamilyInvitation,
    SharedDraft,
)
from leder.messaging.models import Message


def _flatten(answers, prefix: str = "") -> list[list[str]]:
    rows = []
    for answer in answers:
        label = f"{prefix}{answer.label}" if answer.label else prefix.rstrip(": ")
        if answer.text:
            rows.append([label, answer.text])
        if answer.children:
            rows.extend(_flatten(answer.children, f"{label}: " if label else ""))
    return rows


def draft_content(review, kind: str) -> list[list[str]]:
    """What a shared draft holds, as [heading, text] pairs: the pen portrait's answers, or for
    the summary every answered section of the family copy (no internal notes)."""
    from leder.reviews.presenters.family_copy import FamilyCopy

    copy = FamilyCopy(review, is_draft=True)
    rows = []
    for block in copy.blocks:
        if block.kind != "answers":
            continue
        if kind == DraftKind.PEN_PORTRAIT and block.key != "pen_portrait":
            continue
        prefix = "" if kind == DraftKind.PEN_PORTRAIT else f"{block.title}: "
        rows.extend(_flatten(block.answers, prefix))
    return rows


def latest_drafts(case) -> list[SharedDraft]:
    """The latest shared draft of each kind."""
    found = {}
    for draft in SharedDraft.objects.filter(case=case).order_by("shared_at", "pk"):
        found[draft.kind] = draft
    return [found[k] for k in DraftKind.values if k in found]


def contributions_of(invitation: FamilyInvitation):
    return (
        FamilyContribution.objects.filter(invitation=invitation)
        .select_related("draft")
        .prefetch_related("files")
    )


def _what(kind: str) -> str:
    return kind.removeprefix("family_").replace("_", " ")


@dataclass
class InvitationRow:
    invitation: FamilyInvitation
    messages: list
    contributions: list

    @property
    def status(self) -> str:
        inv = self.invitation
        from leder.core.time import now

        if inv.withdrawn_at:
            return "Withdrawn"
        if inv.expires_at <= now():
            return "Expired"
        if inv.locked_until and inv.locked_until > now():
            return "Locked after wrong answers"
        if inv.first_opened_at:
            return "Opened"
        if inv.token_hash:
            return "Sent, not opened yet"
        return "Waiting to be sent"

    @property
    def new_count(self) -> int:
        return sum(1 for c in self.contributions if c.seen_at is None)

    def summary_rows(self) -> list[dict]:
        inv = self.invitation
        rows = [
            ("Status", self.status),
            ("Invited", presenters.datetime_long(inv.created_at)),
            ("Opens with", inv.get_second_factor_display()),
            ("Link works until", presenters.date_long(inv.expires_at)),
            (
                "First opened",
                presenters.datetime_long(inv.first_opened_at) if inv.first_opened_at else "Not yet",
            ),
            (
                "Last opened",
                presenters.datetime_long(inv.last_opened_at) if inv.last_opened_at else "Not yet",
            ),
        ]
        for message in self.messages:
            rows.append(
                (
                    f"{message.get_channel_display()} ({_what(message.kind)})",
                    f"{message.get_status_display()}, {presenters.datetime_long(message.status_at)}"
                    + (" (sent to their advocate)" if message.via_advocate else "")
                    + (" – in place of a failed message" if message.fallback_of_id else ""),
                )
            )
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]


def invitation_rows(case) -> list[InvitationRow]:
    invitations = list(
        FamilyInvitation.objects.filter(case=case).select_related("contact").order_by("-created_at")
    )
    contributions = {}
    for c in (
        FamilyContribution.objects.filter(invitation__case=case)
        .select_related("draft")
        .prefetch_related("files")
        .order_by("-created_at", "-pk")
    ):
        contributions.setdefault(c.invitation_id, []).append(c)
    messages = {}
    contact_ids = {i.contact_id for i in invitations}
    for m in Message.objects.filter(case=case, contact_id__in=contact_ids).order_by("created_at"):
        messages.setdefault(m.contact_id, []).append(m)
    return [
        InvitationRow(i, messages.get(i.contact_id, []), contributions.get(i.pk, []))
        for i in invitations
    ]


def contribution_lines(contribution: FamilyContribution) -> list[tuple[str, str]]:
    a = contribution.answers
    if contribution.kind == ContributionKind.STORY:
        return [("Their story", a.get("story", ""))]
    if contribution.kind == ContributionKind.CARE:
        focused = {"yes": "Yes", "no": "No", "not_sure": "Not sure: would like to talk about it"}
        return [
            ("What worked well", a.get("worked", "")),
            ("What did not work", a.get("not_worked", "")),
            ("Wants a focused review", focused.get(a.get("focused_review", ""), "Not answered")),
        ]
    label = contribution.draft.get_kind_display() if contribution.draft else "a draft"
    return [(f"Comment on the {label.lower()}", a.get("comment", ""))]


def letters_to_print(case):
    from leder.messaging.models import Channel, MessageStatus

    return Message.objects.filter(
        case=case, channel=Channel.LETTER, status=MessageStatus.TO_PRINT
    ).select_related("contact")


@dataclass(frozen=True)
class NotContacted:
    case: object
    allocated_on: str
    days: int
    is_own: bool
    reviewer_name: str


def families_not_contacted(user) -> list[NotContacted]:
    """Cases in review, allocated at least LEDER_FAMILY_CONTACT_DAYS ago, with no sign that the
    family was contacted: no invitation, no attempt to reach a family member or friend, and no
    statement that a conversation with the family is not possible. The user's own cases as
    reviewer, and every such case of the ICBs where they are a local area contact."""
    from datetime import timedelta

    from django.conf import settings
    from django.db.models import Exists, Max, OuterRef, Q

    from leder.accounts.models import Role
    from leder.accounts.rules import organisations_where
    from leder.casework.models import AllocationStatus, Case, CaseState
    from leder.core.time import now
    from leder.reviews.models import ContactAttempt, ContactKind, ContactStatement

    icbs = organisations_where(user, Role.LAC)
    who = Q(reviewer__user=user) | Q(notification__icb__in=icbs)
    cutoff = now() - timedelta(days=settings.LEDER_FAMILY_CONTACT_DAYS)
    family = (ContactKind.FAMILY, ContactKind.FRIEND)
    cases = (
        Case.objects.filter(who, state__in=(CaseState.ALLOCATED, CaseState.INITIAL_REVIEW))
        .annotate(
            allocated_at=Max(
                "allocations__allocated_at",
                filter=Q(
                    allocations__status__in=(AllocationStatus.OFFERED, AllocationStatus.ACCEPTED)
                ),
            )
        )
        .filter(allocated_at__lte=cutoff)
        .annotate(
            invited=Exists(FamilyInvitation.objects.filter(case=OuterRef("pk"))),
            attempted=Exists(
                ContactAttempt.objects.filter(
                    contact__review__case=OuterRef("pk"), contact__kind__in=family
                )
            ),
            not_possible=Exists(
                ContactStatement.objects.filter(review__case=OuterRef("pk")).exclude(
                    family_not_possible_reason=""
                )
            ),
        )
        .filter(invited=False, attempted=False, not_possible=False)
        .select_related("notification", "reviewer__user")
        .order_by("allocated_at")
    )
    rows = []
    for case in cases:
        rows.append(
            NotContacted(
                case=case,
                allocated_on=presenters.date_long(case.allocated_at),
                days=(now() - case.allocated_at).days,
                is_own=case.is_reviewer(user),
                reviewer_name=case.reviewer.user.full_name if case.reviewer else "none",
            )
        )
    return rows


def initial_review_of(case):
    """The initial review of `case` a family member reached through their own link (the link's
    case, never another), or None before it exists."""
    from leder.reviews.models import Review

    return Review.objects.filter(case=case, kind="initial").first()


def invitable_contacts(review) -> list:
    """The review's contacts a reviewer may invite (family members and friends)."""
    from leder.families.services import INVITABLE_KINDS
    from leder.reviews.models import Contact

    return list(Contact.objects.filter(review=review, kind__in=INVITABLE_KINDS))


def reviews_of(case) -> list:
    """The reviews of `case` (initial, and focused when there is one), with their sections."""
    from leder.reviews.models import Review

    return list(Review.objects.filter(case=case).prefetch_related("sections").order_by("pk"))


def family_learning(reviews) -> list[tuple[str, str]]:
    """(kind, text) of the learning the family reads: good practice and areas for improvement
    (concerns go to the panel, which turns them into actions the family reads as changes)."""
    from leder.reviews.models import LearningItem

    return list(
        LearningItem.objects.filter(review__in=reviews, kind__in=("good_practice", "improvement"))
        .order_by("review_id", "created_at", "pk")
        .values_list("kind", "text")
    )


def agreed_actions(reviews) -> list:
    """The actions agreed from `reviews` that still stand (not cancelled), earliest due first."""
    from leder.governance.models import Action, ActionStatus

    return list(
        Action.objects.filter(reviews__in=reviews)
        .exclude(status=ActionStatus.CANCELLED)
        .select_related("owner_organisation")
        .order_by("due_on", "reference")
        .distinct()
    )


def copy_sendings(case) -> list:
    """How and when the family copy was sent: each GOV.UK Notify message telling a family member
    it is ready, and each copy recorded as sent another way, newest first."""
    from leder.families.models import CopySent

    notices = list(
        Message.objects.filter(case=case, kind="family_copy_ready")
        .select_related("contact")
        .order_by("-created_at")
    )
    others = list(CopySent.objects.filter(case=case).select_related("recorded_by"))
    return sorted(
        [SentRow.of_message(m) for m in notices] + [SentRow.of_record(r) for r in others],
        key=lambda row: row.when_sort,
        reverse=True,
    )


@dataclass(frozen=True)
class SentRow:
    to: str
    how: str
    when: str
    status: str
    easy_read: bool
    when_sort: object

    @classmethod
    def of_message(cls, message) -> "SentRow":
        when = message.status_at or message.created_at
        return cls(
            to=message.contact.name if message.contact else "A family member",
            how=f"A note that it is ready, by {message.get_channel_display().lower()} "
            "(GOV.UK Notify), with their own link",
            when=presenters.datetime_long(when),
            status=message.get_status_display(),
            easy_read=message.easy_read,
            when_sort=when,
        )

    @classmethod
    def of_record(cls, record) -> "SentRow":
        from datetime import datetime, time

        from django.utils import timezone

        return cls(
            to=record.sent_to,
            how=record.get_way_display()
            + (f" ({record.note})" if record.note else "")
            + f", recorded by {record.recorded_by.get_full_name() or record.recorded_by}",
            when=presenters.date_long(record.sent_on),
            status="Sent",
            easy_read=record.easy_read,
            when_sort=timezone.make_aware(datetime.combine(record.sent_on, time(12))),
        )
