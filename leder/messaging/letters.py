"""Letters as PDF, laid out for GOV.UK Notify's precompiled letter service: A4, the address in
Notify's address block (left 24.6 mm, top 39.5 mm, 90 mm by 27.6 mm, at most 7 lines), nothing
but white in the left 15 mm (where Notify prints its barcode) and the top-left corner. The same
PDF is printed locally where Notify is not configured. Large print is 16 pt and up; easy read
uses the kind's easy-read letter."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from leder.core import presenters
from leder.core.time import today

MAX_ADDRESS_LINES = 7


def render_letter(
    kind: str,
    *,
    personalisation: dict,
    address_lines: tuple[str, ...],
    large_print: bool = False,
    easy_read: bool = False,
) -> bytes:
    from weasyprint import CSS, HTML  # loads Pango: only when a letter is made

    from leder.core.pdf_fetcher import static_only

    fetch = static_only()  # the project's own static files only

    lines = list(address_lines)
    if len(lines) > MAX_ADDRESS_LINES:
        # Notify refuses more than 7 lines: keep the name and postcode, join the middle.
        lines = [
            lines[0],
            *lines[1:-1][: MAX_ADDRESS_LINES - 3],
            ", ".join(lines[MAX_ADDRESS_LINES - 2 : -1]),
            lines[-1],
        ]
    template = f"messaging/{kind}/letter{'_easy_read' if easy_read else ''}.jinja"
    html = render_to_string(
        template,
        {
            "p": personalisation,
            "address_lines": lines,
            "date": presenters.date_long(today()),
            "large_print": large_print,
            "easy_read": easy_read,
            "service_name": settings.LEDER_SERVICE_NAME,
        },
    )
    stylesheets = [CSS(filename=finders.find("messaging/letter.css"), url_fetcher=fetch)]
    if large_print:
        stylesheets.append(
            CSS(filename=finders.find("messaging/letter_large_print.css"), url_fetcher=fetch)
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetch).write_pdf(
        stylesheets=stylesheets
    )
