"""Models for the contacts part of the review."""

__all__: list[str] = []
