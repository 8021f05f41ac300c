"""The kinds of message the service sends: one Notify template per kind and channel.

An app registers each kind it sends (`register(Kind(...))`, in its `messages.py`, imported by
`leder.messaging` on first use). A kind's `build(message)` returns its `Content`: the
personalisation Notify's template is filled with, and the same words rendered locally for SMTP,
the console and letters. `build` runs in the sending task, so a link's token is made there and
nowhere else (ADR 0181).

Template ids come from settings (`LEDER_NOTIFY_TEMPLATE_IDS`, `<kind>.<channel>=<uuid>`, with
`<kind>.<channel>.easy_read` for an easy-read version). Letters need no template id: they are
sent as precompiled PDFs. Subjects carry the case reference only, never a person's name.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import autodiscover_modules

from leder.messaging.models import Channel, Message


@dataclass(frozen=True)
class Content:
    # Everything the Notify template's ((placeholders)) need; the local templates read it too.
    personalisation: dict[str, str]
    # Letters only: the lines of the address, name first, postcode last.
    address_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    key: str
    description: str
    # Local renderings: `messaging/<key>/email.txt`, `sms.txt`, `letter.jinja`, and
    # `*_easy_read.*` where the kind has an easy-read version.
    channels: tuple[str, ...]
    placeholders: tuple[str, ...]
    build: Callable[[Message], Content]
    has_easy_read: bool = False
    # What an e-mail's subject says: a format string over the personalisation.
    subject: str = "LeDeR review ((reference))"
    # Kinds whose failure should not be followed by a letter (a sign-in code is no use late).
    letter_fallback: bool = True
    extra: dict = field(default_factory=dict)

    def subject_for(self, personalisation: dict) -> str:
        text = self.subject
        for key, value in personalisation.items():
            text = text.replace(f"(({key}))", str(value))
        return text


_REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if "((name" in kind.subject or "((person" in kind.subject:
        raise ValueError("A message subject names the review by its reference only")
    existing = _REGISTRY.get(kind.key)
    if existing and existing is not kind and existing.build is not kind.build:
        raise ValueError(f"Two message kinds are named {kind.key!r}")
    _REGISTRY[kind.key] = kind
    return kind


def kinds() -> dict[str, Kind]:
    autodiscover_modules("messages")
    return dict(_REGISTRY)


def get(key: str) -> Kind:
    found = kinds().get(key)
    if found is None:
        raise LookupError(f"No message kind {key!r}")
    return found


def template_key(kind: str, channel: str, *, easy_read: bool = False) -> str:
    return f"{kind}.{channel}" + (".easy_read" if easy_read else "")


def template_id(kind: Kind, channel: str, *, easy_read: bool = False) -> str:
    """The Notify template for this kind and channel (the easy-read one when asked for and set,
    else the ordinary one). Raises LookupError when none is set: a misconfiguration, which the
    `check_notify_templates` check reports at start-up."""
    ids = settings.LEDER_NOTIFY_TEMPLATE_IDS
    if easy_read and kind.has_easy_read:
        found = ids.get(template_key(kind.key, channel, easy_read=True))
        if found:
            return found
    found = ids.get(template_key(kind.key, channel))
    if not found:
        raise LookupError(f"No Notify template id for {template_key(kind.key, channel)}")
    return found


def required_templates() -> list[str]:
    """Every template key Notify needs (letters are precompiled and need none)."""
    keys = []
    for kind in kinds().values():
        for channel in kind.channels:
            if channel == Channel.LETTER:
                continue
            keys.append(template_key(kind.key, channel))
    return sorted(keys)
