"""NHS organisations: England, its 7 regions, the ICBs (and the CCGs before them) and the
providers involved in people's care, identified by ODS codes.

One table holds every kind, so that a role membership, a case's responsible ICB and a
reviewer's employer all point at the same thing. Organisations are never deleted: they close
(`closed_on`) and a `Succession` says where their work went.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q


class OrganisationKind(models.TextChoices):
    NATIONAL = "national", "NHS England (national)"
    REGION = "region", "NHS England region"
    ICB = "icb", "Integrated care board"
    CCG = "ccg", "Clinical commissioning group"
    GP_PRACTICE = "gp_practice", "GP practice"
    TRUST = "trust", "NHS trust"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    CARE_PROVIDER = "care_provider", "Care provider"
    OTHER = "other", "Other organisation"


PROVIDER_KINDS = (
    OrganisationKind.GP_PRACTICE,
    OrganisationKind.TRUST,
    OrganisationKind.LOCAL_AUTHORITY,
    OrganisationKind.CARE_PROVIDER,
    OrganisationKind.OTHER,
)


class OrganisationQuerySet(models.QuerySet):
    def open_on(self, day: date):
        return self.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day)).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=day)
        )

    def icbs(self):
        return self.filter(kind=OrganisationKind.ICB)

    def regions(self):
        return self.filter(kind=OrganisationKind.REGION)


class Organisation(models.Model):
    ods_code = models.CharField("ODS code", max_length=12, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    # An ICB's region; a provider's or CCG's ICB is `icb`.
    region = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="region_members",
        limit_choices_to={"kind": OrganisationKind.REGION},
    )
    icb = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="icb_members",
        limit_choices_to={"kind": OrganisationKind.ICB},
        verbose_name="ICB",
    )
    postcode = models.CharField(max_length=10, blank=True)
    gss_code = models.CharField("ONS GSS code", max_length=9, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(
        null=True, blank=True, help_text="The first day on which the organisation no longer exists."
    )
    # Population with a learning disability, for expected deaths (ICBs only).
    ld_population = models.PositiveIntegerField(
        "population with a learning disability", null=True, blank=True
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_open_on(self, day: date) -> bool:
        return (self.opened_on is None or self.opened_on <= day) and (
            self.closed_on is None or self.closed_on > day
        )


class SuccessionKind(models.TextChoices):
    MERGER = "merger", "Merger"
    SPLIT = "split", "Split"
    ACQUISITION = "acquisition", "Acquisition"
    CCG_TO_ICB = "ccg_to_icb", "CCG replaced by ICB"


class Succession(models.Model):
    """One predecessor → successor link of a restructure. A restructure is the set of successions
    with the same date; `manage.py restructure_apply --date` applies them."""

    predecessor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="successions_out"
    )
    successor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="successions_in"
    )
    effective_on = models.DateField()
    kind = models.CharField(max_length=20, choices=SuccessionKind.choices)
    applied_at = models.DateTimeField(null=True, blank=True)
    # When the predecessor is split, records that cannot be placed by GP practice or by the
    # placements file go to this successor (and are listed as `UnplacedRecord`s) so that nothing
    # is left pointing at a closed organisation. One per split predecessor.
    takes_unplaced = models.BooleanField(
        "takes unplaced records",
        default=False,
        help_text="For a split: the successor that holds records that could not be placed.",
    )

    class Meta:
        ordering = ["effective_on", "predecessor__ods_code", "successor__ods_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "effective_on"], name="unique_succession"
            ),
            models.UniqueConstraint(
                fields=["predecessor", "effective_on"],
                condition=Q(takes_unplaced=True),
                name="one_default_successor_per_split",
            ),
        ]

    def __str__(self) -> str:
        p, s = self.predecessor.ods_code, self.successor.ods_code
        return f"{p} → {s} ({self.kind}, {self.effective_on})"


class UnplacedStatus(models.TextChoices):
    OPEN = "open", "To decide"
    RESOLVED = "resolved", "Decided"


class UnplacedRecord(models.Model):
    """A record that a restructure could not place, listed for someone to decide.

    When a predecessor is split, each record that followed it (see `followers`) is placed by its
    GP practice or the placements file. One that cannot be placed is still moved off the closed
    predecessor, to the split's default successor (`held_by`), or ended if its kind is never
    moved without a decision (role memberships: `held_by` is empty), and listed here. The local
    area contact of `held_by` (notifications) or the administrator (memberships, providers)
    re-places it with `unplaced_record_resolve`.
    """

    effective_on = models.DateField()
    predecessor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    held_by = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unplaced_records",
        help_text="Where the record was put meanwhile; empty if it was ended.",
    )
    # The follower's registry name ("notification", "membership", "provider") and the record's
    # primary key. Not a generic foreign key: the follower knows how to load and re-place it.
    follower = models.CharField(max_length=40)
    record_id = models.CharField(max_length=64)
    # What a person recognises: a notification reference, "e-mail (role)", "ODS code name".
    reference = models.CharField(max_length=200)
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=UnplacedStatus.choices, default=UnplacedStatus.OPEN
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_to = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["effective_on", "follower", "reference"]
        indexes = [models.Index(fields=["status", "held_by"])]
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "record_id", "effective_on"], name="unique_unplaced_record"
            )
        ]

    def __str__(self) -> str:
        predecessor = self.predecessor.ods_code
        return f"{self.follower} {self.reference} ({predecessor}, {self.effective_on})"


class IcbContactDetails(models.Model):
    """How people reach an ICB's LeDeR team, and where they can raise concerns outside LeDeR,
    as the ICB's local area contact sets them. E-mails, letters, the public form's help and a
    family's "raise a concern" page show them; nothing here is personal data."""

    icb = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="leder_contact_details",
        limit_choices_to={"kind": OrganisationKind.ICB},
        verbose_name="ICB",
    )
    team_name = models.CharField(max_length=200, default="LeDeR team")
    telephone = models.CharField(max_length=30, blank=True)
    email = models.EmailField("Email address", blank=True)
    # The lines of the team's postal address, one a line, without the postcode.
    address = models.TextField("Postal address", blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    opening_hours = models.CharField(max_length=200, blank=True)
    complaints_telephone = models.CharField("Complaints telephone", max_length=30, blank=True)
    complaints_email = models.EmailField("Complaints email address", blank=True)
    complaints_url = models.URLField("Complaints web page", blank=True)
    pals_telephone = models.CharField("Patient advice (PALS) telephone", max_length=30, blank=True)
    pals_email = models.EmailField("Patient advice (PALS) email address", blank=True)
    pals_url = models.URLField("Patient advice (PALS) web page", blank=True)
    advocacy_name = models.CharField("Local advocacy service", max_length=200, blank=True)
    advocacy_telephone = models.CharField("Advocacy telephone", max_length=30, blank=True)
    advocacy_url = models.URLField("Advocacy web page", blank=True)
    coroner_name = models.CharField("Coroner's office", max_length=200, blank=True)
    coroner_telephone = models.CharField("Coroner's office telephone", max_length=30, blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "ICB LeDeR contact details"
        verbose_name_plural = "ICB LeDeR contact details"

    def __str__(self) -> str:
        return f"LeDeR contact details of {self.icb}"


class PostcodeLookup(models.Model):
    """One load of a published postcode directory (ONS NSPL or ONSPD), reduced to the postcode
    sectors and districts that lie wholly in one ICB (`PostcodeArea`). The latest load is the
    one in use; each says what it was built from, so a placement can name its source and date."""

    source = models.CharField(
        max_length=200, help_text="What was loaded, as published: for example ONSPD May 2026"
    )
    published_on = models.DateField(help_text="The date the directory was published")
    file_name = models.CharField(max_length=300)
    file_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField()
    live_postcodes = models.PositiveIntegerField()
    sectors = models.PositiveIntegerField(help_text="Sectors wholly in one ICB")
    districts = models.PositiveIntegerField(help_text="Districts wholly in one ICB")
    # ICB codes of the file that no open ICB here carries (their postcodes place nothing).
    unknown_icb_codes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-loaded_at"]
        get_latest_by = "loaded_at"

    def __str__(self) -> str:
        return f"{self.source} (published {self.published_on:%d %B %Y})"


class PostcodeArea(models.Model):
    """A postcode sector ("LS1 4") or district ("LS1") every live postcode of which the
    directory puts in one ICB. A sector or district shared by two ICBs has no row."""

    lookup = models.ForeignKey(PostcodeLookup, on_delete=models.CASCADE, related_name="areas")
    prefix = models.CharField(max_length=8)
    icb = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.ICB},
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lookup", "prefix"], name="unique_postcode_area")
        ]

    def __str__(self) -> str:
        return f"{self.prefix} → {self.icb}"
