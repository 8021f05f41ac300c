"""Formatting for people: restructure reports (the management command prints these lines, and a
page can show them), and an ICB's LeDeR contact details (`icb_contact`)."""

from dataclasses import dataclass

from leder.core.presenters import count, date_long
from leder.organisations.models import Organisation
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


# --- An ICB's LeDeR contact details -------------------------------------------------------------

CQC_TELEPHONE = "03000 616161"
CQC_URL = "https://www.cqc.org.uk/give-feedback-on-care"


@dataclass(frozen=True)
class ContactRoute:
    """One way to reach someone: who, and their telephone, email, web page, address, hours."""

    title: str
    telephone: str = ""
    email: str = ""
    url: str = ""
    address_lines: tuple[str, ...] = ()
    hours: str = ""

    @property
    def is_set(self) -> bool:
        return bool(self.telephone or self.email or self.url or self.address_lines)

    def lines(self) -> list[str]:
        """The route as lines of plain text, for e-mails and letters."""
        lines = []
        if self.telephone:
            lines.append(
                f"Telephone: {self.telephone}" + (f" ({self.hours})" if self.hours else "")
            )
        if self.email:
            lines.append(f"Email: {self.email}")
        if self.url:
            lines.append(f"Web: {self.url}")
        if self.address_lines:
            lines.append("Post: " + ", ".join(self.address_lines))
        return lines

    def summary_rows(self) -> list[dict]:
        rows = []
        if self.telephone:
            value = self.telephone + (f" ({self.hours})" if self.hours else "")
            rows.append(("Telephone", value))
        if self.email:
            rows.append(("Email", self.email))
        if self.url:
            rows.append(("Web page", self.url))
        if self.address_lines:
            rows.append(("Address", ", ".join(self.address_lines)))
        return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]


class IcbContact:
    """How to reach an ICB's LeDeR team and where to raise concerns outside LeDeR, ready to show.

    Works whether or not the local area contact has set the details: unset, the team is named
    (so a message still says who to ask for) and `is_set` is False.

        contact = icb_contact(case.notification.icb)
        contact.team.lines()          # ["Telephone: 0116 295 0000 (9am to 5pm)", …]
        contact.text()                # the lines above under the team's name, for an e-mail
        contact.personalisation()     # {"icb_name": …, "leder_contact": …} for a message template
    """

    def __init__(self, icb: Organisation, details=None):
        self.icb = icb
        self.details = details
        self.icb_name = icb.name
        d = details
        team_name = (d.team_name if d else "") or "LeDeR team"
        self.team = ContactRoute(
            title=f"The {team_name} at {icb.name}",
            telephone=d.telephone if d else "",
            email=d.email if d else "",
            address_lines=tuple(
                [*(d.address.splitlines() if d else []), d.postcode] if d and d.address else []
            ),
            hours=d.opening_hours if d else "",
        )
        self.complaints = ContactRoute(
            title=f"The complaints team at {icb.name}",
            telephone=d.complaints_telephone if d else "",
            email=d.complaints_email if d else "",
            url=d.complaints_url if d else "",
        )
        self.pals = ContactRoute(
            title="Patient advice and liaison service (PALS)",
            telephone=d.pals_telephone if d else "",
            email=d.pals_email if d else "",
            url=d.pals_url if d else "",
        )
        self.advocacy = ContactRoute(
            title=(d.advocacy_name if d and d.advocacy_name else "A local advocacy service"),
            telephone=d.advocacy_telephone if d else "",
            url=d.advocacy_url if d else "",
        )
        self.coroner = ContactRoute(
            title=(d.coroner_name if d and d.coroner_name else "The coroner's office"),
            telephone=d.coroner_telephone if d else "",
        )
        self.cqc = ContactRoute(
            title="The Care Quality Commission (CQC)", telephone=CQC_TELEPHONE, url=CQC_URL
        )

    @property
    def is_set(self) -> bool:
        return self.team.is_set

    @property
    def updated(self) -> str:
        return date_long(self.details.updated_at) if self.details else ""

    def text(self) -> str:
        """The team's name and how to reach it, one item a line, for e-mails and letters. When
        nothing is set: who to ask for."""
        lines = self.team.lines()
        if not lines:
            return f"Contact {self.icb_name} and ask for its LeDeR team."
        return "\n".join([self.team.title, *lines])

    def personalisation(self) -> dict[str, str]:
        """The fields a message template uses for the team (no personal data)."""
        return {"icb_name": self.icb_name, "leder_contact": self.text()}


def icb_contact(icb: Organisation) -> IcbContact:
    """The LeDeR contact details of `icb`, ready to show (see `IcbContact`)."""
    from leder.organisations.selectors import icb_contact_details

    return IcbContact(icb, icb_contact_details(icb))
