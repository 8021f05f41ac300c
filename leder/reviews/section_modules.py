"""Import every module that registers review sections, so the registry is complete at start-up."""

from leder.reviews.parts import (  # noqa: F401
    contacts,
    focused,
    grading,
    learning,
    profile,
    questions,
    timeline,
    workspace,
)
