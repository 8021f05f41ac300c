"""Prompts on the staff home page: things a user should do now, from any app.

An app declares a prompt source beside the code it reads, in its `prompts.py`:

    from leder.core.prompts import home_prompt

    @home_prompt
    def families_not_contacted(user) -> list[Prompt]:
        ...

The home page (`accounts`) asks `prompts_for(user)` and shows each prompt's text and link; it
never imports the apps above it (ADR 0033).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Prompt:
    text: str
    href: str
    detail: str = ""


PromptSource = Callable[[object], list[Prompt]]
_SOURCES: list[PromptSource] = []


def home_prompt(source: PromptSource) -> PromptSource:
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def prompts_for(user) -> list[Prompt]:
    autodiscover_modules("prompts")
    found: list[Prompt] = []
    for source in _SOURCES:
        found.extend(source(user))
    return found
