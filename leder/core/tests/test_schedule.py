"""The registry of periodic jobs."""

from datetime import time, timedelta

import pytest

from leder.core import schedule


@pytest.fixture
def registry(monkeypatch):
    # The apps' jobs modules register themselves when first imported: import them now, into the
    # real registry, so they do not land in the empty one the test looks at.
    schedule.periodic_jobs()
    monkeypatch.setattr(schedule, "_REGISTRY", {})
    return schedule._REGISTRY


def test_a_job_needs_exactly_one_of_every_or_daily_at(registry):
    with pytest.raises(ValueError, match="exactly one"):
        schedule.periodic(name="x", description="x")(lambda: None)
    with pytest.raises(ValueError, match="exactly one"):
        schedule.periodic(name="x", description="x", every=timedelta(minutes=5), daily_at=time(7))(
            lambda: None
        )


def test_two_jobs_cannot_share_a_name(registry):
    schedule.periodic(name="clean", description="a", every=timedelta(hours=1))(lambda: None)
    with pytest.raises(ValueError, match="Two periodic jobs"):
        schedule.periodic(name="clean", description="b", every=timedelta(hours=1))(lambda: None)


def test_registered_jobs_are_listed_by_name_and_run(registry):
    @schedule.periodic(name="b-job", description="b", daily_at=time(3, 0))
    def b_job():
        return {"sent": 2}

    schedule.periodic(name="a-job", description="a", every=timedelta(minutes=1))(lambda: None)
    jobs = schedule.periodic_jobs()
    assert [j.name for j in jobs] == ["a-job", "b-job"]
    assert jobs[1].run() == {"sent": 2}
