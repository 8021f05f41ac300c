"""A local HTTP server that speaks GOV.UK Notify's API as its documentation describes, for the
tests and the demo; never the real service (ADR 0180).

    POST /v2/notifications/email   {email_address, template_id, personalisation, reference}
    POST /v2/notifications/sms     {phone_number, template_id, personalisation, reference}
    POST /v2/notifications/letter  {reference, content (base64 PDF), postage} (precompiled), or
                                   {template_id, personalisation with address_line_1..7}
    GET  /v2/notifications/<id>    the notification and its status

Requests are authenticated as Notify does: `Authorization: Bearer <JWT>`, HS256, `iss` the
service id, `iat` within 30 seconds, signed with the API key's secret. Errors have Notify's shape
(`{"status_code": 400, "errors": [{"error": "BadRequestError", "message": ...}]}`): an unknown
template, a template of another type, missing personalisation, a PDF that is not one. Notify's
simulated recipients fail as on Notify (`perm-fail@simulator.notify`,
`temp-fail@simulator.notify`, 07700900002, 07700900003). `deliver(id)` settles a notification
and, when a callback URL is set, POSTs its delivery receipt there with the callback's bearer
token, as Notify's delivery-status callbacks do.
"""

import base64
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import TokenError

PERMANENT_FAILURES = {"perm-fail@simulator.notify", "07700900002"}
TEMPORARY_FAILURES = {"temp-fail@simulator.notify", "07700900003"}
PLACEHOLDER = re.compile(r"\(\(([^)?]+)(\?\?[^)]*)?\)\)")


@dataclass
class Template:
    id: str
    type: str  # email, sms, letter
    subject: str
    body: str

    @property
    def placeholders(self) -> set[str]:
        return {m.group(1).strip() for m in PLACEHOLDER.finditer(self.subject + self.body)}

    def render(self, text: str, values: dict) -> str:
        return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1).strip(), "")), text)


@dataclass
class Sent:
    id: str
    type: str
    reference: str
    recipient: str
    template_id: str | None
    personalisation: dict
    subject: str
    body: str
    status: str
    created_at: str
    pdf: bytes = b""
    postage: str = ""
    completed_at: str | None = None
    sent_at: str | None = None
    outcome: str = "delivered"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class NotifyTestServer:
    service_id: str
    secret: str
    templates: dict[str, Template] = field(default_factory=dict)
    callback_url: str = ""
    callback_token: str = ""
    host: str = "127.0.0.1"
    port: int = 0
    sent: dict[str, Sent] = field(default_factory=dict)

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> "NotifyTestServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                problem = server.auth_problem(self.headers.get("Authorization", ""))
                if problem:
                    self._reply(403, _error(403, "AuthError", problem))
                    return False
                return True

            def do_POST(self):
                if not self._authorised():
                    return
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    payload = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    self._reply(400, _error(400, "BadRequestError", "Invalid JSON"))
                    return
                match = re.fullmatch(r"/v2/notifications/(email|sms|letter)", self.path)
                if not match:
                    self._reply(404, _error(404, "NotFound", "Not Found"))
                    return
                status, body = server.accept(match.group(1), payload)
                self._reply(status, body)

            def do_GET(self):
                if not self._authorised():
                    return
                match = re.fullmatch(r"/v2/notifications/([0-9a-f-]{36})", self.path)
                sent = server.sent.get(match.group(1)) if match else None
                if sent is None:
                    self._reply(404, _error(404, "NoResultFound", "No result found"))
                    return
                self._reply(200, server.describe(sent))

        self._httpd = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_key(self) -> str:
        """A key in Notify's format: <name>-<service id>-<secret>."""
        return f"leder_test-{self.service_id}-{self.secret}"

    # --- the API --------------------------------------------------------------------------------

    def auth_problem(self, header: str) -> str | None:
        if not header.startswith("Bearer "):
            return "Unauthorized: authentication token must be provided"
        token = header.removeprefix("Bearer ").strip()
        try:
            if get_token_issuer(token) != self.service_id:
                return "Invalid token: service not found"
            decode_jwt_token(token, self.secret)
        except TokenError as error:
            return f"Invalid token: {getattr(error, 'message', None) or error}"
        return None

    def accept(self, kind: str, payload: dict) -> tuple[int, dict]:
        if kind == "letter" and "content" in payload:
            return self._accept_precompiled(payload)
        template = self.templates.get(str(payload.get("template_id")))
        if template is None:
            return 400, _error(400, "BadRequestError", "Template not found")
        if template.type != kind:
            return 400, _error(
                400,
                "BadRequestError",
                f"{kind} template is not suitable for {template.type} notification",
            )
        values = payload.get("personalisation") or {}
        if kind == "letter":
            recipient = str(values.get("address_line_1", ""))
            needed = template.placeholders | {"address_line_1", "address_line_2", "postcode"}
        else:
            key = "email_address" if kind == "email" else "phone_number"
            recipient = str(payload.get(key) or "")
            if not recipient:
                return 400, _error(400, "ValidationError", f"{key} is a required property")
            needed = template.placeholders
        missing = sorted(name for name in needed if name not in values)
        if missing:
            return 400, _error(
                400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}"
            )
        sent = Sent(
            id=str(uuid.uuid4()),
            type=kind,
            reference=str(payload.get("reference") or ""),
            recipient=recipient,
            template_id=template.id,
            personalisation=values,
            subject=template.render(template.subject, values),
            body=template.render(template.body, values),
            status="created",
            created_at=_now(),
        )
        if recipient in PERMANENT_FAILURES:
            sent.outcome = "permanent-failure"
        elif recipient in TEMPORARY_FAILURES:
            sent.outcome = "temporary-failure"
        self.sent[sent.id] = sent
        body = {
            "id": sent.id,
            "reference": sent.reference or None,
            "content": {"body": sent.body, "subject": sent.subject},
            "uri": f"{self.base_url}/v2/notifications/{sent.id}",
            "template": {
                "id": template.id,
                "version": 1,
                "uri": f"{self.base_url}/v2/template/{template.id}",
            },
        }
        if kind == "email":
            body["content"]["from_email"] = "leder@notifications.service.gov.uk"
        return 201, body

    def _accept_precompiled(self, payload: dict) -> tuple[int, dict]:
        reference = str(payload.get("reference") or "")
        if not reference:
            return 400, _error(400, "ValidationError", "reference is a required property")
        try:
            pdf = base64.b64decode(payload.get("content") or "", validate=True)
        except ValueError:
            return 400, _error(400, "ValidationError", "Cannot decode letter content (base64)")
        if not pdf.startswith(b"%PDF-"):
            return 400, _error(400, "ValidationError", "Letter content is not a valid PDF")
        postage = payload.get("postage") or "second"
        if postage not in {"first", "second", "economy", "europe", "rest-of-world"}:
            return 400, _error(
                400, "ValidationError", "postage invalid. It must be first, second or economy"
            )
        sent = Sent(
            id=str(uuid.uuid4()),
            type="letter",
            reference=reference,
            recipient="",
            template_id=None,
            personalisation={},
            subject="Pre-compiled PDF",
            body="",
            status="pending-virus-check",
            created_at=_now(),
            pdf=pdf,
            postage=postage,
            outcome="received",
        )
        self.sent[sent.id] = sent
        return 201, {"id": sent.id, "reference": reference, "postage": postage}

    def describe(self, sent: Sent) -> dict:
        return {
            "id": sent.id,
            "reference": sent.reference or None,
            "email_address": sent.recipient if sent.type == "email" else None,
            "phone_number": sent.recipient if sent.type == "sms" else None,
            "line_1": sent.personalisation.get("address_line_1") if sent.type == "letter" else None,
            "type": sent.type,
            "status": sent.status,
            "template": {"id": sent.template_id, "version": 1, "uri": ""},
            "body": sent.body,
            "subject": sent.subject,
            "created_at": sent.created_at,
            "sent_at": sent.sent_at,
            "completed_at": sent.completed_at,
            "postage": sent.postage or None,
        }

    # --- what Notify does later ---------------------------------------------------------------

    def callback_payload(self, sent: Sent) -> dict:
        """The body of Notify's delivery-status callback for `sent`."""
        return {
            "id": sent.id,
            "reference": sent.reference or None,
            "to": sent.recipient,
            "status": sent.status,
            "created_at": sent.created_at,
            "completed_at": sent.completed_at,
            "sent_at": sent.sent_at,
            "notification_type": sent.type,
            "template_id": sent.template_id,
            "template_version": 1,
        }

    def deliver(self, notification_id: str, status: str | None = None) -> dict:
        """Settle a notification (its simulated outcome, or `status`) and send the callback if a
        URL is set. Returns the callback's payload."""
        sent = self.sent[notification_id]
        sent.status = status or sent.outcome
        sent.sent_at = sent.sent_at or _now()
        sent.completed_at = _now()
        payload = self.callback_payload(sent)
        if self.callback_url:
            requests.post(
                self.callback_url,
                json=payload,
                headers={"Authorization": f"Bearer {self.callback_token}"},
                timeout=20,
            )
        return payload

    def deliver_all(self) -> list[dict]:
        pending = [s.id for s in self.sent.values() if s.completed_at is None]
        return [self.deliver(notification_id) for notification_id in pending]


def _error(status: int, error: str, message: str) -> dict:
    return {"status_code": status, "errors": [{"error": error, "message": message}]}


def templates_for_project() -> dict[str, Template]:
    """The Notify templates this installation's settings name, as Notify would hold them: each
    kind's subject, and a body using every placeholder the kind declares (the real templates are
    written in Notify by the team; `manage.py notify_templates` prints what each must contain)."""
    from django.conf import settings

    from leder.messaging import kinds

    templates = {}
    registered = kinds.kinds()
    for key, template_id in settings.LEDER_NOTIFY_TEMPLATE_IDS.items():
        kind_key, channel, *_ = key.split(".")
        kind = registered.get(kind_key)
        if kind is None:
            continue
        names = [*kind.placeholders, "language_help", "for_whom"]
        body = "\n".join(f"(({name}))" for name in names)
        subject = kind.subject if channel == "email" else ""
        templates[template_id] = Template(template_id, channel, subject, body)
    return templates
