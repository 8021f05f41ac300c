from django.conf import settings
from django.middleware.csp import get_nonce


def service(request) -> dict:
    """What every page needs to draw the NHS.UK template for this service.

    `cspNonce` is the name the NHS.UK base template reads for the inline script that marks
    `<body>` as able to run the frontend. Django's nonce is lazy and counts as false until
    something reads it, so the template's `{% if cspNonce %}` would leave the script without
    its nonce, the policy would block it, and no NHS.UK component would ever start. Reading it
    here (as text) both generates it and makes the middleware put it in the policy header.
    A `set` in a child template does not reach the parent, so it comes from here."""
    nonce = get_nonce(request)
    return {
        "service_name": settings.LEDER_SERVICE_NAME,
        "cspNonce": str(nonce) if nonce is not None else "",
    }
