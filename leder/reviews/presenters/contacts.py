"""How the contacts and records sections read: each contact with its attempts, what the minimum
of an initial review still needs, and each records request with its link's state and files."""

from dataclasses import dataclass

from leder.core import presenters
from leder.core.time import now
from leder.reviews.models import (
    Contact,
    ContactOutcome,
    ContactStatement,
    RecordsRequest,
    RecordsRequestStatus,
    UploadedRecord,
)
from leder.reviews.parts.contacts import contacts_missing, records_missing
from leder.reviews.presenters.workspace import review_url
from leder.reviews.selectors.workspace import ReviewAccess
from leder.reviews.services.uploads import size_label

OUTCOME_TAG = {
    ContactOutcome.SPOKE: "nhsuk-tag--green",
    ContactOutcome.DECLINED: "nhsuk-tag--red",
}
STATUS_TAG = {
    RecordsRequestStatus.OUTSTANDING: "nhsuk-tag--yellow",
    RecordsRequestStatus.RECEIVED: "nhsuk-tag--green",
    RecordsRequestStatus.WITHDRAWN: "nhsuk-tag--grey",
}


def _organisation(contact: Contact) -> str:
    return contact.organisation.name if contact.organisation else contact.organisation_name


def contact_needs(contact: Contact) -> list[str]:
    """What the contact needs to take part, in words: "Polish, with an interpreter", "Easy
    read", "Large print"."""
    needs = []
    if contact.language:
        needs.append(
            f"{contact.language}, with an interpreter"
            if contact.needs_interpreter
            else contact.language
        )
    if contact.easy_read:
        needs.append("Easy read")
    if contact.large_print:
        needs.append("Large print")
    return needs


def contact_detail_rows(contact: Contact) -> list[tuple[str, str]]:
    """How to reach the contact and what they prefer and need, as (label, text) rows: only the
    rows with something in them."""
    rows = []
    if contact.telephone:
        rows.append(("Telephone", contact.telephone))
    if contact.email:
        rows.append(("Email", contact.email))
    if contact.address:
        rows.append(("Address", ", ".join([*contact.address.splitlines(), contact.postcode])))
    if contact.preferred_contact:
        rows.append(("Contact them by", contact.get_preferred_contact_display()))
    needs = contact_needs(contact)
    if needs:
        rows.append(("They need", "; ".join(needs)))
    if contact.advocate_name:
        advocate = ", ".join(
            part
            for part in (contact.advocate_name, contact.advocate_telephone, contact.advocate_email)
            if part
        )
        rows.append(("Advocate", advocate))
    return rows


@dataclass
class ContactCard:
    contact: Contact
    access: ReviewAccess
    can_edit: bool

    @property
    def heading(self) -> str:
        return self.contact.name

    @property
    def rows(self) -> list[dict]:
        c = self.contact
        rows = [("Relationship", c.get_kind_display())]
        if _organisation(c):
            rows.append(("Organisation", _organisation(c)))
        if c.role:
            rows.append(("Role", c.role))
        rows.extend(contact_detail_rows(c))
        if c.notes:
            rows.append(("Notes", c.notes))
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]

    @property
    def attempts(self) -> list[dict]:
        return [
            {
                "date": presenters.date_long(a.made_on),
                "method": a.get_method_display(),
                "outcome": {
                    "text": a.get_outcome_display(),
                    "classes": OUTCOME_TAG.get(a.outcome, "nhsuk-tag--grey"),
                },
                "notes": a.notes,
            }
            for a in self.contact.attempts.all()
        ]

    @property
    def attempts_text(self) -> str:
        return presenters.count(len(self.contact.attempts.all()), "attempt")

    @property
    def edit_href(self) -> str:
        return review_url("reviews:contact_edit", self.access, contact_id=self.contact.pk)

    @property
    def attempt_href(self) -> str:
        return review_url("reviews:contact_attempt_add", self.access, contact_id=self.contact.pk)


class ContactsPage:
    def __init__(self, access: ReviewAccess, contacts: list[Contact], statement):
        self.access = access
        self.contacts = contacts
        self.statement: ContactStatement | None = statement
        self.can_edit = access.can_edit

    @property
    def cards(self) -> list[ContactCard]:
        return [ContactCard(c, self.access, self.can_edit) for c in self.contacts]

    @property
    def missing(self) -> list[str]:
        return contacts_missing(self.access.review)

    @property
    def is_initial(self) -> bool:
        return self.access.kind == "initial"

    @property
    def family_reason(self) -> str:
        return self.statement.family_not_possible_reason if self.statement else ""

    @property
    def gp_record_reviewed(self) -> str:
        if self.statement and self.statement.gp_record_reviewed_on:
            return presenters.date_long(self.statement.gp_record_reviewed_on)
        return ""

    @property
    def add_href(self) -> str:
        return review_url("reviews:contact_add", self.access)

    @property
    def family_href(self) -> str:
        return review_url("reviews:contacts_family_not_possible", self.access)

    @property
    def gp_record_href(self) -> str:
        return review_url("reviews:contacts_gp_record", self.access)

    @property
    def records_href(self) -> str:
        return review_url("reviews:records", self.access)


@dataclass
class FileRow:
    record: UploadedRecord
    access: ReviewAccess
    can_download: bool

    @property
    def name(self) -> str:
        return self.record.original_name

    @property
    def description(self) -> str:
        r = self.record
        return (
            f"{size_label(r.size)}, uploaded {presenters.datetime_long(r.uploaded_at)}. "
            f"{r.get_scan_status_display()}."
        )

    @property
    def href(self) -> str:
        return review_url("reviews:record_download", self.access, file_id=self.record.pk)


@dataclass
class RequestCard:
    request: RecordsRequest
    access: ReviewAccess
    can_edit: bool
    can_download: bool

    @property
    def heading(self) -> str:
        return self.request.organisation.name

    @property
    def status_tag(self) -> dict:
        r = self.request
        return {"text": r.get_status_display(), "classes": STATUS_TAG[r.status]}

    @property
    def link_text(self) -> str:
        r = self.request
        if r.status == RecordsRequestStatus.WITHDRAWN:
            return "Withdrawn: the link no longer works."
        if r.expires_at <= now():
            return f"The link expired on {presenters.datetime_long(r.expires_at)}."
        return f"The link works until {presenters.datetime_long(r.expires_at)}."

    @property
    def rows(self) -> list[dict]:
        r = self.request
        rows = [
            ("Asked for", r.requested),
            (
                "Requested",
                f"{presenters.datetime_long(r.requested_at)} by {r.requested_by.full_name}",
            ),
            ("Link sent to", r.email),
            ("Upload link", self.link_text),
        ]
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]

    @property
    def files(self) -> list[FileRow]:
        return [FileRow(f, self.access, self.can_download) for f in self.request.files.all()]

    @property
    def can_mark_received(self) -> bool:
        return self.can_edit and self.request.status == RecordsRequestStatus.OUTSTANDING

    @property
    def can_withdraw(self) -> bool:
        return self.can_edit and self.request.status != RecordsRequestStatus.WITHDRAWN

    @property
    def received_href(self) -> str:
        return review_url(
            "reviews:records_request_received", self.access, request_id=self.request.pk
        )

    @property
    def withdraw_href(self) -> str:
        return review_url(
            "reviews:records_request_withdraw", self.access, request_id=self.request.pk
        )


class RecordsPage:
    def __init__(self, access: ReviewAccess, requests: list[RecordsRequest], *, can_download):
        self.access = access
        self.requests = requests
        self.can_edit = access.can_edit
        self.can_download = can_download

    def _cards(self, statuses) -> list[RequestCard]:
        return [
            RequestCard(r, self.access, self.can_edit, self.can_download)
            for r in self.requests
            if r.status in statuses
        ]

    @property
    def outstanding(self) -> list[RequestCard]:
        return self._cards({RecordsRequestStatus.OUTSTANDING})

    @property
    def received(self) -> list[RequestCard]:
        return self._cards({RecordsRequestStatus.RECEIVED})

    @property
    def withdrawn(self) -> list[RequestCard]:
        return self._cards({RecordsRequestStatus.WITHDRAWN})

    @property
    def missing(self) -> list[str]:
        return records_missing(self.access.review)

    @property
    def add_href(self) -> str:
        return review_url("reviews:records_request", self.access)


def upload_person(request: RecordsRequest) -> list[dict]:
    """Whose records are asked for, for the link's holder only: the organisation needs the
    person's name and date of birth to find them, and nothing else of the review."""
    n = request.review.case.notification
    rows = [
        ("Name", presenters.person_name(given=n.given_name, family=n.family_name)),
        ("Date of birth", presenters.date_long(n.date_of_birth)),
        ("LeDeR reference", request.review.case.reference),
        ("Records asked for", request.requested),
        ("Link works until", presenters.datetime_long(request.expires_at)),
    ]
    return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]


def uploaded_files(request: RecordsRequest) -> list[dict]:
    """The files uploaded through this request's link (for the link's holder): names, sizes and
    when."""
    return [
        {
            "name": f.original_name,
            "detail": f"{size_label(f.size)}, uploaded {presenters.datetime_long(f.uploaded_at)}",
        }
        for f in request.files.all()
    ]


def just_uploaded(request: RecordsRequest, file_id: str | None) -> str:
    """The name of the file just uploaded, if `file_id` is one of this request's files."""
    if not file_id or not file_id.isdigit():
        return ""
    found = next((f for f in request.files.all() if f.pk == int(file_id)), None)
    return found.original_name if found else ""
