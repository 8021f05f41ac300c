"""The review record's models, one module per part of the review."""

from leder.reviews.models.contacts import *  # noqa: F403
from leder.reviews.models.learning import *  # noqa: F403
from leder.reviews.models.questions import *  # noqa: F403
from leder.reviews.models.record import Review, ReviewKind, ReviewSection, ReviewVersion  # noqa: F401
from leder.reviews.models.timeline import *  # noqa: F403
from leder.reviews.models.workspace import *  # noqa: F403
