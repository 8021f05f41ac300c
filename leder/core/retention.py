"""Kinds of data with a retention period declared by the app that owns them (ADR 0122).

`leder.operations.retention` applies every kind. Most kinds are listed there; an app that
`operations` may not import (ADR 0033: one on its own layer) declares its kind in its `jobs.py`:

    @retention_kind("import_files")
    class ImportFiles:
        def due(now): ...          # a queryset of what is past its period at `now`
        def purge(rows): ...       # delete or blank them (files too)
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class RetentionKind:
    name: str
    due: Callable[[datetime], object]
    purge: Callable[[object], None]


_KINDS: dict[str, RetentionKind] = {}


def retention_kind(name: str):
    """Register the decorated class's `due` and `purge` static functions as the kind `name`."""

    def register(cls):
        _KINDS[name] = RetentionKind(name=name, due=cls.due, purge=cls.purge)
        return cls

    return register


def declared_kinds() -> list[RetentionKind]:
    autodiscover_modules("jobs")
    return [_KINDS[name] for name in sorted(_KINDS)]
