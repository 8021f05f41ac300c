"""Background work for notifications, run by the task worker (`manage.py db_worker`)."""

from django.tasks import task

from leder.core.email import send_text_email
from leder.core.jobs import when_lost
from leder.notifications.eligibility import explanation_for


@task
def send_acknowledgement(*, notification_id: int) -> None:
    """E-mail the notifier their reference and what happens next. Sent to the first notifier
    only: a merged duplicate's notifier had their own acknowledgement when they notified."""
    from leder.notifications.models import Notification

    notification = Notification.objects.get(pk=notification_id)
    source = notification.sources.order_by("received_at").first()
    if source is None or not source.email:
        return
    context = {
        "reference": notification.reference,
        "notifier_name": source.name,
        "explanation": explanation_for(notification.eligibility_reason),
    }
    send_text_email(
        subject=f"We have received your notification: {notification.reference}",
        template="notifications/email/acknowledgement.txt",
        context=context,
        to=[source.email],
    )


# Sent again once if its worker died (at worst the notifier gets the same e-mail twice).
when_lost(
    send_acknowledgement,
    subject=lambda kw: f"Acknowledgement e-mail {kw.get('notification_id')}",
    requeue=True,
)
