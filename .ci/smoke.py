"""The production smoke test (issue 11), run by `.ci/smoke` after the test suites.

It deploys OpenLeDeR as docs/deployment.md says, on PostgreSQL, with production settings:
`migrate`, `collectstatic` (the manifest storage), then gunicorn with deploy/gunicorn.conf.py,
the task worker and (when this version has it) the scheduler, each started with the command
the guide gives. Then it walks through the service as people would, over HTTP:

1. a member of the public notifies a death through every page of the public form, and the real
   worker e-mails the acknowledgement;
2. a local area contact signs in with a password and a TOTP code;
3. they start an annual report, ask for it to be generated, the real worker generates it, and
   they read it and download its PDF.

Every page of the walk must answer 200, or the redirect it is meant to give. It waits for
states (a port answering, a log line, a page changing), never for fixed times, and stops every
process it started, whatever happens. Plain HTTP is allowed by LEDER_ALLOW_HTTP=1, documented
for exactly this.
"""

import html.parser
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PORT = int(os.environ.get("SMOKE_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
DATABASE_URL = os.environ.get("SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/smoke")
# How long any one state may take to arrive before the smoke test fails (not a sleep: each wait
# polls for its state and returns as soon as it holds).
STATE_TIMEOUT = float(os.environ.get("SMOKE_STATE_TIMEOUT", "180"))
PASSWORD = "smoke-" + secrets.token_urlsafe(16)
STAFF_EMAIL = "lac.smoke@leder.invalid"
NOTIFIER_EMAIL = "notifier.smoke@leder.invalid"

walked: list[tuple[str, str, int]] = []


def say(message: str) -> None:
    print(f"smoke: {message}", flush=True)


class Failed(Exception):
    pass


def wait_for(what: str, condition, *, timeout: float = STATE_TIMEOUT, interval: float = 0.2):
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise Failed(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# --- an SMTP server that keeps what it receives ---------------------------------------------

received_mail: list[str] = []


class SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's SMTP backend: every message is kept in `received_mail`."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 smoke ESMTP")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 smoke")
            elif command == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(data.decode(errors="replace"))
                received_mail.append("".join(lines))
                self.reply("250 kept")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self.reply("250 ok")


def start_smtp_sink() -> tuple[socketserver.ThreadingTCPServer, int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpSink)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


# --- the deployment ------------------------------------------------------------------------


def fresh_database() -> None:
    import psycopg

    name = urllib.parse.urlparse(DATABASE_URL).path.lstrip("/")
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def production_environment(work: Path, smtp_port: int) -> dict[str, str]:
    """The environment docs/deployment.md describes, keys in files as the units pass them."""
    keys = ("secret_key", "pseudonym_key", "audit_hmac_key", "otp_encryption_key")
    for key in keys:
        (work / key).write_text(secrets.token_urlsafe(64))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "LEDER_", "GUNICORN_", "EMAIL_", "REDIS_", "AUDIT_", "OTP_")
        )
    }
    env.update(
        DJANGO_SETTINGS_MODULE="leder.config.settings.production",
        DJANGO_SECRET_KEY_FILE=str(work / "secret_key"),
        LEDER_PSEUDONYM_KEY_FILE=str(work / "pseudonym_key"),
        AUDIT_HMAC_KEY_FILE=str(work / "audit_hmac_key"),
        OTP_ENCRYPTION_KEY_FILE=str(work / "otp_encryption_key"),
        AUDIT_CHECKPOINT_DIR=str(work / "audit-checkpoints"),
        DATABASE_URL=DATABASE_URL,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        LEDER_ALLOW_HTTP="1",
        LEDER_BASE_URL=BASE,
        LEDER_VAR_DIR=str(work / "var"),
        STATIC_ROOT=str(work / "static"),
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
        WEB_CONCURRENCY="2",
        GUNICORN_ACCESS_LOG="-",
        PYTHONUNBUFFERED="1",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        DEFAULT_FROM_EMAIL="OpenLeDeR smoke test <no-reply@leder.invalid>",
    )
    return env


def manage(env, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise Failed(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


SETUP = """
import json
import secrets
from django_otp.plugins.otp_totp.models import TOTPDevice
from leder.accounts import services
from leder.accounts.models import Role
from leder.core.time import today
from leder.organisations.models import Organisation

icb = Organisation.objects.filter(kind="icb").open_on(today()).order_by("ods_code").first()
actor = "system:smoke-test"
user = services.user_create(actor=actor, email="{email}", full_name="Smoke Test LAC",
                            password="{password}")
services.membership_grant(actor=actor, user=user, role=Role.LAC, organisation=icb)
key_hex = secrets.token_hex(20)  # the authenticator app's key; stored sealed
TOTPDevice.objects.create(user=user, name="Smoke test app", confirmed=True, key=key_hex)
print(json.dumps({{"icb_id": icb.pk, "icb": icb.ods_code, "totp_key": key_hex}}))
"""


class Service:
    """The three processes, started as documented, each in its own process group."""

    def __init__(self, env, logs: Path):
        self.env, self.logs, self.processes = env, logs, {}

    def start(self, name: str, command: list[str]) -> None:
        log = open(self.logs / f"{name}.log", "w")  # noqa: SIM115 (closed in stop)
        self.processes[name] = (
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            ),
            log,
        )
        say(f"started {name}: {' '.join(command)}")

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def check_running(self) -> None:
        for name, (process, _) in self.processes.items():
            if process.poll() is not None:
                raise Failed(f"{name} exited with {process.returncode}:\n{self.log(name)[-3000:]}")

    def stop(self) -> None:
        for process, _log in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for name, (process, log) in self.processes.items():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop on SIGTERM; killing it")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()
        say("stopped every process")


# --- the walk ------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies, CSRF tokens and no automatic redirects: each status is checked."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def request(self, method: str, path: str, data: dict | None = None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(BASE + path, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
            request.add_header("Referer", BASE + path)
        try:
            response = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:
            response = error
        content = response.read()
        return response.status, response.headers, content

    def expect(self, method: str, path: str, status: int, data=None, *, to: str | None = None):
        """One step of the walk: `status` and, for a redirect, a Location matching `to`."""
        got, headers, content = self.request(method, path, data)
        location = headers.get("Location", "")
        walked.append((method, path, got))
        if got != status or (to is not None and not re.fullmatch(to, location)):
            text = content.decode(errors="replace")
            raise Failed(
                f"{method} {path}: expected {status}{' to ' + to if to else ''}, got {got} "
                f"{location}\n{text[:3000]}"
            )
        say(f"{method} {path} -> {got}{' ' + location if location else ''}")
        return location or content.decode(errors="replace")

    def get_page(self, path: str) -> str:
        return self.expect("GET", path, 200)


class FormParser(html.parser.HTMLParser):
    """What a browser would submit from the page's forms: values, checked boxes, selections."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}, "choices": {}})
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox"):
                form["choices"].setdefault(name, []).append(attrs.get("value", "on"))
                if "checked" in attrs:
                    form["fields"][name] = attrs.get("value", "on")
            elif kind not in ("submit", "button"):
                form["fields"].setdefault(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            form["choices"][name] = []
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            form["choices"][self._select].append(value)
            if "selected" in attrs:
                form["fields"][self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            form["fields"][name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def form_on(page: str, *, with_field: str | None = None) -> dict:
    parser = FormParser()
    parser.feed(page)
    for form in parser.forms:
        if with_field is None or with_field in form["fields"] or with_field in form["choices"]:
            return form
    raise Failed(f"no form with {with_field!r} on the page:\n{page[:3000]}")


def totp(key_hex: str, *, at: float | None = None) -> str:
    import hashlib
    import hmac
    import struct

    counter = int((at or time.time()) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


NOTIFICATION = {
    "you": {"relationship": "family"},
    "your-details": {"name": "Sam Smoke", "email": NOTIFIER_EMAIL, "phone": ""},
    "person": {"given_name": "Alex", "family_name": "Smoketest", "other_names": ""},
    "dates": {
        "date_of_birth_day": "4",
        "date_of_birth_month": "3",
        "date_of_birth_year": "1961",
        "date_of_death_day": "1",
        "date_of_death_month": "10",
        "date_of_death_year": "2026",
    },
    "nhs-number": {"nhs_number": ""},
    "address": {"address": "1 High Street\r\nLeeds", "postcode": "LS1 4AP"},
    "gp": {"gp_practice_text": "The Surgery, Leeds"},
    "about-person": {"has_learning_disability": "yes", "is_autistic": "no"},
    "equality": {"sex": "female", "ethnic_category": "N"},
    "death": {
        "place_of_death": "hospital",
        "place_of_death_detail": "Leeds General Infirmary",
        "died_in_england": "yes",
        "circumstances": "Pneumonia.",
    },
    "covid": {"covid": "no"},
    "concerns": {"has_care_concerns": "no"},
}


def notify_a_death(browser: Browser, icb_id: int, service: Service) -> str:
    answers = {**NOTIFICATION, "area": {"icb": str(icb_id)}}
    start = browser.get_page("/notify")
    first = re.search(r'href="(/notify/[a-z-]+)"', start)
    if not first:
        raise Failed("the start page links to no question")
    path = first.group(1)
    while path != "/notify/check":
        page = browser.get_page(path)
        slug = path.rsplit("/", 1)[1]
        form = form_on(page, with_field="csrfmiddlewaretoken")
        data = {**form["fields"], **answers[slug]}
        path = browser.expect("POST", path, 302, data, to=r"/notify/[a-z-]+")
    check = browser.get_page("/notify/check")
    form = form_on(check, with_field="submission_key")
    done = browser.expect("POST", "/notify/check", 302, form["fields"], to=r"/notify/done/LDR-.+")
    page = browser.get_page(done)
    reference = re.search(r"LDR-\d{4}-\d{6}", page).group(0)
    say(f"notified {reference}")
    wait_for(
        "the worker to e-mail the acknowledgement over SMTP",
        lambda: (
            service.check_running()
            or any(reference in message and NOTIFIER_EMAIL in message for message in received_mail)
        ),
    )
    say("the worker sent the acknowledgement")
    return reference


def sign_in(browser: Browser, key_hex: str) -> None:
    page = browser.get_page("/account/sign-in")
    form = form_on(page, with_field="email")
    data = {**form["fields"], "email": STAFF_EMAIL, "password": PASSWORD}
    browser.expect("POST", "/account/sign-in", 302, data, to=r"/account/two-factor.*")
    page = browser.get_page("/account/two-factor")
    form = form_on(page, with_field="code")
    browser.expect(
        "POST",
        "/account/two-factor",
        302,
        {**form["fields"], "code": totp(key_hex)},
        to=r"/account/.*|/staff/.*|/",
    )
    browser.get_page("/account/")
    say("signed in with a password and a TOTP code")


def annual_report(browser: Browser, service: Service) -> None:
    browser.get_page("/staff/reports/")
    browser.get_page("/staff/reports/annual")
    page = browser.get_page("/staff/reports/annual/new")
    form = form_on(page, with_field="year")
    data = dict(form["fields"])
    data.setdefault("area", form["choices"]["area"][-1])
    report = browser.expect(
        "POST", "/staff/reports/annual/new", 302, data, to=r"/staff/reports/annual/\d+"
    )
    page = browser.get_page(report)
    if f'action="{report}/generate"' not in page:
        raise Failed(f"the report's page has no Generate button:\n{page[:3000]}")
    browser.expect(
        "POST",
        f"{report}/generate",
        302,
        {"csrfmiddlewaretoken": browser.csrf()},
        to=f"{report}/progress",
    )

    def generated():
        service.check_running()
        status, headers, _ = browser.request("GET", f"{report}/progress")
        if status == 200:
            return False
        walked.append(("GET", f"{report}/progress", status))
        if status != 302 or headers.get("Location") != report:
            raise Failed(f"the progress page answered {status} {headers.get('Location')}")
        return True

    browser.get_page(f"{report}/progress")
    wait_for("the worker to generate the annual report", generated, interval=0.5)
    page = browser.get_page(report)
    if "Ready to publish" not in page:
        raise Failed(f"the report is not ready:\n{page[:3000]}")
    browser.get_page(f"{report}/report")
    browser.get_page(f"{report}/easy-read")
    status, headers, content = browser.request("GET", f"{report}/report.pdf")
    walked.append(("GET", f"{report}/report.pdf", status))
    if status != 200 or not content.startswith(b"%PDF"):
        raise Failed(f"the report's PDF answered {status} {headers.get('Content-Type')}")
    say("the worker generated the annual report; page, easy read and PDF answer 200")


def static_files(browser: Browser) -> None:
    page = browser.get_page("/")
    for path in re.findall(r'(?:href|src)="(/static/[^"]+)"', page):
        if not re.search(r"\.[0-9a-f]{12}\.", path):
            raise Failed(f"{path} is not a hashed name from the manifest")
        browser.expect("GET", path, 200)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="leder-smoke-"))
    service = None
    smtp, smtp_port = start_smtp_sink()
    try:
        env = production_environment(work, smtp_port)
        say(f"database {DATABASE_URL}, files in {work}")
        fresh_database()
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        if not (work / "static" / "staticfiles.json").exists():
            raise Failed("collectstatic wrote no manifest")
        manage(env, "check", "--deploy", "--fail-level", "ERROR")
        setup = json.loads(
            manage(env, "shell", "-c", SETUP.format(email=STAFF_EMAIL, password=PASSWORD))
            .strip()
            .splitlines()[-1]
        )
        say(f"a local area contact of {setup['icb']} with a known TOTP key")

        service = Service(env, work)
        service.start("web", [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"])
        service.start(
            "worker",
            [str(BIN / "python"), "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
        )
        has_scheduler = (
            subprocess.run(
                [str(BIN / "python"), "manage.py", "help", "scheduler"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                check=False,
            ).returncode
            == 0
        )
        if has_scheduler:
            service.start("scheduler", [str(BIN / "python"), "manage.py", "scheduler"])
        else:
            say("this version has no scheduler command: not started")

        def web_answers():
            service.check_running()
            try:
                with urllib.request.urlopen(BASE + "/healthz", timeout=5) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for("gunicorn to answer /healthz", web_answers)
        browser = Browser()
        if browser.request("GET", "/readyz")[0] != 404:  # in versions that have it

            def ready():
                service.check_running()
                return browser.request("GET", "/readyz")[0] == 200

            wait_for("/readyz to say the database and the worker are ready", ready)
            walked.append(("GET", "/readyz", 200))
            say("GET /readyz -> 200")
        static_files(browser)
        for path in ("/", "/accessibility", "/privacy", "/about/easy-read"):
            browser.get_page(path)
        browser.expect("GET", "/staff/reports/", 302, to=r"/account/sign-in.*")
        notify_a_death(browser, setup["icb_id"], service)
        staff = Browser()
        sign_in(staff, setup["totp_key"])
        staff.get_page("/staff/notifications")
        annual_report(staff, service)
        staff.expect("GET", "/admin/", 302, to=r"/admin/login/.*")
        service.check_running()
        say(f"passed: {len(walked)} requests, every one 200 or its intended redirect")
        return 0
    except Failed as failure:
        say(f"FAILED: {failure}")
        if service:
            for name in service.processes:
                say(f"--- last lines of {name}.log ---\n{service.log(name)[-4000:]}")
        return 1
    finally:
        if service:
            service.stop()
        smtp.shutdown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
