"""Words for the operations page."""

from datetime import timedelta


def age(value: timedelta | None) -> str:
    if value is None:
        return "None queued"
    seconds = max(0, int(value.total_seconds()))
    if seconds < 60:
        return f"{seconds} seconds"
    if seconds < 3600:
        return f"{seconds // 60} minutes"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} hours {seconds % 3600 // 60} minutes"
    return f"{seconds // 86400} days"


def duration(ms: int | None) -> str:
    if ms is None:
        return ""
    return f"{ms} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def size(value: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if value >= scale:
            return f"{value / scale:.1f} {unit}"
    return f"{value} bytes"


def result(value) -> str:
    """A job's result counts as "sent: 3, failed: 0"."""
    if not value:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in value.items())
    return str(value)
