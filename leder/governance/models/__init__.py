"""Governance: quality assurance, panels and sign-off, the locks on signed-off reviews, actions
and action plans, learning briefings and feedback surveys. One module a part."""

from leder.governance.models.actions import *  # noqa: F403
from leder.governance.models.briefings import *  # noqa: F403
from leder.governance.models.panels import *  # noqa: F403
from leder.governance.models.qa import *  # noqa: F403
from leder.governance.models.signoff import *  # noqa: F403
from leder.governance.models.surveys import *  # noqa: F403
