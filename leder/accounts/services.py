"""Every change to accounts, roles, sessions and second factors.

Each service is keyword-only, checks permission, changes state and writes the audit row in one
`transaction.atomic()`. Views, the admin, management commands and the demo loader all call these.

`actor` is the user doing it, or a string naming a system process (`"system:demo"`,
`"system:command"`) for work done from the command line, where nobody is signed in.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from leder.accounts import rules, selectors
from leder.accounts.models import Membership, Role, RoleGrant, RoleGrantStatus, User
from leder.accounts.sealing import recovery_code_digest
from leder.core import audit
from leder.core.changes import changed_fields, save_changed
from leder.core.models import AuditAction, AuditEvent
from leder.core.presenters import date_long
from leder.core.time import now, today
from leder.organisations.models import Organisation

SYSTEM_ACTOR_PREFIX = "system:"
RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"
TOTP_DEVICE_NAME = "Authenticator app"


# --- permission ---------------------------------------------------------------------------------


def _require_user_manager(actor) -> None:
    """Administrators manage accounts; so may a named system process (the demo loader, a
    management command), which has already been authorised by whoever could run it."""
    if isinstance(actor, str):
        if not actor.startswith(SYSTEM_ACTOR_PREFIX):
            raise ValueError(f"A system actor is named 'system:…', not {actor!r}")
        return
    if not rules.can_manage_users(actor):
        raise PermissionDenied("Only administrators can manage accounts and roles.")


def _ip(request) -> str | None:
    return audit.client_ip(request) if request is not None else None


# --- accounts -----------------------------------------------------------------------------------


def _normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def user_create(
    *,
    actor,
    email: str,
    full_name: str,
    password: str | None = None,
    job_title: str = "",
    request=None,
) -> User:
    """Create an account. Without a password the account cannot sign in until one is set.

    Guarantees: only an administrator (or a system process); the e-mail address is stored in
    lower case and is unique without regard to case; the password passes the password
    validators; one CREATE audit row. Raises ValidationError, writing nothing, on bad input."""
    _require_user_manager(actor)
    email = _normalise_email(email)
    full_name = (full_name or "").strip()
    errors: dict[str, list[str]] = {}
    if not email:
        errors["email"] = ["Enter an e-mail address"]
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [
                "Enter an e-mail address in the correct format, like name@example.com"
            ]
        else:
            if User.objects.filter(email__iexact=email).exists():
                errors["email"] = ["An account with this e-mail address already exists"]
    if not full_name:
        errors["full_name"] = ["Enter the person's full name"]
    if password is not None and not errors:
        try:
            validate_password(password, User(email=email, full_name=full_name))
        except ValidationError as error:
            errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        user = User.objects.create_user(
            email, password=password, full_name=full_name, job_title=job_title.strip()
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=user,
            summary=f"Created the account {user.email}",
            details={"email": user.email, "full_name": user.full_name},
            ip_address=_ip(request),
        )
    return user


# The account fields an administrator may change through `user_update`.
USER_EDITABLE_FIELDS = ("email", "full_name", "job_title")


def user_update(*, actor, user: User, request=None, **changes) -> list[str]:
    """Change an account's e-mail address, name or job title. Returns the fields that changed.

    Guarantees: only an administrator; the same e-mail rules as `user_create`; one UPDATE audit
    row listing each changed field's old and new value (no row when nothing changed)."""
    _require_user_manager(actor)
    unknown = set(changes) - set(USER_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"user_update cannot change {', '.join(sorted(unknown))}")
    if "email" in changes:
        changes["email"] = _normalise_email(changes["email"])
        try:
            validate_email(changes["email"])
        except ValidationError:
            raise ValidationError(
                {"email": "Enter an e-mail address in the correct format, like name@example.com"}
            ) from None
        if User.objects.filter(email__iexact=changes["email"]).exclude(pk=user.pk).exists():
            raise ValidationError({"email": "An account with this e-mail address already exists"})
    if "full_name" in changes:
        changes["full_name"] = changes["full_name"].strip()
        if not changes["full_name"]:
            raise ValidationError({"full_name": "Enter the person's full name"})

    changed = changed_fields(user, changes)
    if not changed:
        return []
    with transaction.atomic():
        save_changed(user, changed)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            summary=f"Changed {', '.join(changed)} of the account {user.email}",
            details={"changed": changed},
            ip_address=_ip(request),
        )
    return list(changed)


def _check_password_rules(password: str, user: User, *, field: str) -> None:
    """The password validators' refusal, as an error on the form's `field`."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({field: list(error.messages)}) from None


def user_set_password(*, actor, user: User, password: str, request=None) -> None:
    """Set a new password (an administrator setting a first or replacement password).

    Guarantees: only an administrator; the password validators pass; the account's existing
    sessions stop working (Django ties sessions to the password hash); one UPDATE audit row that
    says the password changed and never what it is."""
    _require_user_manager(actor)
    _check_password_rules(password, user, field="password")
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            summary=f"Set a new password for {user.email}",
            details={"changed": ["password"]},
            ip_address=_ip(request),
        )


def user_change_own_password(*, request, current_password: str, new_password: str) -> None:
    """The signed-in user replaces their own password (for example the first one an
    administrator set). Raises ValidationError, writing nothing, if the current password is wrong
    or the new one fails the validators.

    Guarantees: only for a verified session; this session stays signed in while the account's
    other sessions end; one UPDATE audit row that never contains a password."""
    user = request.user
    if not rules.is_verified_staff(user):
        raise PermissionDenied("Sign in with your security code first.")
    if not user.check_password(current_password):
        raise ValidationError({"current_password": "Your current password is not right"})
    _check_password_rules(new_password, user, field="new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        update_session_auth_hash(request, user)
        audit.record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=user,
            summary="Changed their own password",
            details={"changed": ["password"]},
            ip_address=_ip(request),
        )


def user_deactivate(*, actor, user: User, request=None) -> None:
    """Stop an account from signing in, and end every role it holds today.

    Guarantees: only an administrator; nobody deactivates their own account (so an installation
    cannot lose its last administrator by accident); the account's open sessions stop at their
    next request (Django refuses inactive users); roles end today, each with its own audit row,
    plus one UPDATE row for the account."""
    _require_user_manager(actor)
    if isinstance(actor, User) and actor.pk == user.pk:
        raise ValidationError("You cannot deactivate your own account")
    if not user.is_active:
        raise ValidationError(f"{user.email} is already deactivated")
    with transaction.atomic():
        ended = []
        for membership in Membership.objects.current().filter(user=user):
            membership_end(actor=actor, membership=membership, request=request)
            ended.append(membership.pk)
        user.is_active = False
        user.is_staff = False
        user.save(update_fields=["is_active", "is_staff"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            summary=f"Deactivated the account {user.email}",
            details={"changed": {"is_active": [True, False]}, "memberships_ended": ended},
            ip_address=_ip(request),
        )
    rules.forget_roles(user)


def user_reactivate(*, actor, user: User, request=None) -> None:
    """Let a deactivated account sign in again. Its roles are not restored: grant them again.

    Guarantees: only an administrator; one UPDATE audit row."""
    _require_user_manager(actor)
    if user.is_active:
        raise ValidationError(f"{user.email} is already active")
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            summary=f"Reactivated the account {user.email}",
            details={"changed": {"is_active": [False, True]}},
            ip_address=_ip(request),
        )


def user_unlock(*, actor, user: User, request=None) -> int:
    """Clear the failed sign-in attempts that locked `user` out (django-axes), so they can try
    again before the lockout ends. Returns how many attempt records were removed.

    Guarantees: only an administrator; one UPDATE audit row."""
    _require_user_manager(actor)
    with transaction.atomic():
        removed = axes_reset(username=user.email)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            summary=f"Cleared failed sign-in attempts for {user.email}",
            details={"attempt_records_removed": removed},
            ip_address=_ip(request),
        )
    return removed


def user_reset_two_factor(*, actor, user: User, request=None) -> int:
    """Remove the user's authenticator app and recovery codes, for someone who has lost their
    phone and their codes. At their next sign-in they set up a new app. Returns how many devices
    were removed.

    Guarantees: only an administrator; one TWO_FACTOR audit row. The administrator should check
    who is asking before doing this: anyone with the password can then set up a device."""
    _require_user_manager(actor)
    with transaction.atomic():
        removed = 0
        for model in (TOTPDevice, StaticDevice):
            count, _ = model.objects.filter(user=user).delete()
            removed += count
        audit.record(
            actor=actor,
            action=AuditAction.TWO_FACTOR,
            obj=user,
            summary=f"Reset two-factor authentication for {user.email}",
            details={"event": "reset", "records_removed": removed},
            ip_address=_ip(request),
        )
    return removed


# --- roles --------------------------------------------------------------------------------------


def role_phrase(role: str) -> str:
    """ "a local area contact", "an ICB executive lead": a role's name inside a sentence."""
    label = Role(role).label
    first = label.split(" ")[0]
    if not first.isupper():
        label = label[0].lower() + label[1:]
    article = "an" if label[0].lower() in "aeiou" else "a"
    return f"{article} {label}"


def membership_validate(
    *, user: User | None, role: str, organisation: Organisation, starts_on: date
) -> None:
    """Check a proposed membership against every rule, raising ValidationError with messages
    keyed by field. `membership_grant` calls it; forms call it to show the same messages before
    saving. A `user` without a primary key (being created) skips the checks that need one."""
    if role not in Role.values:
        raise ValidationError({"role": "Select a role"})
    membership = Membership(role=role, organisation=organisation, starts_on=starts_on)
    membership.clean()  # role held at the right kind of organisation

    errors: dict[str, str] = {}
    if organisation.closed_on is not None and organisation.closed_on <= starts_on:
        errors["organisation"] = (
            f"{organisation} closed on {date_long(organisation.closed_on)}: choose the "
            "organisation that took over its work"
        )
    elif organisation.opened_on is not None and organisation.opened_on > starts_on:
        errors["organisation"] = (
            f"{organisation} opens on {date_long(organisation.opened_on)}: choose a start date "
            "on or after that"
        )
    if user is not None and user.pk is not None:
        if not user.is_active:
            errors["role"] = f"{user.email} is deactivated: reactivate the account first"
        same = Membership.objects.filter(user=user, role=role, organisation=organisation)
        if same.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on)).exists():
            errors["role"] = f"{user} is already {role_phrase(role)} at {organisation}"
        elif same.filter(starts_on=starts_on).exists():
            errors["starts_on"] = (
                f"{user} held this role at {organisation} from {date_long(starts_on)} "
                "already: choose a later start date"
            )
        # Administrators never see case content: an administrator's account holds no other role,
        # and nobody with another role becomes an administrator on the same account.
        others = Membership.objects.filter(user=user).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on)
        )
        if role == Role.ADMINISTRATOR and others.exclude(role=Role.ADMINISTRATOR).exists():
            errors["role"] = (
                f"{user} holds other roles. An administrator cannot see case content, so "
                "administrators need an account of their own"
            )
        elif role != Role.ADMINISTRATOR and others.filter(role=Role.ADMINISTRATOR).exists():
            errors["role"] = (
                f"{user} is an administrator. Administrators cannot see case content, so "
                "this role needs a different account"
            )
    if errors:
        raise ValidationError(errors)


def membership_grant(
    *,
    actor,
    user: User,
    role: str,
    organisation: Organisation,
    starts_on: date | None = None,
    request=None,
) -> Membership:
    """Give `user` a role at an organisation from `starts_on` (today by default).

    Guarantees: only an administrator (or a system process); every rule in
    `membership_validate` holds (role at the right kind of organisation, organisation open, no
    overlapping duplicate, administrators hold no other role); the administrator role turns
    on admin access (`is_staff`); one CREATE audit row. Raises ValidationError, writing nothing,
    on bad input. A role that opens case content (`rules.CASE_CONTENT_ROLES`) is refused to a
    person (PermissionDenied): it is proposed and approved by a second person instead
    (`role_grant_propose`, `role_grant_approve`, ADR 0120); system processes may grant it."""
    _require_user_manager(actor)
    if role in rules.CASE_CONTENT_ROLES and not isinstance(actor, str):
        raise PermissionDenied(
            "A role that opens case content needs a second person's approval: propose it "
            "(role_grant_propose), and the ICB's executive lead approves it."
        )
    return _membership_create(
        actor=actor,
        user=user,
        role=role,
        organisation=organisation,
        starts_on=starts_on,
        request=request,
    )


def _membership_create(
    *, actor, user: User, role: str, organisation: Organisation, starts_on, request=None
) -> Membership:
    starts_on = starts_on or today()
    with transaction.atomic():
        # Lock the account row so two grants for the same person cannot both pass the checks.
        locked = User.objects.select_for_update().get(pk=user.pk)
        membership_validate(user=locked, role=role, organisation=organisation, starts_on=starts_on)
        membership = Membership.objects.create(
            user=locked, role=role, organisation=organisation, starts_on=starts_on
        )
        if role == Role.ADMINISTRATOR and not locked.is_staff:
            locked.is_staff = user.is_staff = True
            locked.save(update_fields=["is_staff"])
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=membership,
            summary=f"Made {user.email} {role_phrase(role)} at {organisation}",
            details={
                "user_id": user.pk,
                "role": role,
                "organisation": organisation.ods_code,
                "starts_on": starts_on,
            },
            ip_address=_ip(request),
        )
    rules.forget_roles(user)
    return membership


def membership_end(
    *, actor, membership: Membership, ends_on: date | None = None, request=None
) -> Membership:
    """End a role. `ends_on` (today by default) is the first day the role is no longer held.
    Memberships are never deleted: who held which role when is part of the record.

    Guarantees: only an administrator (or a system process); a role that has already ended
    stays ended; the end is not before the start; ending the last administrator role of an
    account turns off its admin access; one UPDATE audit row."""
    _require_user_manager(actor)
    day = today()
    ends_on = ends_on or day
    if membership.ends_on is not None and membership.ends_on <= day:
        raise ValidationError(
            {"ends_on": f"This role already ended on {date_long(membership.ends_on)}"}
        )
    if ends_on < membership.starts_on:
        raise ValidationError(
            {
                "ends_on": "The end date must be the same as or after the start date, "
                f"{date_long(membership.starts_on)}"
            }
        )
    with transaction.atomic():
        previous = membership.ends_on
        membership.ends_on = ends_on
        membership.save(update_fields=["ends_on"])
        user = membership.user
        if (
            membership.role == Role.ADMINISTRATOR
            and ends_on <= day
            and user.is_staff
            and not Membership.objects.current().filter(user=user, role=Role.ADMINISTRATOR).exists()
        ):
            user.is_staff = False
            user.save(update_fields=["is_staff"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=membership,
            summary=(
                f"Ended {user.email}'s role as {role_phrase(membership.role)} at "
                f"{membership.organisation} from {date_long(ends_on)}"
            ),
            details={"changed": {"ends_on": [previous, ends_on]}},
            ip_address=_ip(request),
        )
    rules.forget_roles(user)
    return membership


# --- signing in and out -------------------------------------------------------------------------


def user_sign_in(*, request, user: User) -> None:
    """Start a session for `user` after a correct password. The session is not yet verified:
    staff pages wait for the second factor.

    Guarantees: a new session key (Django's `login` cycles it, against session fixation); one
    SIGN_IN audit row."""
    with transaction.atomic():
        login(request, user)
        audit.record(
            actor=user,
            action=AuditAction.SIGN_IN,
            obj=user,
            summary="Signed in with a password",
            details={"factor": "password"},
            ip_address=_ip(request),
        )


def sign_in_failure_record(*, request, email: str, locked_out: bool) -> None:
    """Record a failed sign-in. The row names the account only if the e-mail address belongs to
    one; what was typed is not kept (people sometimes type a password into the e-mail box).

    Guarantees: one SIGN_IN_FAILED audit row."""
    target = selectors.user_by_email(email=email) if email else None
    with transaction.atomic():
        audit.record(
            actor="anonymous sign-in attempt",
            action=AuditAction.SIGN_IN_FAILED,
            obj=target,
            summary="Sign-in refused: locked out" if locked_out else "Sign-in failed",
            details={"known_account": target is not None, "locked_out": locked_out},
            ip_address=_ip(request),
        )


def user_sign_out(*, request, reason: str = "signed out") -> None:
    """End the session. `reason` says why ("signed out", "idle").

    Guarantees: the session's data is flushed; one SIGN_OUT audit row when someone was signed
    in."""
    user = request.user
    with transaction.atomic():
        if user.is_authenticated:
            audit.record(
                actor=user,
                action=AuditAction.SIGN_OUT,
                obj=user,
                summary="Signed out" if reason == "signed out" else f"Signed out: {reason}",
                details={"reason": reason},
                ip_address=_ip(request),
            )
        logout(request)


# --- second factor ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeCheck:
    """What became of a security or recovery code.

    `locked_until` is set when too many wrong codes mean no code is tried until then.
    `recovery_codes` holds new recovery codes to show once (after setting up an app)."""

    accepted: bool
    locked_until: datetime | None = None
    recovery_codes: list[str] = field(default_factory=list)
    recovery_codes_left: int | None = None


def totp_device_start(*, user: User) -> TOTPDevice:
    """The authenticator-app device `user` is setting up: the unconfirmed one already started
    (so the QR code stays the same if the page is reloaded), or a new one with a random key.
    Refuses if the user already has a confirmed device: replacing one takes an administrator's
    reset, or anyone who learnt the password could add their own phone."""
    if selectors.totp_device_for(user=user) is not None:
        raise PermissionDenied("This account already has an authenticator app.")
    device = selectors.totp_device_unconfirmed_for(user=user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def _mark_verified(request, device) -> None:
    otp_login(request, device)
    # The session has just gained access to personal data: give it a new key, as Django's
    # `login` does after the password, so a key seen before this point is worth nothing.
    request.session.cycle_key()


def _device_to_check(model, *, user: User, confirmed: bool):
    # Locked for the check, so one code cannot be used twice at once.
    return (
        model.objects.select_for_update()
        .filter(user=user, confirmed=confirmed)
        .order_by("-pk")
        .first()
    )


def _code_check(*, request, device, token: str, refused: str, accepted) -> CodeCheck:
    """The one way a second-factor code is checked: refused unasked while django-otp's throttle
    holds (each failure doubles the wait), else checked; a refusal is audited with `refused` as
    its reason; an accepted code marks the session verified and returns `accepted()`."""
    allowed, data = device.verify_is_allowed()
    locked_until = None if allowed else (data or {}).get("locked_until")
    if locked_until is None and device.verify_token(token):
        _mark_verified(request, device)
        return accepted()
    _two_factor_record(
        request,
        summary=f"Second factor refused: {'too many wrong codes' if locked_until else refused}",
        details={"event": "refused", "reason": "throttled" if locked_until else refused},
    )
    return CodeCheck(accepted=False, locked_until=locked_until)


def _app_code_check(request, token: str, *, enrolling: bool, accepted) -> CodeCheck:
    """Check a code from the user's authenticator app, locked for the check: the app being set up
    (`enrolling`) or the confirmed one. Refused (PermissionDenied) when there is no such app;
    `accepted(device)` runs when the code is right."""
    with transaction.atomic():
        device = _device_to_check(TOTPDevice, user=request.user, confirmed=not enrolling)
        if device is None:
            raise PermissionDenied(
                "There is no authenticator app being set up."
                if enrolling
                else "This account has no authenticator app."
            )
        return _code_check(
            request=request,
            device=device,
            token=token,
            refused="enrolment code wrong" if enrolling else "security code wrong",
            accepted=lambda: accepted(device),
        )


def _two_factor_record(request, *, summary: str, details: dict) -> None:
    audit.record(
        actor=request.user,
        action=AuditAction.TWO_FACTOR,
        obj=request.user,
        summary=summary,
        details=details,
        ip_address=_ip(request),
    )


def totp_device_confirm(*, request, token: str) -> CodeCheck:
    """Finish setting up an authenticator app: the first correct code confirms the device,
    replaces any recovery codes with 10 new ones and marks the session verified.

    Guarantees: a wrong code counts towards django-otp's throttle (each further failure doubles
    the wait) and is audited; success writes one TWO_FACTOR audit row ("enrolled") and returns
    the recovery codes, which are never shown again."""

    def enrolled(device) -> CodeCheck:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(user=request.user)
        _two_factor_record(
            request, summary="Set up an authenticator app", details={"event": "enrolled"}
        )
        return CodeCheck(accepted=True, recovery_codes=codes)

    return _app_code_check(request, token, enrolling=True, accepted=enrolled)


def two_factor_verify(*, request, token: str) -> CodeCheck:
    """Check the 6-digit code from the user's authenticator app and, if right, mark the session
    verified (`django_otp.login`).

    Guarantees: the device is locked for the check, so one code cannot be used twice at once; a
    code is accepted only once (django-otp remembers the last time step used); wrong codes are
    throttled by django-otp (1, 2, 4, 8 … seconds) and audited; success writes one TWO_FACTOR
    audit row."""

    def verified(device) -> CodeCheck:
        _two_factor_record(
            request,
            summary="Verified with an authenticator app",
            details={"event": "verified", "method": "authenticator app"},
        )
        return CodeCheck(accepted=True)

    return _app_code_check(request, token, enrolling=False, accepted=verified)


def recovery_code_use(*, request, code: str) -> CodeCheck:
    """Accept one of the user's recovery codes instead of an app code. A used code is deleted, so
    it works once only.

    Guarantees: throttled and audited like `two_factor_verify`; success writes one TWO_FACTOR
    audit row saying a recovery code was used and how many are left."""

    def verified() -> CodeCheck:
        left = device.token_set.count()
        _two_factor_record(
            request,
            summary=f"Verified with a recovery code ({left} left)",
            details={"event": "verified", "method": "recovery code", "codes_left": left},
        )
        return CodeCheck(accepted=True, recovery_codes_left=left)

    with transaction.atomic():
        device = _device_to_check(StaticDevice, user=request.user, confirmed=True)
        if device is None:
            _two_factor_record(
                request,
                summary="Second factor refused: recovery code wrong",
                details={"event": "refused", "reason": "recovery code wrong"},
            )
            return CodeCheck(accepted=False)
        return _code_check(
            request=request,
            device=device,
            # Only digests are stored (leder.accounts.sealing): compare the typed code's.
            token=recovery_code_digest(normalise_recovery_code(code)),
            refused="recovery code wrong",
            accepted=verified,
        )


def normalise_recovery_code(code: str) -> str:
    """Recovery codes are shown as `abcd-efgh`; accept them with or without the hyphen, spaces or
    capitals."""
    return re.sub(r"[\s-]", "", code or "").lower()


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _recovery_codes_replace(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_digest(code)) for code in codes
    )
    return [format_recovery_code(code) for code in codes]


def recovery_codes_replace(*, request) -> list[str]:
    """Give the signed-in, verified user 10 new recovery codes; the old ones stop working.
    Returns the codes to show once.

    Guarantees: only for a verified session (someone who already passed the second factor);
    one TWO_FACTOR audit row, which does not contain the codes."""
    user = request.user
    if not rules.is_verified_staff(user):
        raise PermissionDenied("Sign in with your security code first.")
    with transaction.atomic():
        codes = _recovery_codes_replace(user=user)
        audit.record(
            actor=user,
            action=AuditAction.TWO_FACTOR,
            obj=user,
            summary="Replaced recovery codes",
            details={"event": "recovery codes replaced", "count": len(codes)},
            ip_address=_ip(request),
        )
    return codes


# --- demo ---------------------------------------------------------------------------------------


def demo_mode_enabled() -> bool:
    """Demo-only helpers work when DEBUG is on or the installation says it is a demo
    (`LEDER_DEMO_MODE`); never otherwise."""
    return bool(settings.DEBUG or getattr(settings, "LEDER_DEMO_MODE", False))


def user_enrol_totp_for_demo(*, user: User, key_hex: str) -> TOTPDevice:
    """FOR THE DEMO ONLY: give `user` a confirmed authenticator-app device with a known key, so
    that demo sign-ins work (`manage.py totp_code EMAIL` prints the current code). Replaces any
    device the user had. Like anyone who sets up an app, the user also gets 10 recovery codes
    (not shown: "Get new recovery codes" shows a fresh set), so that the demo's home pages do not
    warn of none left.

    Guarantees: refuses outside demo mode (ImproperlyConfigured); one TWO_FACTOR audit row by
    "system:demo"."""
    if not demo_mode_enabled():
        raise ImproperlyConfigured(
            "Demo two-factor devices can only be made when DEBUG or LEDER_DEMO_MODE is on."
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=True, key=key_hex)
        device.full_clean(exclude=["user"])
        device.save()
        _recovery_codes_replace(user=user)
        audit.record(
            actor="system:demo",
            action=AuditAction.TWO_FACTOR,
            obj=user,
            summary="Demo authenticator device created with a known key",
            details={"event": "demo device"},
        )
    return device


# --- separation of duties: roles that open case content need a second person (ADR 0120) -------


def account_creator_id(user: User) -> int | None:
    """Who created `user`'s account, from the audit log (the CREATE row of the account)."""
    row = (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE, object_type=User._meta.label, object_id=str(user.pk)
        )
        .order_by("sequence")
        .values_list("actor_id", flat=True)
        .first()
    )
    return row


def role_grant_propose(
    *,
    actor,
    user: User,
    role: str,
    organisation: Organisation,
    starts_on: date | None = None,
    request=None,
) -> RoleGrant:
    """Propose giving `user` a role that opens case content. Guarantees: only an administrator;
    the role would be valid (`membership_validate`); no membership is made until a second
    person approves; one CREATE audit row."""
    _require_user_manager(actor)
    if isinstance(actor, str):
        raise ValueError("A proposal is made by a person")
    starts_on = starts_on or today()
    membership_validate(user=user, role=role, organisation=organisation, starts_on=starts_on)
    with transaction.atomic():
        grant = RoleGrant.objects.create(
            user=user,
            role=role,
            organisation=organisation,
            starts_on=starts_on,
            proposed_by=actor,
            proposed_at=now(),
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=grant,
            summary=f"Proposed making {user.email} {role_phrase(role)} at {organisation}",
            details={"user_id": user.pk, "role": role, "organisation": organisation.ods_code},
            ip_address=_ip(request),
        )
    return grant


def role_grant_approval_refusal(*, actor, grant: RoleGrant) -> str | None:
    """Why `actor` may not decide `grant`, or None. The approver is the executive lead of the
    ICB the role is at (or, with LEDER_ROLE_GRANT_APPROVER = "administrator", another
    administrator); never the proposer, the person given the role, or whoever created that
    person's account."""
    if grant.status != RoleGrantStatus.PROPOSED:
        return "This proposal has already been decided."
    if getattr(settings, "LEDER_ROLE_GRANT_APPROVER", "icb_lead") == "administrator":
        if not rules.is_administrator(actor):
            return "Only another administrator can approve this role."
    elif not rules.organisations_where(actor, Role.ICB_LEAD).filter(pk=grant.organisation_id):
        return "Only the executive lead of the ICB can approve this role."
    if actor.pk == grant.proposed_by_id:
        return "You proposed this role: someone else must approve it."
    if actor.pk == grant.user_id:
        return "Nobody can approve a role for themselves."
    if actor.pk == account_creator_id(grant.user):
        return "You created this account: someone else must approve its role."
    return None


def _decide(*, actor, grant: RoleGrant, approve: bool, reason: str, request=None) -> RoleGrant:
    with transaction.atomic():
        locked = RoleGrant.objects.select_for_update().get(pk=grant.pk)
        refusal = role_grant_approval_refusal(actor=actor, grant=locked)
        if refusal:
            raise PermissionDenied(refusal)
        locked.status = RoleGrantStatus.APPROVED if approve else RoleGrantStatus.REFUSED
        locked.decided_by, locked.decided_at, locked.reason = actor, now(), reason.strip()
        if approve:
            locked.membership = _membership_create(
                actor=actor,
                user=locked.user,
                role=locked.role,
                organisation=locked.organisation,
                starts_on=max(locked.starts_on, today()),
                request=request,
            )
        locked.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"{'Approved' if approve else 'Refused'} making {locked.user.email} "
            f"{role_phrase(locked.role)} at {locked.organisation}",
            details={"decision": locked.status, "proposed_by": locked.proposed_by_id},
            ip_address=_ip(request),
        )
    return locked


def role_grant_approve(*, actor, grant: RoleGrant, request=None) -> RoleGrant:
    """Approve a proposed role: the membership is granted, in the same transaction, with its own
    audit row and one for the approval. Refused (PermissionDenied) unless
    `role_grant_approval_refusal` finds nothing."""
    return _decide(actor=actor, grant=grant, approve=True, reason="", request=request)


def role_grant_refuse(*, actor, grant: RoleGrant, reason: str = "", request=None) -> RoleGrant:
    """Refuse a proposed role (audited, with the reason). Same rules as approving."""
    return _decide(actor=actor, grant=grant, approve=False, reason=reason, request=request)
