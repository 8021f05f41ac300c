"""SMART actions and the ICB's three-year action plan: every write, with its rules and audit.

Who may do what (decided here, asked through `leder.accounts.rules`):

- **agree** an action (create it, move its due date): the ICB's panel members and chair, and its
  local area contacts (who record what a panel agreed when nobody else does);
- **record progress** on it (a dated note, in progress, completed with evidence, cancelled with
  a reason): those, and the ICB's executive lead. The owner named on an action often has no
  account, so staff record updates on their behalf and each update says who recorded it;
- **reopen** a completed or cancelled action: the ICB's panel chair only, with a reason.
  Completed and cancelled are otherwise final: a finished action that could quietly become open
  again would make the completion figures mean nothing, and a reopening is a decision the panel
  answers for;
- **keep the plan** (create and edit the three-year plan and its priorities): the ICB's
  executive lead (who owns the plan), its panel chair and its local area contacts.

A role that can never do a thing gets `PermissionDenied`; a rule broken gets a
`ValidationError` whose messages are keyed by the argument they are about, in plain words, so
a form can show each beside its field. Every write is one `transaction.atomic()` with its audit
row; every change of an action also appends an `ActionUpdate`, never edited.

References are `ACT-YYYY-NNNN`, numbered across England per year (the reference is unique in
the database, and one sequence means a reference never needs the ICB to be unambiguous).
"""

from leder.governance.services.actions.plans import (
    action_plan_create,
    action_plan_priority_save,
    action_plan_update,
    plan_problems,
)
from leder.governance.services.actions.reminders import (
    REMINDER_ACTOR,
    ActionReminderRun,
    action_reminders_send,
    reminder_kind,
)
from leder.governance.services.actions.smart import (
    AGREERS,
    PLAN_KEEPERS,
    REOPENERS,
    UPDATERS,
    action_create,
    action_due_date_change,
    action_priority_change,
    action_update,
    can_agree_actions,
    can_keep_plans,
    can_reopen_actions,
    can_update_actions,
    smart_problems,
)

__all__ = [
    "AGREERS",
    "PLAN_KEEPERS",
    "REMINDER_ACTOR",
    "REOPENERS",
    "UPDATERS",
    "ActionReminderRun",
    "action_create",
    "action_due_date_change",
    "action_plan_create",
    "action_plan_priority_save",
    "action_plan_update",
    "action_priority_change",
    "action_reminders_send",
    "action_update",
    "can_agree_actions",
    "can_keep_plans",
    "can_reopen_actions",
    "can_update_actions",
    "plan_problems",
    "reminder_kind",
    "smart_problems",
]
