"""Sending the service's plain-text e-mails: rendered from a template, from the service's address.

Every template may say the service's name (`service_name`); the callers give the rest of what it
says. E-mail is not a safe place for who a person was: templates name cases by reference only.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


def send_text_email(*, subject: str, template: str, context: dict, to: Iterable[str]) -> None:
    """Render `template` with `context` (and `service_name`) and send it to the addresses `to`."""
    send_mail(
        subject=subject,
        message=render_to_string(
            template, {"service_name": settings.LEDER_SERVICE_NAME, **context}
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=list(to),
    )
