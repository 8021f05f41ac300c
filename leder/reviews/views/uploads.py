"""The public upload page an organisation reaches through a records request's link,
/records/upload/<token>. No account: the token is the only key, and it opens its one request.

What the page shows, to the link's holder only: the organisation asked, the person's name and
date of birth (the organisation needs them to find the right records; the e-mail carries only
the case reference), the reference, what is asked, when the link stops working, and the files
already uploaded through this link. Nothing else of the review or the case.

An unknown token gets 404, an expired or withdrawn one (or one whose review is finished) 410
Gone, each with a page saying what to do; nothing is stored. POSTs are rate-limited per client
address. The body is not parsed until the size-limiting upload handler is in place, so an
oversized file is never written in full: that is why the view is CSRF-exempt on the outside and
CSRF-protected inside (the pattern Django documents for changing upload handlers).
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from leder.core import audit
from leder.core.edges import reads_its_own_body
from leder.notifications.ratelimit import HOUR, MINUTE, Limit, hit
from leder.reviews.forms.contacts import UploadForm
from leder.reviews.presenters.contacts import just_uploaded, upload_person, uploaded_files
from leder.reviews.services import uploads as services

# Uploading is slow work for a person: 30 files an hour from one address is generous, and still
# stops a script filling the disk (the default of LEDER_UPLOAD_RATE_LIMIT_PER_HOUR).
DEFAULT_UPLOADS_PER_HOUR = 30

PROBLEM_STATUS = {
    services.LinkProblem.UNKNOWN: 404,
    services.LinkProblem.EXPIRED: 410,
    services.LinkProblem.WITHDRAWN: 410,
    services.LinkProblem.CLOSED: 410,
}


def upload_limit() -> Limit:
    per_hour = getattr(settings, "LEDER_UPLOAD_RATE_LIMIT_PER_HOUR", DEFAULT_UPLOADS_PER_HOUR)
    return Limit("records-upload", per_hour, HOUR)


class SizeLimitHandler(FileUploadHandler):
    """Stops reading a file once it passes the size limit, so an oversized upload is never
    stored, not even in a temporary file; `exceeded` tells the view to say why."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            # Read and discard the rest of the request, so the browser gets our page.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def _private(view):
    """The page holds personal data and its URL a secret: not cached, not indexed, and the URL
    is not sent to other sites as a referrer ("same-origin"; "no-referrer" would make browsers
    send `Origin: null` with the form, which Django's CSRF check rightly refuses)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapped


@reads_its_own_body
@csrf_exempt
@_private
def upload(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        limit = upload_limit()
        if not hit(limit, ident=audit.client_ip(request) or "unknown"):
            response = render(
                request,
                "reviews/uploads/rate_limited.jinja",
                {"retry_minutes": max(1, limit.period_seconds // MINUTE)},
                status=429,
            )
            response["Retry-After"] = str(limit.period_seconds)
            return response
        # Before anything reads the body (the CSRF check below does).
        request.upload_handlers.insert(0, SizeLimitHandler(request, limit=services.max_bytes()))
    return _upload(request, token)


def _unavailable(request: HttpRequest, problem: str) -> HttpResponse:
    return render(
        request,
        "reviews/uploads/unavailable.jinja",
        {"problem": problem},
        status=PROBLEM_STATUS[problem],
    )


@csrf_protect
def _upload(request: HttpRequest, token: str) -> HttpResponse:
    link = services.upload_link_resolve(token)
    if not link.usable:
        return _unavailable(request, link.problem)
    records_request = link.request
    form = UploadForm()
    status = 200
    if request.method == "POST":
        handler = request.upload_handlers[0]
        form = UploadForm(request.POST, request.FILES)
        if isinstance(handler, SizeLimitHandler) and handler.exceeded:
            limit = services.size_label(services.max_bytes())
            form.refuse(f"The selected file must be smaller than {limit}")
            status = 413
        elif form.is_valid():
            try:
                record = services.record_upload(
                    token=token,
                    upload=form.cleaned_data["file"],
                    ip_address=audit.client_ip(request),
                )
            except services.UploadRefused as refused:
                form.add_error("file", refused.messages[0])
                status = 400
            except PermissionDenied:
                # The link expired or was withdrawn while the file was arriving.
                return _unavailable(request, services.upload_link_resolve(token).problem)
            else:
                # Said on the page through the query, not the session: nothing a browser keeps
                # may show one request's files on another request's page.
                return redirect(f"{request.path}?uploaded={record.pk}")
        else:
            status = 400
    audit.record_view(
        actor=None,
        obj=records_request,
        summary=(
            f"Upload page for {records_request.review.case.reference} opened through the link "
            f"sent to {records_request.organisation.name}"
        ),
        request=request,
    )
    return render(
        request,
        "reviews/uploads/upload.jinja",
        {
            "request_row": records_request,
            "person_rows": upload_person(records_request),
            "files": uploaded_files(records_request),
            "just_uploaded": just_uploaded(records_request, request.GET.get("uploaded")),
            "form": form,
            "has_errors": bool(form.errors),
        },
        status=status,
    )
