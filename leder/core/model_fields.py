"""Model fields that many apps declare alike, said once.

`actor_field()`: the user who did something to a row (created it, recorded it, signed it off).
A row keeps the reference while it exists (`PROTECT`: a user who acted is never deleted, only
made inactive) and the user has no way back to the rows (`related_name="+"`), since the audit
log, not the user, is where "what did this person do" is answered. `optional=True` where the
thing may not have been done yet (withdrawn by, decided by) or was done by the system.
"""

from django.conf import settings
from django.db import models


def actor_field(*, optional: bool = False, **options) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        **({"null": True, "blank": True} if optional else {}),
        **options,
    )
