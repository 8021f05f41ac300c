"""The family's own pages, at /family/<token>/… (public: no account). The first page asks for
the second factor; every other page needs it passed in this browser session, for this link's
current token (a replaced or withdrawn link ends the session). Pages show only the invitation's
own case (ADR 0183)."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from leder.core import audit, presenters
from leder.core.form_page import form_page, posted
from leder.core.models import AuditAction
from leder.core.time import now
from leder.families import selectors, services
from leder.families.forms import CareForm, CodeForm, CommentForm, DateOfBirthForm, StoryForm
from leder.families.models import ContributionKind, SecondFactor, SharedDraft
from leder.organisations.presenters import icb_contact

SESSION_KEY = "family_link"


def _ip(request) -> str | None:
    return audit.client_ip(request)


def _problem_page(request, problem: str, invitation=None) -> HttpResponse:
    context = {"problem": problem}
    if invitation is not None:
        context["team"] = icb_contact(invitation.case.notification.icb)
    return render(
        request, "families/unavailable.jinja", context, status=404 if problem == "unknown" else 410
    )


def _person(invitation) -> dict:
    person = invitation.case.notification
    return {
        "name": presenters.person_name(given=person.given_name, family=person.family_name),
        "given_name": person.given_name,
    }


def _context(invitation, token: str, **extra) -> dict:
    return {
        "invitation": invitation,
        "token": token,
        "person": _person(invitation),
        "reference": invitation.case.reference,
        "team": icb_contact(invitation.case.notification.icb),
        "easy_read": invitation.contact.easy_read,
        **extra,
    }


def _verified(request, invitation) -> bool:
    held = request.session.get(SESSION_KEY) or {}
    if held.get("invitation") != invitation.pk or held.get("token_hash") != invitation.token_hash:
        return False
    until = held.get("until")
    return bool(until) and datetime.fromisoformat(until) > now()


def _open(request, token: str):
    """(invitation, None) for a usable link whose factor was passed here, else (None, response)."""
    link = services.link_resolve(token)
    if not link.usable:
        return None, _problem_page(request, link.problem, link.invitation)
    if not _verified(request, link.invitation):
        return None, redirect("families:start", token=token)
    return link.invitation, None


def _remember(request, invitation) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "invitation": invitation.pk,
        "token_hash": invitation.token_hash,
        "until": (now() + timedelta(hours=services.SESSION_HOURS)).isoformat(),
    }


@never_cache
def start(request: HttpRequest, token: str) -> HttpResponse:
    """Who the link is from, and the second factor. Nothing about the person until it is passed."""
    link = services.link_resolve(token)
    if not link.usable:
        return _problem_page(request, link.problem, link.invitation)
    invitation = link.invitation
    if _verified(request, invitation):
        return redirect("families:home", token=token)
    by_date = invitation.second_factor == SecondFactor.DATE_OF_BIRTH
    code_sent_to = request.session.get(f"family_code_sent_{invitation.pk}")
    action = request.POST.get("action") if request.method == "POST" else None
    form = None
    problem = ""
    if action == "send_code" and not by_date:
        try:
            chosen = services.code_send(invitation=invitation, ip_address=_ip(request))
        except ValidationError as error:
            problem = error.messages[0]
        else:
            request.session[f"family_code_sent_{invitation.pk}"] = (
                "your mobile phone" if chosen.channel == "sms" else "your email address"
            )
            return redirect("families:start", token=token)
    elif action == "verify":
        form = DateOfBirthForm(request.POST) if by_date else CodeForm(request.POST)
        if form.is_valid():
            try:
                ok = services.factor_check(
                    invitation=invitation,
                    code=form.cleaned_data.get("code", ""),
                    date_of_birth=form.cleaned_data.get("date_of_birth"),
                    ip_address=_ip(request),
                )
            except services.Locked:
                return _problem_page(request, services.LinkProblem.LOCKED, invitation)
            if ok:
                invitation.refresh_from_db()
                _remember(request, invitation)
                return redirect("families:home", token=token)
            invitation.refresh_from_db()
            if invitation.locked_until and invitation.locked_until > now():
                return _problem_page(request, services.LinkProblem.LOCKED, invitation)
            field = "date_of_birth" if by_date else "code"
            form.add_error(
                field,
                "The date of birth does not match our records"
                if by_date
                else "The code is not right, or it has expired. Check it, or ask for a new one",
            )
    if form is None:
        form = DateOfBirthForm() if by_date else CodeForm()
    return render(
        request,
        "families/start.jinja",
        {
            "form": form,
            "has_errors": bool(form.errors) or bool(problem),
            "problem": problem,
            "by_date": by_date,
            "code_sent_to": code_sent_to,
            "recipient": invitation.contact.name,
            "team": icb_contact(invitation.case.notification.icb),
            "reference": invitation.case.reference,
            "token": token,
        },
    )


@never_cache
def home(request: HttpRequest, token: str) -> HttpResponse:
    invitation, refused = _open(request, token)
    if refused:
        return refused
    case = invitation.case
    drafts = selectors.latest_drafts(case)
    mine = list(selectors.contributions_of(invitation))
    # The page names the person who died: a view of them, recorded like any other.
    audit.record(
        actor=services.family_actor(invitation),
        action=AuditAction.VIEW,
        obj=case,
        summary=f"A family member opened their page for {case.reference}",
        ip_address=_ip(request),
    )
    return render(
        request,
        "families/home.jinja",
        _context(
            invitation,
            token,
            drafts=drafts,
            contributions=[(c, selectors.contribution_lines(c)) for c in reversed(mine)],
            can_add=case.state in services.OPEN_FOR_CONTRIBUTIONS,
            copy_ready=case.state == "completed",
        ),
    )


@never_cache
def about(request: HttpRequest, token: str, easy_read: bool = False) -> HttpResponse:
    invitation, refused = _open(request, token)
    if refused:
        return refused
    template = "families/about_easy_read.jinja" if easy_read else "families/about.jinja"
    return render(request, template, _context(invitation, token))


def _add(request, token, *, form_class, template, kind, answers, draft=None, heading=""):
    invitation, refused = _open(request, token)
    if refused:
        return refused
    if invitation.case.state not in services.OPEN_FOR_CONTRIBUTIONS:
        return redirect("families:home", token=token)
    form = form_class(posted(request), request.FILES or None)

    def save(data):
        uploads = [data["file"]] if data.get("file") else []
        return services.contribution_add(
            invitation=invitation,
            kind=kind,
            answers=answers(data),
            draft=draft,
            uploads=uploads,
            ip_address=_ip(request),
        )

    return form_page(
        request,
        form=form,
        template=template,
        save=save,
        success=lambda _: redirect("families:home", token=token),
        message="Thank you. We have added this to the review and your reviewer will read it.",
        context=lambda: _context(invitation, token, draft=draft, heading=heading),
    )


@never_cache
def story(request: HttpRequest, token: str) -> HttpResponse:
    return _add(
        request,
        token,
        form_class=StoryForm,
        template="families/story.jinja",
        kind=ContributionKind.STORY,
        answers=lambda d: {"story": d["story"]},
    )


@never_cache
def care(request: HttpRequest, token: str) -> HttpResponse:
    return _add(
        request,
        token,
        form_class=CareForm,
        template="families/care.jinja",
        kind=ContributionKind.CARE,
        answers=lambda d: {k: d[k] for k in ("worked", "not_worked", "focused_review")},
    )


@never_cache
def draft(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    link = services.link_resolve(token)
    if not link.usable:
        return _problem_page(request, link.problem, link.invitation)
    # Only a draft of the link's own case: anything else is 404, as if it did not exist.
    shared = get_object_or_404(SharedDraft, pk=pk, case_id=link.invitation.case_id)
    response = _add(
        request,
        token,
        form_class=CommentForm,
        template="families/draft.jinja",
        kind=ContributionKind.COMMENT,
        answers=lambda d: {"comment": d["comment"]},
        draft=shared,
    )
    if request.method == "GET" and response.status_code == 200:
        audit.record(
            actor=services.family_actor(link.invitation),
            action=AuditAction.VIEW,
            obj=shared,
            summary=f"A family member read the {shared.get_kind_display().lower()}",
            ip_address=_ip(request),
        )
    return response


@never_cache
def family_copy(request: HttpRequest, token: str, easy_read: bool = False) -> HttpResponse:
    """The family copy (ADR 0166), or its easy-read version, once the review is signed off."""
    invitation, refused = _open(request, token)
    if refused:
        return refused
    from leder.families.copy import family_copy_for

    case = invitation.case
    if case.state != "completed":
        return render(request, "families/copy_not_yet.jinja", _context(invitation, token))
    copy = family_copy_for(case, is_draft=False)
    audit.record(
        actor=services.family_actor(invitation),
        action=AuditAction.VIEW,
        obj=case,
        summary=f"A family member read the {'easy-read ' if easy_read else ''}family copy "
        f"of {case.reference}",
        ip_address=_ip(request),
    )
    if easy_read:
        return render(
            request,
            "families/copy_easy_read.jinja",
            _context(invitation, token, copy=copy, easy=copy.easy_read),
        )
    return render(request, "families/copy.jinja", _context(invitation, token, copy=copy))


@never_cache
def concerns(request: HttpRequest, token: str) -> HttpResponse:
    invitation, refused = _open(request, token)
    if refused:
        return refused
    return render(request, "families/concerns.jinja", _context(invitation, token))


def sign_out(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        raise Http404()
    request.session.pop(SESSION_KEY, None)
    return render(request, "families/signed_out.jinja", {"token": token})
