"""Staff accounts and their roles.

Each person has their own account (Section 251: no shared logins), signs in with e-mail and
password and then a TOTP code. What they may do comes from `Membership` rows: a role at one
organisation (an ICB for local roles, a region for the regional coordinator, England for the
national analyst). Administrators manage the installation and hold no case access.
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q

from leder.core.time import today


class Role(models.TextChoices):
    LAC = "lac", "Local area contact"
    REVIEWER = "reviewer", "Reviewer"
    SENIOR_REVIEWER = "senior_reviewer", "Senior reviewer"
    PANEL_MEMBER = "panel_member", "Governance panel member"
    PANEL_CHAIR = "panel_chair", "Governance panel chair"
    ICB_LEAD = "icb_lead", "ICB executive lead"
    REGIONAL_COORDINATOR = "regional_coordinator", "Regional coordinator"
    NATIONAL_ANALYST = "national_analyst", "National analyst"
    ADMINISTRATOR = "administrator", "Administrator"


# The kind of organisation each role is held at.
ICB_ROLES = (
    Role.LAC,
    Role.REVIEWER,
    Role.SENIOR_REVIEWER,
    Role.PANEL_MEMBER,
    Role.PANEL_CHAIR,
    Role.ICB_LEAD,
)


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
