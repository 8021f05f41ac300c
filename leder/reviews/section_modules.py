"""Import every module that registers review sections, so the registry is complete at start-up."""

from leder.reviews.parts import contacts, learning, questions, timeline, workspace  # noqa: F401
