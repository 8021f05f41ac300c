"""A family's own way into the review: invitations, the second factor, what the family adds,
and the drafts the reviewer shares (ADR 0183).

The link is `/family/<token>`: 32 random bytes of which only a SHA-256 is kept, made by the task
that sends the invitation (`invitation_token_issue`, called from the message's builder), so the
token is never a task argument and never in the database. Opening the link needs a second
factor as well: a six-digit code sent to the family member's own e-mail or mobile, or the date
of birth of the person who died. Wrong answers are counted per invitation; too many lock the
link for a while (and are audited), so guessing is slow whoever forwarded the letter.

Everything a family member adds is a `FamilyContribution` of that invitation, audited with the
actor "family:<invitation id>" and never its content.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from leder.casework.models import CaseState
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now, today
from leder.families.models import (
    ContributionKind,
    CopySent,
    DraftKind,
    FamilyCode,
    FamilyContribution,
    FamilyFile,
    FamilyInvitation,
    SecondFactor,
    SharedDraft,
)
from leder.messaging.models import Channel
from leder.messaging.routing import notify_configured, route
from leder.messaging.services import CannotReach, message_queue
from leder.reviews.models import Contact, ContactKind

TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
CODE_DIGITS = 6
# At most this many codes an hour for one invitation.
CODES_PER_HOUR = 5
# Family and friends may be invited; professionals have other ways in.
INVITABLE_KINDS = (ContactKind.FAMILY, ContactKind.FRIEND)
# The family can add to the review while it is being written.
OPEN_FOR_CONTRIBUTIONS = (
    CaseState.ALLOCATED,
    CaseState.INITIAL_REVIEW,
    CaseState.QUALITY_ASSURANCE,
    CaseState.FOCUSED_REVIEW,
    CaseState.PANEL,
    CaseState.ON_HOLD,
)
# A family member's session on their pages lasts this long after the second factor.
SESSION_HOURS = 2


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def family_actor(invitation: FamilyInvitation) -> str:
    return f"family:{invitation.pk}"


# --- invitations ------------------------------------------------------------------------------


def _check_reviewer(actor, case) -> None:
    if not case.is_reviewer(actor):
        raise PermissionDenied("Only the case's reviewer can invite or withdraw")
    if case.state not in OPEN_FOR_CONTRIBUTIONS:
        raise ValidationError("The review is not being written now, so no one can be invited")


def code_route(contact: Contact):
    """Where a sign-in code would go: their mobile if they prefer text messages and Notify is
    configured, else their e-mail address, else their mobile."""
    return route(contact, (Channel.EMAIL, Channel.SMS)) if contact else None


@transaction.atomic
def invitation_create(*, actor, contact: Contact, second_factor: str) -> FamilyInvitation:
    case = contact.review.case
    _check_reviewer(actor, case)
    if contact.kind not in INVITABLE_KINDS:
        raise ValidationError({"contact": "Only family members and friends can be invited"})
    if second_factor not in SecondFactor.values:
        raise ValidationError({"second_factor": "Select how they will prove it is them"})
    if second_factor == SecondFactor.CODE and code_route(contact) is None:
        raise ValidationError(
            {
                "second_factor": f"{contact.name} has no email address"
                + (" or mobile number" if notify_configured() else "")
                + " to send a code to: use the date of birth, or add their email address"
            }
        )
    if route(contact, (Channel.EMAIL, Channel.LETTER)) is None:
        raise ValidationError(
            {"contact": f"{contact.name} has no email address or postal address to send a link to"}
        )
    at = now()
    FamilyInvitation.objects.filter(
        contact=contact, withdrawn_at__isnull=True, expires_at__gt=at
    ).update(withdrawn_at=at, withdrawn_by=actor)
    invitation = FamilyInvitation.objects.create(
        case=case,
        contact=contact,
        second_factor=second_factor,
        created_at=at,
        created_by=actor,
        expires_at=at + timedelta(days=settings.LEDER_FAMILY_LINK_DAYS),
    )
    try:
        message = message_queue(
            kind="family_invitation",
            subject_id=invitation.pk,
            contact=contact,
            case=case,
            actor=actor,
            channels=(Channel.EMAIL, Channel.LETTER),
        )
    except CannotReach as error:
        raise ValidationError({"contact": str(error)}) from error
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=invitation,
        summary=f"Invited {contact.get_kind_display().lower()} to contribute to {case.reference}",
        details={
            "contact_id": contact.pk,
            "second_factor": second_factor,
            "channel": message.channel,
            "expires_at": invitation.expires_at,
        },
    )
    return invitation


@transaction.atomic
def invitation_withdraw(*, actor, invitation: FamilyInvitation) -> FamilyInvitation:
    if not invitation.case.is_reviewer(actor):
        raise PermissionDenied("Only the case's reviewer can withdraw an invitation")
    if invitation.withdrawn_at:
        return invitation
    invitation.withdrawn_at, invitation.withdrawn_by = now(), actor
    invitation.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=invitation,
        summary=f"Withdrew a family member's link for {invitation.case.reference}",
    )
    return invitation


def invitation_token_issue(invitation: FamilyInvitation) -> str | None:
    """A new token for the invitation (the previous one stops working), or None if the
    invitation was withdrawn or has expired meanwhile. Called only by the sending task."""
    if invitation.withdrawn_at or invitation.expires_at <= now():
        return None
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if not FamilyInvitation.objects.filter(token_hash=_hash(token)).exists():
            break
    FamilyInvitation.objects.filter(pk=invitation.pk).update(token_hash=_hash(token))
    invitation.token_hash = _hash(token)
    return token


# --- opening the link -------------------------------------------------------------------------


class LinkProblem:
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    LOCKED = "locked"


@dataclass(frozen=True)
class FamilyLink:
    invitation: FamilyInvitation | None
    problem: str | None = None

    @property
    def usable(self) -> bool:
        return self.problem is None


def link_resolve(token: str) -> FamilyLink:
    """The invitation `token` opens, or why it opens none."""
    if not TOKEN_PATTERN.match(token or ""):
        return FamilyLink(None, LinkProblem.UNKNOWN)
    invitation = (
        FamilyInvitation.objects.select_related(
            "contact__review", "case__notification__icb", "case__reviewer__user"
        )
        .filter(token_hash=_hash(token))
        .first()
    )
    if invitation is None:
        return FamilyLink(None, LinkProblem.UNKNOWN)
    if invitation.withdrawn_at:
        return FamilyLink(invitation, LinkProblem.WITHDRAWN)
    if invitation.expires_at <= now():
        return FamilyLink(invitation, LinkProblem.EXPIRED)
    if invitation.locked_until and invitation.locked_until > now():
        return FamilyLink(invitation, LinkProblem.LOCKED)
    return FamilyLink(invitation)


class Locked(Exception):
    """Too many wrong answers: the link is locked until `until`."""

    def __init__(self, until):
        super().__init__(f"Locked until {until}")
        self.until = until


@transaction.atomic
def code_send(*, invitation: FamilyInvitation, ip_address: str | None = None):
    """Queue a sign-in code to the family member (made in the sending task). Refused
    (ValidationError) after CODES_PER_HOUR codes in an hour."""
    invitation = FamilyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.second_factor != SecondFactor.CODE:
        raise PermissionDenied("This link is opened with a date of birth")
    recent = invitation.codes.filter(created_at__gt=now() - timedelta(hours=1)).count()
    if recent >= CODES_PER_HOUR:
        raise ValidationError("We have sent several codes in the last hour. Try again later")
    chosen = code_route(invitation.contact)
    if chosen is None:
        raise ValidationError("There is nowhere to send a code. Contact the LeDeR team")
    # The row is made now (so the hourly limit counts queued codes); the code itself is made
    # and hashed by the sending task.
    code = FamilyCode.objects.create(
        invitation=invitation,
        code_hash="",
        created_at=now(),
        expires_at=now() + timedelta(minutes=settings.LEDER_FAMILY_CODE_MINUTES),
    )
    message_queue(
        kind="family_code",
        subject_id=code.pk,
        contact=invitation.contact,
        case=invitation.case,
        actor=family_actor(invitation),
        to_route=chosen,
    )
    return chosen


def code_issue(code: FamilyCode) -> str | None:
    """Make the code for a queued `FamilyCode` and keep its hash. Called by the sending task."""
    if code.used_at or code.expires_at <= now() or code.code_hash:
        return None
    value = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    FamilyCode.objects.filter(pk=code.pk).update(code_hash=_hash(f"{code.invitation_id}:{value}"))
    return value


def _failed(invitation: FamilyInvitation, ip_address, what: str) -> None:
    invitation.failed_attempts += 1
    locked = invitation.failed_attempts >= settings.LEDER_FAMILY_FACTOR_ATTEMPTS
    if locked:
        invitation.locked_until = now() + timedelta(minutes=settings.LEDER_FAMILY_LOCKOUT_MINUTES)
        invitation.failed_attempts = 0
    invitation.save(update_fields=["failed_attempts", "locked_until"])
    audit.record(
        actor=family_actor(invitation),
        action=AuditAction.SIGN_IN_FAILED,
        obj=invitation,
        summary=f"Wrong {what} on a family member's link" + (": locked" if locked else ""),
        ip_address=ip_address,
    )


def factor_check(
    *,
    invitation: FamilyInvitation,
    code: str = "",
    date_of_birth: date | None = None,
    ip_address: str | None = None,
) -> bool:
    """Whether the second factor is right. A wrong one is counted (and locks the link after
    LEDER_FAMILY_FACTOR_ATTEMPTS); a right one opens it. Raises Locked while locked. The count
    commits even though the answer is refused."""
    with transaction.atomic():
        invitation = (
            FamilyInvitation.objects.select_for_update(of=("self",))
            .select_related("case__notification")
            .get(pk=invitation.pk)
        )
        at = now()
        if invitation.locked_until and invitation.locked_until > at:
            raise Locked(invitation.locked_until)
        if invitation.second_factor == SecondFactor.DATE_OF_BIRTH:
            ok = date_of_birth is not None and (
                date_of_birth == invitation.case.notification.date_of_birth
            )
            what = "date of birth"
        else:
            digits = re.sub(r"\s", "", code or "")
            expected = _hash(f"{invitation.pk}:{digits}")
            found = (
                invitation.codes.filter(used_at__isnull=True, expires_at__gt=at)
                .exclude(code_hash="")
                .all()
            )
            match = next((c for c in found if hmac.compare_digest(c.code_hash, expected)), None)
            ok = match is not None
            if ok:
                FamilyCode.objects.filter(pk=match.pk).update(used_at=at)
            what = "code"
        if not ok:
            _failed(invitation, ip_address, what)
            return False
        invitation.failed_attempts = 0
        invitation.first_opened_at = invitation.first_opened_at or at
        invitation.last_opened_at = at
        invitation.save(update_fields=["failed_attempts", "first_opened_at", "last_opened_at"])
        audit.record(
            actor=family_actor(invitation),
            action=AuditAction.SIGN_IN,
            obj=invitation,
            summary=f"A family member opened their link for {invitation.case.reference}",
            ip_address=ip_address,
        )
        return True


# --- what the family adds ---------------------------------------------------------------------


def _check_open(invitation: FamilyInvitation) -> None:
    current = FamilyInvitation.objects.select_related("case").get(pk=invitation.pk)
    if current.withdrawn_at or current.expires_at <= now():
        raise PermissionDenied("This link no longer works")
    if current.case.state not in OPEN_FOR_CONTRIBUTIONS:
        raise ValidationError("The review has finished, so nothing more can be added to it")


def contribution_add(
    *,
    invitation: FamilyInvitation,
    kind: str,
    answers: dict,
    draft: SharedDraft | None = None,
    uploads=(),
    ip_address: str | None = None,
) -> FamilyContribution:
    """Add what a family member wrote (and any files, checked and scanned like uploaded
    records) to the review as their contribution. Audited, without its content."""
    from leder.reviews.services import uploads as upload_checks

    if kind not in ContributionKind.values:
        raise ValidationError("Unknown kind of contribution")
    if kind == ContributionKind.COMMENT and (draft is None or draft.case_id != invitation.case_id):
        raise PermissionDenied("No such draft")
    text = {k: (v or "").strip() if isinstance(v, str) else v for k, v in answers.items()}
    if not any(v for v in text.values()) and not uploads:
        raise ValidationError("Write something, or add a file, before sending")
    _check_open(invitation)
    kinds = [upload_checks.check_upload(upload) for upload in uploads]
    written = []
    try:
        for upload in uploads:
            path, sha256, size = upload_checks._write_private(upload)
            written.append((upload, path, sha256, size))
            try:
                status = upload_checks.scan(path)
            except upload_checks.Infected:
                raise upload_checks.UploadRefused(
                    "The selected file contains a virus. It has been deleted and not stored"
                ) from None
            except upload_checks.ScanFailed:
                raise upload_checks.UploadRefused(
                    "The selected file could not be checked for viruses. Try again later"
                ) from None
            written[-1] = (*written[-1], status)
        with transaction.atomic():
            contribution = FamilyContribution.objects.create(
                invitation=invitation, kind=kind, answers=text, draft=draft, created_at=now()
            )
            for (upload, path, sha256, size, status), file_kind in zip(written, kinds, strict=True):
                FamilyFile.objects.create(
                    contribution=contribution,
                    original_name=upload_checks.safe_original_name(upload.name),
                    stored_name=path.name,
                    size=size,
                    content_type=file_kind.content_type,
                    sha256=sha256,
                    scan_status=status,
                    uploaded_at=now(),
                )
            audit.record(
                actor=family_actor(invitation),
                action=AuditAction.CREATE,
                obj=contribution,
                summary=f"A family member added {contribution.get_kind_display().lower()} "
                f"to {invitation.case.reference}",
                details={
                    "invitation_id": invitation.pk,
                    "contact_id": invitation.contact_id,
                    "kind": kind,
                    "draft_id": draft.pk if draft else None,
                    "files": len(written),
                },
                ip_address=ip_address,
            )
    except BaseException:
        for item in written:
            item[1].unlink(missing_ok=True)
        raise
    return contribution


# --- the reviewer's side ----------------------------------------------------------------------


@transaction.atomic
def draft_share(*, actor, case, kind: str, content: list[list[str]]) -> SharedDraft:
    """Share a draft (frozen as it is now) with every family member whose link works, and tell
    them by their preferred way (without a link: they use the one they have)."""
    if not case.is_reviewer(actor):
        raise PermissionDenied("Only the case's reviewer can share a draft")
    if kind not in DraftKind.values:
        raise ValidationError("Unknown kind of draft")
    if not any(text for _, text in content):
        raise ValidationError(f"The {DraftKind(kind).label.lower()} has nothing in it yet")
    draft = SharedDraft.objects.create(
        case=case, kind=kind, content=content, shared_at=now(), shared_by=actor
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=draft,
        summary=f"Shared the {draft.get_kind_display().lower()} of {case.reference} "
        "with the family",
    )
    for invitation in active_invitations(case):
        try:
            message_queue(
                kind="family_update",
                subject_id=draft.pk,
                contact=invitation.contact,
                case=case,
                actor=actor,
            )
        except CannotReach:
            continue
    return draft


def active_invitations(case):
    return FamilyInvitation.objects.filter(
        case=case, withdrawn_at__isnull=True, expires_at__gt=now(), token_hash__isnull=False
    ).select_related("contact")


@transaction.atomic
def family_copy_announce(*, actor, case) -> int:
    """Tell every family member with a working link that the family copy is ready."""
    if not case.is_reviewer(actor):
        raise PermissionDenied("Only the case's reviewer can tell the family")
    if case.state != CaseState.COMPLETED:
        raise ValidationError("The family copy is ready only when the review is signed off")
    sent = 0
    for invitation in active_invitations(case):
        try:
            message_queue(
                kind="family_copy_ready",
                subject_id=invitation.pk,
                contact=invitation.contact,
                case=case,
                actor=actor,
            )
        except CannotReach:
            continue
        sent += 1
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        summary=f"Told the family that the family copy of {case.reference} is ready",
        details={"messages": sent},
    )
    return sent


@transaction.atomic
def copy_sent_record(
    *, actor, case, sent_to: str, way: str, sent_on: date, easy_read: bool, note: str = ""
) -> CopySent:
    """Record that the family copy of `case` was sent another way than through a family
    member's own link (posted, handed over, ...). Only the case's reviewer and its ICB's local
    area contacts record it; only once the review is signed off; never on a future date."""
    from leder.accounts.models import Role
    from leder.accounts.rules import has_any_role

    if not (
        case.is_reviewer(actor) or has_any_role(actor, Role.LAC, organisation=case.notification.icb)
    ):
        raise PermissionDenied("Only the case's reviewer or a local area contact can record this")
    if case.state != CaseState.COMPLETED:
        raise ValidationError("The family copy can be sent only when the review is signed off")
    if sent_on > today():
        raise ValidationError({"sent_on": "The date it was sent must be today or in the past"})
    record = CopySent.objects.create(
        case=case,
        sent_to=sent_to.strip(),
        way=way,
        sent_on=sent_on,
        easy_read=easy_read,
        note=note.strip(),
        recorded_by=actor,
        recorded_at=now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=record,
        summary=f"Recorded the family copy of {case.reference} as sent "
        f"({record.get_way_display().lower()})",
        details={"way": way, "sent_on": sent_on.isoformat(), "easy_read": easy_read},
    )
    return record


@transaction.atomic
def contributions_seen(*, actor, case) -> int:
    if not case.is_reviewer(actor):
        return 0
    return FamilyContribution.objects.filter(invitation__case=case, seen_at__isnull=True).update(
        seen_at=now()
    )
