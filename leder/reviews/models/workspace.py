"""Models for the workspace part of the review."""

__all__: list[str] = []
