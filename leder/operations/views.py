"""The operations page for administrators, and the load balancer's /healthz and /readyz."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from leder.accounts import rules
from leder.accounts.decorators import verified_staff_required
from leder.core.form_page import form_page, posted
from leder.operations import presenters, selectors, services
from leder.operations.forms import RetryForm
from leder.operations.models import ProcessKind


def _administrators_only(request: HttpRequest) -> None:
    if not rules.is_administrator(request.user):
        raise PermissionDenied("The operations page is for administrators.")


def _context() -> dict:
    heartbeats = selectors.heartbeats()
    return {
        "queue": selectors.queue(),
        "failed": selectors.failed_tasks(),
        "recovered": selectors.recovered_jobs(),
        "heartbeats": [(beat, selectors.process_state(beat)) for beat in heartbeats],
        "live_workers": selectors.live_count(ProcessKind.WORKER),
        "live_schedulers": selectors.live_count(ProcessKind.SCHEDULER),
        "jobs": selectors.job_rows(),
        "audit": selectors.audit_verification(),
        "media": selectors.private_media_size(),
        "readiness": selectors.readiness(),
        "op": presenters,
    }


@verified_staff_required
def index(request: HttpRequest) -> HttpResponse:
    _administrators_only(request)
    return render(request, "operations/index.jinja", {**_context(), "form": RetryForm()})


@verified_staff_required
def retry(request: HttpRequest) -> HttpResponse:
    _administrators_only(request)
    return form_page(
        request,
        form=RetryForm(posted(request)),
        template="operations/index.jinja",
        save=lambda data: services.task_retry(actor=request.user, task_id=data["task"]),
        success="operations:index",
        message="The job was queued again.",
        context=_context,
    )


def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: the web process answers. Touches nothing else (not even the database)."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic and able to do its work: the database answers, a worker has been seen
    within LEDER_WORKER_LEASE_SECONDS and the oldest queued task is younger than
    LEDER_READY_MAX_QUEUE_AGE_SECONDS. 503 otherwise, saying which check failed."""
    state = selectors.readiness()
    checks = {
        "database": "ok" if state.database else "unreachable",
        "worker": "ok" if state.worker else "no worker seen recently",
        "queue": "ok" if state.queue else "the oldest queued job is too old",
    }
    return JsonResponse(
        {"status": "ready" if state.ready else "not ready", "checks": checks},
        status=200 if state.ready else 503,
    )
