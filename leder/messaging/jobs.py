"""Periodic work for messages: ask GOV.UK Notify for the status of messages still on their way,
for installations whose delivery-status callback is not set up (or missed a receipt)."""

from datetime import timedelta

from leder.core.schedule import periodic
from leder.messaging.services import statuses_refresh


@periodic(
    name="notify-statuses",
    every=timedelta(minutes=30),
    description="Ask GOV.UK Notify for the delivery status of messages still on their way",
)
def notify_statuses() -> dict:
    return statuses_refresh()
