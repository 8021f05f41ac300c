"""Which way a message goes to a contact: their preferred way where the message can go that way,
else the nearest way that can reach them (ADR 0182). A pure function of the contact's details."""

from dataclasses import dataclass

from django.conf import settings

from leder.core.validators import address_lines
from leder.messaging.models import Channel


@dataclass(frozen=True)
class Route:
    channel: str
    to: str = ""
    via_advocate: bool = False
    why: str = ""


def notify_configured() -> bool:
    return bool(settings.LEDER_NOTIFY_API_KEY)


def _has_address(contact) -> bool:
    return bool(address_lines(contact.address or "")) and bool(contact.postcode)


def _is_mobile(number: str) -> bool:
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    return digits.startswith("07") or digits.startswith("447")


def route(contact, channels: tuple[str, ...], *, sms_possible: bool | None = None) -> Route | None:
    """How to send a message that can go by any of `channels` to `contact`, or None when the
    contact cannot be reached by any of them. Preferences: e-mail, text message and letter are
    honoured when the message can go that way and the detail is known; "through their advocate"
    sends an e-mail to the advocate; "phone call" (a person calls, the service cannot) and no
    preference send an e-mail where there is an address, else a letter."""
    if sms_possible is None:
        sms_possible = notify_configured()
    can_email = Channel.EMAIL in channels
    can_sms = Channel.SMS in channels and sms_possible
    can_letter = Channel.LETTER in channels and _has_address(contact)
    preference = contact.preferred_contact
    if preference == "advocate" and can_email and contact.advocate_email:
        return Route(Channel.EMAIL, contact.advocate_email, True, "through their advocate")
    if preference == "letter" and can_letter:
        return Route(Channel.LETTER, why="they prefer letters")
    if preference == "text" and can_sms and _is_mobile(contact.telephone):
        return Route(Channel.SMS, contact.telephone, why="they prefer text messages")
    if preference == "email" and can_email and contact.email:
        return Route(Channel.EMAIL, contact.email, why="they prefer email")
    if can_email and contact.email:
        return Route(Channel.EMAIL, contact.email, why="their email address is known")
    if can_letter:
        return Route(Channel.LETTER, why="their postal address is known")
    if can_sms and _is_mobile(contact.telephone):
        return Route(Channel.SMS, contact.telephone, why="their mobile number is known")
    return None


def language_help(contact) -> str:
    """A sentence for every message to someone who reads another language or needs an
    interpreter, or empty. Notify templates show it as ((language_help))."""
    if contact is None:
        return ""
    if contact.needs_interpreter and contact.language:
        return (
            f"If you would like an interpreter ({contact.language}), tell us and we will "
            "arrange one for any conversation, free of charge."
        )
    if contact.language:
        return f"If you would like this in {contact.language}, tell us and we will send it."
    return ""
