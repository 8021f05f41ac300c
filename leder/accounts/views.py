"""Signing in (password, then a security code), setting up two-factor authentication, signing
out, the lockout page and the staff home page.

Every change goes through `leder.accounts.services`; these views only read forms, call services
and choose what to show.
"""

import math
from urllib.parse import urlencode

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from leder.accounts import presenters, rules, selectors, services
from leder.accounts.decorators import verified_staff_required
from leder.accounts.forms import (
    SIGN_IN_FAILED,
    PasswordChangeForm,
    RecoveryCodeForm,
    RoleGrantDecisionForm,
    SecurityCodeForm,
    SignInForm,
)
from leder.core.form_page import fields, form_page, posted
from leder.core.presenters import count, datetime_long
from leder.core.time import now, today
from leder.core.worklist import waiting_for

# Below this many recovery codes the user is told to make new ones.
RECOVERY_CODES_LOW = 3


def _next_url(request: HttpRequest) -> str | None:
    """The page to return to after signing in, if it is a safe one on this site."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _with_next(url_name: str, request: HttpRequest) -> str:
    target = _next_url(request)
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': target})}" if target else url


def _after_verified(request: HttpRequest) -> HttpResponse:
    return redirect(_next_url(request) or reverse("accounts:home"))


def _idle_minutes() -> int:
    return max(1, settings.SESSION_IDLE_TIMEOUT_SECONDS // 60)


# --- password -----------------------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """E-mail address and password. django-axes sees every attempt (through `authenticate`) and
    locks out an address from an IP address after AXES_FAILURE_LIMIT failures. The error never
    says whether the address has an account."""
    user = request.user
    if user.is_authenticated:
        if user.is_verified():
            return _after_verified(request)
        return redirect(_with_next("accounts:two_factor", request))

    form = SignInForm(posted(request))

    def sign_in_with(data):
        # `request=` lets django-axes count this attempt and refuse it when locked out.
        authenticated = authenticate(
            request=request, email=data["email"], password=data["password"]
        )
        if authenticated is None:
            locked = bool(getattr(request, "axes_locked_out", False))
            services.sign_in_failure_record(request=request, email=data["email"], locked_out=locked)
            if not locked:
                raise ValidationError(SIGN_IN_FAILED)
            return None
        services.user_sign_in(request=request, user=authenticated)
        return authenticated

    def then(authenticated) -> HttpResponse:
        if authenticated is None:
            return locked_out(request, None, {"email": form.cleaned_data["email"]})
        if selectors.totp_device_for(user=authenticated) is None:
            return redirect(_with_next("accounts:two_factor_setup", request))
        return redirect(_with_next("accounts:two_factor", request))

    return form_page(
        request,
        form=form,
        template="accounts/sign_in.jinja",
        save=sign_in_with,
        success=then,
        context={
            "timed_out": request.GET.get("timed_out") == "1",
            "idle_minutes": _idle_minutes(),
        },
    )


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): HTTP 429, when to try again and
    who can help sooner. It does not say whether the e-mail address has an account."""
    cool_off = get_cool_off(request)
    retry_at = now() + cool_off if cool_off else None
    response = render(
        request,
        "accounts/locked_out.jinja",
        {
            "retry_at": datetime_long(retry_at) if retry_at else None,
            "cool_off_minutes": count(math.ceil(cool_off.total_seconds() / 60), "minute")
            if cool_off
            else None,
            "support_contact": getattr(settings, "LEDER_SUPPORT_CONTACT", ""),
        },
        status=429,
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


# --- second factor ------------------------------------------------------------------------------


def _password_session_or_redirect(request: HttpRequest) -> HttpResponse | None:
    """The second-factor pages are for someone who has just given their password."""
    user = request.user
    if not user.is_authenticated:
        return redirect(reverse("accounts:sign_in"))
    if user.is_verified():
        return _after_verified(request)
    return None


def _accepted(check: services.CodeCheck, *, wrong: str) -> services.CodeCheck:
    """The check, if the code was accepted; otherwise a refusal beside the code: `wrong`, or how
    long to wait after too many wrong codes."""
    if check.accepted:
        return check
    if check.locked_until:
        wrong = (
            f"You have entered too many wrong codes. {presenters.wait_phrase(check.locked_until)}"
        )
    raise ValidationError({"code": wrong})


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """The 6-digit code from the authenticator app, after the password."""
    if (response := _password_session_or_redirect(request)) is not None:
        return response
    if selectors.totp_device_for(user=request.user) is None:
        return redirect(_with_next("accounts:two_factor_setup", request))

    return form_page(
        request,
        form=SecurityCodeForm(posted(request)),
        template="accounts/two_factor.jinja",
        save=lambda data: _accepted(
            services.two_factor_verify(request=request, token=data["code"]),
            wrong="The security code is not right: enter the latest code from your app",
        ),
        success=lambda check: _after_verified(request),
        context={"recovery_url": _with_next("accounts:two_factor_recovery", request)},
    )


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_recovery(request: HttpRequest) -> HttpResponse:
    """A recovery code instead of the app's code, for someone without their phone."""
    if (response := _password_session_or_redirect(request)) is not None:
        return response
    if selectors.totp_device_for(user=request.user) is None:
        return redirect(_with_next("accounts:two_factor_setup", request))

    def codes_left(check: services.CodeCheck) -> HttpResponse:
        left = check.recovery_codes_left or 0
        text = f"You have {count(left, 'recovery code')} left."
        if left <= RECOVERY_CODES_LOW:
            text += " Get new recovery codes from your account page."
        messages.warning(request, text)
        return _after_verified(request)

    return form_page(
        request,
        form=RecoveryCodeForm(posted(request)),
        template="accounts/two_factor_recovery.jinja",
        save=lambda data: _accepted(
            services.recovery_code_use(request=request, code=data["code"]),
            wrong="The recovery code is not right, or it has been used already",
        ),
        success=codes_left,
        context={"code_url": _with_next("accounts:two_factor", request)},
    )


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: scan the QR code (or type the key) into an authenticator app, then confirm
    with a code. The recovery codes are shown once, in the response to that confirmation."""
    if (response := _password_session_or_redirect(request)) is not None:
        return response
    user = request.user
    if selectors.totp_device_for(user=user) is not None:
        # Already set up: replacing the app takes an administrator's reset (see services).
        return redirect(_with_next("accounts:two_factor", request))

    def confirm(data) -> services.CodeCheck | None:
        try:
            check = services.totp_device_confirm(request=request, token=data["code"])
        except PermissionDenied:
            # The page was opened before a reset, or in another tab that finished the set-up.
            return None
        return _accepted(
            check,
            wrong="The security code is not right: check the app shows LeDeR and enter its "
            "latest code",
        )

    def recovery_codes(check: services.CodeCheck | None) -> HttpResponse:
        if check is None:
            return redirect(_with_next("accounts:two_factor_setup", request))
        return render(
            request,
            "accounts/recovery_codes.jinja",
            {
                "codes": check.recovery_codes,
                "continue_url": _next_url(request) or reverse("accounts:home"),
                "first_time": True,
            },
        )

    def setting_up() -> dict:
        device = services.totp_device_start(user=user)
        return {
            "qr_code": presenters.qr_code_svg(
                device.config_url,
                title="QR code to add LeDeR to your authenticator app. "
                "The same key is written out below it.",
            ),
            "key_groups": presenters.secret_key_groups(device.bin_key),
        }

    return form_page(
        request,
        form=SecurityCodeForm(posted(request)),
        template="accounts/two_factor_setup.jinja",
        save=confirm,
        success=recovery_codes,
        context=setting_up,
    )


@never_cache
@verified_staff_required
@require_http_methods(["GET", "POST"])
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """Replace the recovery codes: a page that explains, then the new codes shown once."""
    if request.method == "POST":
        codes = services.recovery_codes_replace(request=request)
        return render(
            request,
            "accounts/recovery_codes.jinja",
            {"codes": codes, "continue_url": reverse("accounts:home"), "first_time": False},
        )
    return render(
        request,
        "accounts/recovery_codes_new.jinja",
        {"remaining": selectors.recovery_codes_remaining(user=request.user)},
    )


@never_cache
@sensitive_post_parameters("current_password", "new_password", "new_password_again")
@verified_staff_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change your own password: the current one, then the new one twice."""
    return form_page(
        request,
        form=PasswordChangeForm(posted(request)),
        template="accounts/password_change.jinja",
        save=lambda data: services.user_change_own_password(
            request=request, **fields(data, "current_password", "new_password")
        ),
        success="accounts:home",
        message="Your password has been changed",
    )


# --- signing out and home -----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """Signing out changes state, so it takes a POST; a GET (the header link) shows a page with
    the button."""
    if request.method == "POST":
        if request.user.is_authenticated:
            services.user_sign_out(request=request)
            messages.success(request, "You have signed out")
        return redirect("accounts:sign_in")
    if not request.user.is_authenticated:
        return redirect("accounts:sign_in")
    return render(request, "accounts/sign_out.jinja")


@verified_staff_required
@require_http_methods(["GET"])
def staff_home(request: HttpRequest) -> HttpResponse:
    """The staff home page: what waits for the user (counts, each linking to its list), the
    pages their roles use, their roles and their recovery codes."""
    user = request.user
    memberships = list(selectors.memberships_current_for(user=user))
    remaining = selectors.recovery_codes_remaining(user=user)
    waiting = [] if rules.is_administrator(user) else waiting_for(user, today=today())
    return render(
        request,
        "accounts/home.jinja",
        {
            "waiting": presenters.waiting_cards(waiting),
            "role_rows": presenters.role_rows(memberships),
            "links": presenters.staff_links(user),
            "is_administrator": rules.is_administrator(user),
            "recovery_codes_remaining": remaining,
            "recovery_codes_low": remaining <= RECOVERY_CODES_LOW,
            "role_grants": [presenters.RoleGrantRow(g) for g in selectors.role_grants_recent(user)],
        },
    )


@verified_staff_required
def role_grant_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or refuse a role an administrator proposed (ADR 0120): the ICB's executive lead
    (or another administrator, as configured), never the proposer, the person themselves or
    whoever created their account."""
    grant = selectors.role_grants_for_decider(request.user).filter(pk=pk).first()
    if grant is None:
        raise Http404("No such proposal for you to decide")

    def decide(data):
        if data["decision"] == "approve":
            return services.role_grant_approve(actor=request.user, grant=grant, request=request)
        return services.role_grant_refuse(
            actor=request.user, grant=grant, reason=data["reason"], request=request
        )

    return form_page(
        request,
        form=RoleGrantDecisionForm(posted(request)),
        template="accounts/role_grant_decide.jinja",
        save=decide,
        success=lambda _: redirect("accounts:home"),
        message=lambda decided: f"{decided.get_status_display()}: {decided}",
        context=lambda: {
            "g": presenters.RoleGrantRow(grant),
            "refusal": services.role_grant_approval_refusal(actor=request.user, grant=grant),
        },
        refusals=(PermissionDenied,),
    )
