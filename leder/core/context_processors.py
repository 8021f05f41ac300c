from django.conf import settings


def service(request) -> dict:
    """What every page needs to draw the NHS.UK header for this service."""
    return {"service_name": settings.LEDER_SERVICE_NAME}
