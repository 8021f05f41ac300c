"""Factories for organisations and successions, for tests in every app.

    from leder.organisations.tests.factories import GpPracticeFactory, IcbFactory

    icb = IcbFactory()                      # a new open ICB in a new region
    practice = GpPracticeFactory(icb=icb)   # a GP practice in it

ODS codes start with "TST" (GP practices with "T" and five digits, the shape of a real practice
code) so that they never clash with the real codes the data migration loads.
"""

import datetime

import factory
from factory.django import DjangoModelFactory

from leder.organisations.models import Organisation, OrganisationKind, Succession, SuccessionKind


class OrganisationFactory(DjangoModelFactory):
    """Any kind of organisation (default "other"); prefer the kind-specific factories below."""

    class Meta:
        model = Organisation

    ods_code = factory.Sequence(lambda n: f"TSTO{n:04d}")
    kind = OrganisationKind.OTHER
    name = factory.LazyAttributeSequence(lambda o, n: f"Test {o.kind} {n}")


class RegionFactory(OrganisationFactory):
    ods_code = factory.Sequence(lambda n: f"TSTR{n:04d}")
    kind = OrganisationKind.REGION
    name = factory.Sequence(lambda n: f"Test Region {n}")


class IcbFactory(OrganisationFactory):
    ods_code = factory.Sequence(lambda n: f"TSTI{n:04d}")
    kind = OrganisationKind.ICB
    name = factory.Sequence(lambda n: f"NHS Test {n} Integrated Care Board")
    short_name = factory.Sequence(lambda n: f"Test {n}")
    region = factory.SubFactory(RegionFactory)


class CcgFactory(OrganisationFactory):
    ods_code = factory.Sequence(lambda n: f"TSTC{n:04d}")
    kind = OrganisationKind.CCG
    name = factory.Sequence(lambda n: f"NHS Test {n} CCG")
    icb = factory.SubFactory(IcbFactory)


class _ProviderFactory(OrganisationFactory):
    icb = factory.SubFactory(IcbFactory)


class GpPracticeFactory(_ProviderFactory):
    ods_code = factory.Sequence(lambda n: f"T{n:05d}")
    kind = OrganisationKind.GP_PRACTICE
    name = factory.Sequence(lambda n: f"Test Lane Surgery {n}")


class TrustFactory(_ProviderFactory):
    ods_code = factory.Sequence(lambda n: f"TSTT{n:04d}")
    kind = OrganisationKind.TRUST
    name = factory.Sequence(lambda n: f"Test Hospitals {n} NHS Trust")


class LocalAuthorityFactory(_ProviderFactory):
    ods_code = factory.Sequence(lambda n: f"TSTL{n:04d}")
    kind = OrganisationKind.LOCAL_AUTHORITY
    name = factory.Sequence(lambda n: f"Test Borough Council {n}")


class CareProviderFactory(_ProviderFactory):
    ods_code = factory.Sequence(lambda n: f"TSTP{n:04d}")
    kind = OrganisationKind.CARE_PROVIDER
    name = factory.Sequence(lambda n: f"Test Supported Living {n}")


class SuccessionFactory(DjangoModelFactory):
    """A pending merger of two new ICBs on 1 January 2025 (a date already past)."""

    class Meta:
        model = Succession

    predecessor = factory.SubFactory(IcbFactory)
    successor = factory.SubFactory(IcbFactory)
    effective_on = datetime.date(2025, 1, 1)
    kind = SuccessionKind.MERGER
