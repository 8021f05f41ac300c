"""The messages a family member is sent (registered with `leder.messaging`). None names the
person who died: e-mail and text messages are not safe places for that, and a letter may be
opened by someone else. The family's pages show it once the second factor is passed."""

from django.conf import settings
from django.urls import reverse

from leder.core import presenters
from leder.messaging.kinds import Content, Kind, register
from leder.messaging.models import Channel


def _base() -> str:
    return (settings.LEDER_BASE_URL or "").rstrip("/")


def _address(contact) -> tuple[str, ...]:
    return tuple(contact.postal_address_lines) if contact else ()


def _team(case) -> dict:
    from leder.organisations.presenters import icb_contact

    contact = icb_contact(case.notification.icb)
    values = contact.personalisation()
    values["team_lines"] = contact.text()
    return values


def _factor_hint(invitation) -> str:
    from leder.families.models import SecondFactor

    if invitation.second_factor == SecondFactor.DATE_OF_BIRTH:
        return (
            "When you open the link, we will ask for the date of birth of the person who died, "
            "to check it is you."
        )
    return (
        "When you open the link, we will send you a code by email or text message, to check "
        "it is you."
    )


def _invitation(message):
    """The invitation `message` is about, or None if it is gone."""
    from leder.families.models import FamilyInvitation

    return (
        FamilyInvitation.objects.select_related("case__notification__icb", "contact")
        .filter(pk=message.subject_id)
        .first()
    )


def _news(*, case, contact, what: str) -> Content:
    """A note that there is something new for the family to read (`what`), with the team."""
    return Content(
        personalisation={
            "reference": case.reference,
            "recipient_name": contact.name if contact else "",
            "what": what,
            **_team(case),
        },
        address_lines=_address(contact),
    )


def build_invitation(message) -> Content | None:
    from leder.families.services import invitation_token_issue

    invitation = _invitation(message)
    if invitation is None:
        return None
    token = invitation_token_issue(invitation)
    if token is None:
        return None
    link = _base() + reverse("families:start", kwargs={"token": token})
    return Content(
        personalisation={
            "reference": invitation.case.reference,
            "recipient_name": invitation.contact.name,
            "link": link,
            "expires": presenters.date_long(invitation.expires_at),
            "factor_hint": _factor_hint(invitation),
            **_team(invitation.case),
        },
        address_lines=_address(invitation.contact),
    )


def build_code(message) -> Content | None:
    from leder.families.models import FamilyCode
    from leder.families.services import code_issue

    code = (
        FamilyCode.objects.select_related("invitation__case").filter(pk=message.subject_id).first()
    )
    if code is None:
        return None
    value = code_issue(code)
    if value is None:
        return None
    return Content(
        personalisation={
            "reference": code.invitation.case.reference,
            "code": value,
            "minutes": str(settings.LEDER_FAMILY_CODE_MINUTES),
        }
    )


def build_update(message) -> Content | None:
    from leder.families.models import SharedDraft

    draft = (
        SharedDraft.objects.select_related("case__notification__icb")
        .filter(pk=message.subject_id)
        .first()
    )
    if draft is None:
        return None
    return _news(
        case=draft.case, contact=message.contact, what=f"the {draft.get_kind_display().lower()}"
    )


def build_copy_ready(message) -> Content | None:
    invitation = _invitation(message)
    if invitation is None:
        return None
    return _news(
        case=invitation.case, contact=invitation.contact, what="the family copy of the review"
    )


TEAM = ("icb_name", "leder_contact", "team_lines")

register(
    Kind(
        key="family_invitation",
        description="family member's invitation to take part",
        channels=(Channel.EMAIL, Channel.LETTER),
        placeholders=("reference", "recipient_name", "link", "expires", "factor_hint", *TEAM),
        build=build_invitation,
        has_easy_read=True,
        subject="LeDeR review ((reference)): you are invited to take part",
    )
)
register(
    Kind(
        key="family_code",
        description="family member's sign-in code",
        channels=(Channel.EMAIL, Channel.SMS),
        placeholders=("reference", "code", "minutes"),
        build=build_code,
        subject="LeDeR review ((reference)): your code",
        letter_fallback=False,
    )
)
register(
    Kind(
        key="family_update",
        description="note that a draft was shared with the family",
        channels=(Channel.EMAIL, Channel.SMS, Channel.LETTER),
        placeholders=("reference", "recipient_name", "what", *TEAM),
        build=build_update,
        subject="LeDeR review ((reference)): something new for you to read",
    )
)
register(
    Kind(
        key="family_copy_ready",
        description="note that the family copy is ready",
        channels=(Channel.EMAIL, Channel.SMS, Channel.LETTER),
        placeholders=("reference", "recipient_name", "what", *TEAM),
        build=build_copy_ready,
        subject="LeDeR review ((reference)): the review is finished",
    )
)
