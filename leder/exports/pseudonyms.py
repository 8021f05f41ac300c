"""Keyed pseudonyms: one per person per recipient.

A recipient's key is HMAC-SHA256(master key, "leder-recipient:" + the recipient's salt). The
master key is the `LEDER_PSEUDONYM_KEY` setting (from the environment or a `_FILE`; required, and
different from `SECRET_KEY`, in production: ADR 0110), never stored in the database; the salt is
random and stored on the recipient.
So someone holding a copy of the database cannot recompute pseudonyms from NHS numbers, and two
recipients' pseudonyms of the same person differ, so their files cannot be linked.

The pseudonym is HMAC-SHA256(recipient key, "nhs:" + NHS number), or of "ref:" + the
notification reference when no NHS number is recorded (a death without one is still one person;
the prefixes keep the two spaces apart). The same person therefore keeps the same pseudonym in
every export made for one recipient, which lets the recipient follow a record across years.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def master_key() -> bytes:
    key = getattr(settings, "LEDER_PSEUDONYM_KEY", None)
    if not key:
        raise ImproperlyConfigured("Set LEDER_PSEUDONYM_KEY: the dataset's pseudonyms need it.")
    return key.encode("utf-8")


def recipient_key(recipient) -> bytes:
    return hmac.new(
        master_key(), f"leder-recipient:{recipient.pseudonym_salt}".encode(), hashlib.sha256
    ).digest()


def pseudonym(key: bytes, *, nhs_number: str, reference: str) -> str:
    """64 hex characters standing for the person in one recipient's files."""
    digits = "".join(ch for ch in nhs_number or "" if ch.isdigit())
    subject = f"nhs:{digits}" if digits else f"ref:{reference}"
    return hmac.new(key, subject.encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonymiser(key: bytes):
    """`pseudonym` for many people with one key: the keyed hash is prepared once and copied for
    each person (the same values, without setting the key up again for every row)."""
    prepared = hmac.new(key, digestmod=hashlib.sha256)

    def one(nhs_number: str, reference: str) -> str:
        digits = "".join(ch for ch in nhs_number or "" if ch.isdigit())
        subject = f"nhs:{digits}" if digits else f"ref:{reference}"
        keyed = prepared.copy()
        keyed.update(subject.encode("utf-8"))
        return keyed.hexdigest()

    return one
