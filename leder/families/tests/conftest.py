# ruff: noqa: F401 (fixtures imported to be used as arguments)
"""Fixtures for the family's part: the same as the messaging tests' (a case in initial review,
its reviewer, a review, a family member with an e-mail and a postal address, and a local GOV.UK
Notify server), imported rather than written twice."""

from leder.messaging.tests.conftest import _private, notify, sister
from leder.reviews.tests.conftest import case, cases, icb, lac, review, reviewer
