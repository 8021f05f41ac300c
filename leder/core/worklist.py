"""What waits for a signed-in user: the counts on their home page, one registry filled by each
app's `worklist.py` (as `leder.core.schedule` is filled by `jobs.py`).

An app declares what waits beside the selectors that count it:

    # leder/casework/worklist.py
    from leder.core.worklist import Waiting, worklist

    @worklist(order=10)
    def to_triage(user, *, today) -> list[Waiting]:
        if not rules.has_role(user, Role.LAC):
            return []
        return [Waiting(key="triage", label="Notifications to triage", count=…, href=…)]

Each function returns the items that make sense for `user`'s roles today (none for a role that
has no part in the work) and counts exactly the rows of the list `href` opens, through the same
scoped selector, so that the number on the home page is the number on the list. `core` imports no
domain app: the apps register themselves, and the home page asks the registry.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Waiting:
    """One count on a home page: "3 notifications to triage", linking to that list."""

    key: str
    label: str
    count: int
    href: str
    # Something late (overdue reviews, overdue actions): shown as needing attention when > 0.
    late: bool = False
    hint: str = ""


WorklistFunction = Callable[..., list[Waiting]]

_REGISTRY: list[tuple[int, WorklistFunction]] = []


def worklist(*, order: int) -> Callable[[WorklistFunction], WorklistFunction]:
    """Register the decorated `function(user, *, today) -> list[Waiting]`; `order` places its
    items on the page (lower first: the earlier stages of the work come first)."""

    def register(function: WorklistFunction) -> WorklistFunction:
        if all(existing is not function for _order, existing in _REGISTRY):
            _REGISTRY.append((order, function))
        return function

    return register


def waiting_for(user, *, today: date) -> list[Waiting]:
    """Everything that waits for `user` today, in the order of the work."""
    autodiscover_modules("worklist")
    items: list[Waiting] = []
    for _order, function in sorted(_REGISTRY, key=lambda entry: entry[0]):
        items.extend(function(user, today=today))
    return items
