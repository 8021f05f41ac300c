"""Load the demo's national history: deaths notified 2018–2025 across England's ICBs, at a
chosen fraction of the national volume (see `leder.demo.history`). Safe to run twice: it loads
once."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from leder.accounts import services as accounts
from leder.analytics import data_version
from leder.demo import history


class Command(BaseCommand):
    help = (
        "Load a synthetic national history of deaths 2018–2025 (about 3,500 a year at --scale "
        "1.0) across every ICB, with reviews, sign-offs and actions."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="fraction of the national volume (1.0 = about 3,500 deaths a year)",
        )
        parser.add_argument("--seed", type=int, default=history.SEED)

    def handle(self, *args, scale: float = 1.0, seed: int = history.SEED, **options):
        if not accounts.demo_mode_enabled():
            raise CommandError("demo_history runs only with DEBUG or LEDER_DEMO_MODE on.")
        if not 0 < scale <= 2:
            raise CommandError("--scale must be more than 0 and at most 2.")
        result = history.load_history(scale=scale, seed=seed)
        if not result.loaded:
            self.stdout.write("The demo history is already loaded.")
            return
        if connection.vendor == "postgresql":
            # A bulk load leaves PostgreSQL without statistics for the new rows until autovacuum
            # gets round to it; until then its plans for the extract and the case lists are
            # guesses (issue 17).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # SQLite's row triggers logged one change per row loaded: fold them now rather than at
        # the nightly job, so reading the data version stays a sum over a few rows (ADR 0170).
        data_version.compact()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo history loaded in {result.seconds:.1f} s: {result.deaths} deaths."
            )
        )
        summary = ", ".join(f"{state} {n}" for state, n in sorted(result.states.items()))
        self.stdout.write(f"  {summary}")
