"""Measure redaction on both corpora and print the figures:

    .venv/bin/python manage.py redaction_recall [--seed 7] [--size 400] [--show-misses]

- **The patterns' corpus** (`redaction_corpus`, written with the patterns, issue 7): every
  identifier planted from the record removed (100%), and at least 95% of the pattern
  identifiers the record does not hold.
- **The evaluation corpus** (`evaluation`, written apart from the patterns, issue 13), in its
  three parts: the two development parts the detection rules were iterated on (`development`,
  and `forms`, the forms identifiers take: ADR 0043), and the held-out part nobody read while
  tuning. Recall per kind of identifier against issue 13's targets (99% for a
  person's names, nicknames, numbers, contact details, addresses and full dates; 95% for
  organisations and places that locate a person), in and not in the record.

False removals (the share of clean word tokens removed; target below 2%) are printed for each.
Exit status 1 when a target of the patterns' corpus is missed, so CI fails; the evaluation
corpus's figures are reported, and `--strict` fails on them too (they are the honest measure,
and some are below target: see ADR 0040).
"""

from django.core.management.base import BaseCommand, CommandError

from leder.exports.evaluation import development, forms, held_out
from leder.exports.evaluation.narratives import FALSE_REMOVAL_TARGET, TARGETS, Kind
from leder.exports.evaluation.narratives import evaluate as evaluate_narratives
from leder.exports.evaluation.narratives import generate as generate_narratives
from leder.exports.redaction_corpus import PATTERN, RECORD, evaluate, generate_corpus

RECORD_TARGET = 1.0
PATTERN_TARGET = 0.95


def _percent(value: float) -> str:
    return f"{value * 100:.2f}%"


class Command(BaseCommand):
    help = "Run redaction over both corpora and print recall per kind and false removals."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=7, help="Corpus seed (default 7).")
        parser.add_argument(
            "--size", type=int, default=400, help="Narratives in each corpus (default 400)."
        )
        parser.add_argument(
            "--show-misses",
            action="store_true",
            help="List each identifier that survived and each clean token removed (the "
            "patterns' corpus and the development part only: the held-out part stays unread).",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Also fail when the evaluation corpus misses one of issue 13's targets.",
        )

    def handle(self, *args, seed: int, size: int, show_misses: bool, strict: bool, **options):
        if size < 1:
            raise CommandError("--size must be at least 1.")
        failures = self._patterns_corpus(seed, size, show_misses)
        below = []
        for part in (development.PART, forms.PART, held_out.PART):
            missed = self._evaluation_part(part, seed, size, show_misses)
            if missed:
                below.append(f"{part.name}: " + "; ".join(missed))
        if strict:
            failures += below
        if failures:
            raise CommandError("Target missed: " + "; ".join(failures))
        if below:
            self.stdout.write(
                "\nThe patterns' corpus met its targets. Below issue 13's targets on the "
                "evaluation corpus (reported, not failed without --strict):\n  "
                + "\n  ".join(below)
            )
        else:
            self.stdout.write(self.style.SUCCESS("\nAll targets met."))

    def _patterns_corpus(self, seed: int, size: int, show_misses: bool) -> list[str]:
        write = self.stdout.write
        result = evaluate(generate_corpus(seed=seed, size=size))
        write(f"The patterns' corpus: {size} synthetic narratives (seed {seed})")
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
                write(
                    f"  {kind:<12} {_percent(result.recall(source, kind)):>8}"
                    f"  ({result.found[(source, kind)]} of {result.planted[(source, kind)]})"
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
        return failures

    def _evaluation_part(self, part, seed: int, size: int, show_misses: bool) -> list[str]:
        write = self.stdout.write
        result = evaluate_narratives(generate_narratives(part, seed=seed, size=size))
        write(f"\n\nThe evaluation corpus, {part.name} part: {size} narratives (seed {seed})")
        write(f"\n  {'kind':<36} {'recall':>8} {'target':>7}   {'in the record':>15}   not held")
        for kind in Kind:
            _found, planted = result.count(kind)
            if not planted:
                continue
            cells = []
            for in_record in (True, False):
                f, p = result.count(kind, in_record)
                cells.append(f"{f}/{p}" if p else "-")
            recall = result.recall(kind)
            mark = "" if recall >= TARGETS[kind] else "  below target"
            write(
                f"  {kind:<36} {_percent(recall):>8} {TARGETS[kind] * 100:>6.0f}%"
                f"   {cells[0]:>15}   {cells[1]}{mark}"
            )
        write(
            f"\n  False removals: {result.false_removal_rate * 100:.3f}% of clean word tokens "
            f"({result.clean_removed} of {result.clean_tokens}; target below "
            f"{FALSE_REMOVAL_TARGET * 100:.0f}%)"
        )
        if show_misses and part.name != held_out.PART.name:
            for kind, in_record, text, context in result.misses:
                where = "record" if in_record else "not held"
                write(f"    missed {kind} ({where}): {text!r} in …{context}…")
            for token, count in result.false_removals.most_common():
                write(f"    removed clean token {token!r} {count} time(s)")
        return result.missed_targets()
