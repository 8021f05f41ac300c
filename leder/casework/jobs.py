"""Periodic jobs of casework, run by the scheduler (`manage.py scheduler`)."""

from datetime import time

from leder.core.schedule import periodic


@periodic(
    name="deadline-reminders",
    daily_at=time(7, 15),
    description="E-mail reviewers, LACs and regional coordinators about reviews due soon, "
    "overdue and long overdue (each reminder once)",
)
def deadline_reminders() -> dict:
    from leder.casework.services.reminders import deadline_reminders_send

    return deadline_reminders_send().summary()
