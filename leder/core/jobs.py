"""The core app's periodic jobs (run by the scheduler, `leder.core.schedule`)."""

from datetime import timedelta

from django.conf import settings

from leder.core.audit_checkpoints import write_checkpoint
from leder.core.schedule import periodic


@periodic(
    name="audit-checkpoint",
    every=timedelta(minutes=getattr(settings, "AUDIT_CHECKPOINT_MINUTES", 60)),
    description="Write a signed checkpoint of the audit log's head outside the database",
)
def audit_checkpoint() -> dict:
    checkpoint = write_checkpoint()
    return {"checkpointed_row": checkpoint.sequence if checkpoint else 0}
