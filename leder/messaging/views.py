"""GOV.UK Notify's delivery-status callback: Notify POSTs each receipt as JSON with the bearer
token set in its callback settings (`LEDER_NOTIFY_CALLBACK_TOKEN`)."""

import hmac
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from leder.messaging.services import callback_record


@csrf_exempt
@require_POST
def notify_callback(request: HttpRequest) -> HttpResponse:
    expected = settings.LEDER_NOTIFY_CALLBACK_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return JsonResponse({"error": "Unauthorised"}, status=401)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "Not JSON"}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"error": "Expected an object"}, status=400)
    message = callback_record(payload)
    # Notify retries anything but a 2xx; an unknown message is not worth retrying.
    return JsonResponse({"recorded": message is not None})
