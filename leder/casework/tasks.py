"""Background work for casework, run by the task worker (`manage.py db_worker`)."""

from django.tasks import task

from leder.casework.services.reminders import deadline_reminders_send
from leder.core import presenters
from leder.core.email import send_text_email
from leder.core.jobs import when_lost


@task
def send_deadline_reminders() -> dict:
    """The same run as `manage.py send_deadline_reminders`, for installations that schedule work
    through the task worker (enqueue it once a day). Returns the run's counts."""
    return deadline_reminders_send().summary()


@task
def send_allocation_offer(*, allocation_id: int) -> None:
    """E-mail a reviewer that a case has been offered to them (enqueued by `case_allocate` and
    `case_reallocate` after commit). The e-mail names the case by its reference only: e-mail is
    not a safe place for who the person was."""
    from leder.casework.models import Allocation, AllocationStatus

    allocation = Allocation.objects.select_related("case__notification__icb", "reviewer__user").get(
        pk=allocation_id
    )
    if allocation.status != AllocationStatus.OFFERED or not allocation.reviewer.user.email:
        return
    case = allocation.case
    context = {
        "reviewer_name": allocation.reviewer.user.full_name,
        "reference": case.reference,
        "icb": case.notification.icb.display_name,
        "due": presenters.date_long(case.due_on),
    }
    send_text_email(
        subject=f"A review has been offered to you: {case.reference}",
        template="casework/allocation/offer_email.txt",
        context=context,
        to=[allocation.reviewer.user.email],
    )


@task
def send_transfer_notice(*, transfer_id: int, what: str) -> int:
    """E-mail the local area contacts of both ICBs that a transfer was asked, accepted or
    returned, and whoever asked for it (a regional coordinator is not one of those LACs). The
    reference only: e-mail is not a safe place for who the person was."""
    from leder.accounts import rules
    from leder.accounts.models import Role
    from leder.accounts.selectors import users_holding
    from leder.casework.models import Transfer

    transfer = Transfer.objects.select_related(
        "notification", "from_icb", "to_icb", "requested_by"
    ).get(pk=transfer_id)
    people = [
        user
        for icb in (transfer.from_icb, transfer.to_icb)
        for user in users_holding(role=Role.LAC, organisation=icb)
    ]
    people.append(transfer.requested_by)
    recipients = sorted(
        {user.email.strip().lower() for user in people if user.email and user.is_active}
    )
    if not recipients:
        return 0
    reference = transfer.notification.reference
    asker = transfer.from_icb.display_name
    if not rules.has_role(transfer.requested_by, Role.LAC, organisation=transfer.from_icb):
        asker = f"The regional coordinator {transfer.requested_by.full_name}"
    context = {
        "reference": reference,
        "what": what,
        "asker": asker,
        "from_icb": transfer.from_icb.display_name,
        "to_icb": transfer.to_icb.display_name,
        "reason": transfer.decision_reason if what == "returned" else transfer.reason,
    }
    send_text_email(
        subject=f"Transfer {what}: {reference}",
        template="casework/email/transfer.txt",
        context=context,
        to=recipients,
    )
    return len(recipients)


# E-mails are sent again once if their worker died (at worst the same e-mail twice).
when_lost(
    send_allocation_offer,
    subject=lambda kw: f"Allocation offer e-mail {kw.get('allocation_id')}",
    requeue=True,
)
