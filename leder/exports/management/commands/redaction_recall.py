"""Measure redaction on the synthetic corpus (issue 7, part 2) and print the figures:

    .venv/bin/python manage.py redaction_recall [--seed 7] [--size 400] [--show-misses]

Targets: every identifier planted from the record removed (100%), and at least 95% of the pattern
identifiers the record does not hold. The false-removal rate (share of clean word tokens that
were removed) is printed too. Exit status 1 when a target is missed, so CI fails.
"""

from django.core.management.base import BaseCommand, CommandError

from leder.exports.redaction_corpus import PATTERN, RECORD, evaluate, generate_corpus

RECORD_TARGET = 1.0
PATTERN_TARGET = 0.95


def _percent(value: float) -> str:
    return f"{value * 100:.2f}%"


class Command(BaseCommand):
    help = "Run redaction over the synthetic corpus and print recall and the false-removal rate."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=7, help="Corpus seed (default 7).")
        parser.add_argument(
            "--size", type=int, default=400, help="Number of narratives (default 400)."
        )
        parser.add_argument(
            "--show-misses",
            action="store_true",
            help="List each identifier that survived and each clean token removed.",
        )

    def handle(self, *args, seed: int, size: int, show_misses: bool, **options):
        if size < 1:
            raise CommandError("--size must be at least 1.")
        samples = generate_corpus(seed=seed, size=size)
        result = evaluate(samples)
        write = self.stdout.write
        write(f"Redaction recall on {size} synthetic narratives (seed {seed})")
        failures = []
        for source, label, target in (
            (RECORD, "Identifiers from the record", RECORD_TARGET),
            (PATTERN, "Pattern identifiers (not in the record)", PATTERN_TARGET),
        ):
            recall = result.recall(source)
            planted = sum(n for (s, _), n in result.planted.items() if s == source)
            found = sum(n for (s, _), n in result.found.items() if s == source)
            met = recall >= target
            write(
                f"\n{label}: {_percent(recall)} ({found} of {planted} removed; "
                f"target {_percent(target)}) {'met' if met else 'MISSED'}"
            )
            for kind in result.kinds(source):
                kind_planted = result.planted[(source, kind)]
                kind_found = result.found[(source, kind)]
                write(
                    f"  {kind:<12} {_percent(result.recall(source, kind)):>8}"
                    f"  ({kind_found} of {kind_planted})"
                )
            if not met:
                failures.append(label)
        write(
            f"\nFalse removals: {result.false_removal_rate * 100:.3f}% of clean word tokens "
            f"({result.clean_removed} of {result.clean_tokens})"
        )
        if show_misses:
            for source, kind, text in result.misses:
                write(f"  missed {source} {kind}: {text!r}")
            for token, count in result.false_removals.most_common():
                write(f"  removed clean token {token!r} {count} time(s)")
        if failures:
            raise CommandError("Target missed: " + "; ".join(failures))
        write(self.style.SUCCESS("\nAll targets met."))
