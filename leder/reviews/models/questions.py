"""Models for the questions part of the review."""

__all__: list[str] = []
