from django.conf import settings
from django.middleware.csp import get_nonce


def service(request) -> dict:
    """What every page needs to draw the NHS.UK template for this service. `cspNonce` is the
    name the NHS.UK base template reads for its inline script; a `set` in a child template
    does not reach the parent, so it comes from here."""
    return {"service_name": settings.LEDER_SERVICE_NAME, "cspNonce": get_nonce(request)}
