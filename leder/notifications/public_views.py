"""The public notification form at /notify: no account, one topic a page, check your answers,
then a confirmation with a reference. See docs/adr/0006-public-notification-form.md.

What the notifier sees never depends on whether someone else has already told us about the
same person: duplicates are flagged for the local area contact, never mentioned here.
"""

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from leder.core.audit import client_ip
from leder.notifications import presenters, ratelimit
from leder.notifications.eligibility import explanation_for
from leder.notifications.forms import submission_inputs
from leder.notifications.models import Channel
from leder.notifications.services import notification_submit
from leder.notifications.wizard import STEPS, Wizard, change_url, step_for

FIRST_STEP = STEPS[0]


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Before you start: what we will ask, what happens next, easy read."""
    return render(request, "notifications/start.jinja", {"first_step_url": FIRST_STEP.url})


@require_http_methods(["GET", "POST"])
@ratelimit.limit_posts(ratelimit.step_limit)
def step(request: HttpRequest, slug: str) -> HttpResponse:
    """One question page. Earlier pages must be answered first; after a valid answer, go on to
    the next page, or back to the check page when changing an answer."""
    page = step_for(slug)
    if page is None:
        raise Http404
    wizard = Wizard(request.session)
    wizard.start()
    changing = request.GET.get("change") == "1"
    unanswered = wizard.first_incomplete(before=page)
    if unanswered is not None:
        return redirect(unanswered.url)
    if not wizard.is_asked(page):
        following = wizard.next_step(page)
        return redirect(following.url if following else "notifications:check")

    if request.method == "POST":
        form = wizard.form(page, data=request.POST)
        if form.is_valid():
            wizard.save(page, form)
            if changing:
                unanswered = wizard.first_incomplete()
                return redirect(change_url(unanswered) if unanswered else "notifications:check")
            following = wizard.next_step(page)
            return redirect(following.url if following else "notifications:check")
    else:
        form = wizard.form(page)

    if changing:
        back_url = reverse("notifications:check")
    else:
        previous = wizard.previous_step(page)
        back_url = previous.url if previous else reverse("notifications:start")
    return render(
        request,
        page.template,
        {
            "form": form,
            "step": page,
            "back_url": back_url,
            "has_errors": bool(form.errors),
            "area_from_gp": wizard.area_from_gp,
        },
    )


@require_http_methods(["GET", "POST"])
@ratelimit.limit_posts(ratelimit.submission_limit)
def check(request: HttpRequest) -> HttpResponse:
    """Check your answers (GET) and send the notification (POST)."""
    wizard = Wizard(request.session)
    if request.method == "POST":
        return _submit(request, wizard)
    wizard.start()
    unanswered = wizard.first_incomplete()
    if unanswered is not None:
        return redirect(unanswered.url)
    sections = presenters.answer_sections(wizard.cleaned(), area_from_gp=wizard.area_from_gp)
    return render(
        request,
        "notifications/check.jinja",
        {
            "sections": [
                {
                    "heading": section.heading,
                    "rows": section.summary_rows(lambda slug: change_url(step_for(slug))),
                }
                for section in sections
            ],
            "submission_key": wizard.submission_key,
            "back_url": wizard.last_step().url,
        },
    )


def _submit(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    posted_key = request.POST.get("submission_key", "")
    # Sent already from this session (a double click, a refresh, a retry): the same confirmation.
    reference = wizard.reference_for_key(posted_key)
    if reference is not None:
        return redirect("notifications:done", reference=reference)
    if wizard.submission_key is None or posted_key != wizard.submission_key:
        # An old tab, or a session that has expired: show the answers we hold (or the start).
        return redirect("notifications:check")
    unanswered = wizard.first_incomplete()
    if unanswered is not None:
        return redirect(unanswered.url)
    person, notifier = submission_inputs(wizard.cleaned())
    try:
        result = notification_submit(
            person=person,
            notifier=notifier,
            channel=Channel.ONLINE,
            submission_key=uuid.UUID(posted_key),
            ip_address=client_ip(request),
        )
    except ValidationError:
        # The dates page checks the same rules; this only happens if the date changed overnight.
        return redirect(step_for("dates").url)
    reference = result.notification.reference
    wizard.finish(
        reference=reference,
        reason=result.assessment.reason,
        email_given=bool(notifier.email),
    )
    return redirect("notifications:done", reference=reference)


@require_GET
def done(request: HttpRequest, reference: str) -> HttpResponse:
    """The confirmation, shown only to the session that sent the notification."""
    confirmation = Wizard(request.session).confirmation(reference)
    if confirmation is None:
        raise Http404
    return render(
        request,
        "notifications/done.jinja",
        {
            "reference": reference,
            "explanation": explanation_for(confirmation["reason"]),
            "email_given": confirmation["email_given"],
        },
    )
