"""Formatting of restructure reports for people: the management command prints these lines,
and a page can show them."""

from leder.core.presenters import count, date_long
from leder.organisations.services import RestructureReport

# How each follower's records are counted in a report line.
_NOUNS = {"notification": "notification", "membership": "role", "provider": "provider"}


def _counted(follower: str, number: int) -> str:
    return count(number, _NOUNS.get(follower, f"{follower} record"))


def restructure_report_lines(report: RestructureReport) -> list[str]:
    """The report of one restructure, one line per fact, in a fixed order: what moved where,
    what could not be placed (by reference) and what closed."""
    when = date_long(report.effective_on)
    if report.already_applied:
        lines = [f"The restructure of {when} was applied already: nothing changed."]
        if report.placements_unused:
            lines.append(
                "The placements were not used. To re-place a record, decide its unplaced entry."
            )
        return lines + [f"  {s}" for s in report.successions]
    lines = [
        f"Restructure of {when}"
        + (" (dry run: nothing was saved)" if report.dry_run else " applied"),
        f"Successions: {len(report.successions)}",
        "Moved:",
    ]
    counts_by_pair = report.counts_by_pair()
    for predecessor, successor in report.pairs:
        counts = counts_by_pair.get((predecessor, successor))
        moved = ", ".join(_counted(f, n) for f, n in sorted(counts.items())) if counts else ""
        lines.append(f"  {predecessor} → {successor}: {moved or 'nothing to move'}")
    if report.unplaced:
        lines.append(f"Not placed ({len(report.unplaced)}), listed for someone to decide:")
        for line in report.unplaced:
            where = f"held by {line.held_by}" if line.held_by else "ended"
            lines.append(
                f"  {line.follower} {line.reference} from {line.predecessor}, {where}: "
                f"{line.reason}"
            )
    else:
        lines.append("Not placed: none")
    lines.append("Closed: " + ", ".join(report.closed))
    return lines
