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


@periodic(
    name="hold-reminders",
    daily_at=time(7, 30),
    description="E-mail LACs when a review is still on hold after its process was expected to "
    "end (again every 4 weeks while it stays on hold)",
)
def hold_reminders() -> dict:
    from leder.casework.services.hold_reminders import hold_reminders_send

    return hold_reminders_send().summary()
