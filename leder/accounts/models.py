"""Staff accounts and their roles.

Each person has their own account (Section 251: no shared logins), signs in with e-mail and
password and then a TOTP code. What they may do comes from `Membership` rows: a role at one
organisation (an ICB for local roles, a region for the regional coordinator, England for the
national analyst). Administrators manage the installation and hold no case access.
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from leder.core.time import today
from leder.organisations.models import OrganisationKind


class Role(models.TextChoices):
    LAC = "lac", "Local area contact"
    REVIEWER = "reviewer", "Reviewer"
    SENIOR_REVIEWER = "senior_reviewer", "Senior reviewer"
    PANEL_MEMBER = "panel_member", "Governance panel member"
    PANEL_CHAIR = "panel_chair", "Governance panel chair"
    ICB_LEAD = "icb_lead", "ICB executive lead"
    # Releases free text for the national dataset after reading it beside its redaction: reads
    # the original text of signed-off reviews, so it opens case content (an ICB role: issue 12's
    # separation of duties counts every ICB role as opening case content).
    IG_REVIEWER = "ig_reviewer", "Information governance reviewer"
    REGIONAL_COORDINATOR = "regional_coordinator", "Regional coordinator"
    NATIONAL_ANALYST = "national_analyst", "National analyst"
    # The national LeDeR team: places notifications nobody could place (issue 15). Sees the few
    # details needed to place them, and only while they are unassigned.
    NATIONAL_TEAM = "national_team", "National LeDeR team"
    ADMINISTRATOR = "administrator", "Administrator"


# The kind of organisation each role is held at.
ICB_ROLES = (
    Role.LAC,
    Role.REVIEWER,
    Role.SENIOR_REVIEWER,
    Role.PANEL_MEMBER,
    Role.PANEL_CHAIR,
    Role.ICB_LEAD,
    Role.IG_REVIEWER,
)
ROLE_ORGANISATION_KIND: dict[str, str] = {
    **{role: OrganisationKind.ICB for role in ICB_ROLES},
    Role.REGIONAL_COORDINATOR: OrganisationKind.REGION,
    Role.NATIONAL_ANALYST: OrganisationKind.NATIONAL,
    Role.NATIONAL_TEAM: OrganisationKind.NATIONAL,
    # The installation is national; administrators are not tied to a local area.
    Role.ADMINISTRATOR: OrganisationKind.NATIONAL,
}

# How error messages name each kind of organisation ("a role at …", "… is …").
KIND_PHRASES = {
    OrganisationKind.NATIONAL: "NHS England (national)",
    OrganisationKind.REGION: "an NHS England region",
    OrganisationKind.ICB: "an integrated care board (ICB)",
    OrganisationKind.CCG: "a clinical commissioning group (CCG)",
    OrganisationKind.GP_PRACTICE: "a GP practice",
    OrganisationKind.TRUST: "an NHS trust",
    OrganisationKind.LOCAL_AUTHORITY: "a local authority",
    OrganisationKind.CARE_PROVIDER: "a care provider",
    OrganisationKind.OTHER: "another kind of organisation",
}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("Users need an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    # Django admin access. Only administrators have it; case content is not in the admin.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class MembershipQuerySet(models.QuerySet):
    def current(self):
        day = today()
        return self.filter(Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gt=day))


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="memberships"
    )
    starts_on = models.DateField(default=today)
    ends_on = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "starts_on"], name="unique_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.organisation}"

    def clean(self):
        """The invariants every membership keeps, wherever it is saved from: the role is held at
        the kind of organisation it belongs to, and it does not end before it starts."""
        errors = {}
        if self.role and self.organisation_id:
            expected = ROLE_ORGANISATION_KIND.get(self.role)
            if expected and self.organisation.kind != expected:
                errors["organisation"] = (
                    f"{Role(self.role).label} is a role at {KIND_PHRASES[expected]}; "
                    f"{self.organisation} is {KIND_PHRASES[self.organisation.kind]}"
                )
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The end date must be the same as or after the start date"
        if errors:
            raise ValidationError(errors)

    @property
    def is_current(self) -> bool:
        day = today()
        return self.starts_on <= day and (self.ends_on is None or self.ends_on > day)


class RoleGrantStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class RoleGrant(models.Model):
    """A proposal to give someone a role that opens case content (ADR 0120). An administrator
    proposes; a second person (the ICB's executive lead, or another administrator, as
    configured) approves, which grants the membership, or refuses. Never edited after the
    decision, never deleted."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_grants")
    role = models.CharField(max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="role_grants"
    )
    starts_on = models.DateField()
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=RoleGrantStatus.choices, default=RoleGrantStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    membership = models.OneToOneField(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="grant"
    )

    class Meta:
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.organisation} for {self.user}"
