"""List the GOV.UK Notify templates this installation needs: for each kind of message and
channel, the settings key, whether its id is set, the subject and the placeholders the template
must use. Exits 1 when an id is missing (for a deployment check)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from leder.messaging import kinds
from leder.messaging.models import Channel

COMMON = ("language_help", "for_whom")


class Command(BaseCommand):
    help = "List the GOV.UK Notify templates needed and whether their ids are set"

    def handle(self, *args, **options):
        ids = settings.LEDER_NOTIFY_TEMPLATE_IDS
        missing = 0
        for kind in sorted(kinds.kinds().values(), key=lambda k: k.key):
            for channel in kind.channels:
                if channel == Channel.LETTER:
                    self.stdout.write(
                        f"{kind.key}.letter: precompiled PDF (no template; rendered by the service)"
                    )
                    continue
                variants = [False, True] if kind.has_easy_read else [False]
                for easy_read in variants:
                    key = kinds.template_key(kind.key, channel, easy_read=easy_read)
                    value = ids.get(key)
                    if not value and not easy_read:
                        missing += 1
                    state = value or ("not set" + (" (optional)" if easy_read else ""))
                    self.stdout.write(f"{key}: {state}")
                    if channel == Channel.EMAIL:
                        self.stdout.write(f"    subject: {kind.subject}")
                    names = ", ".join(f"(({name}))" for name in (*kind.placeholders, *COMMON))
                    self.stdout.write(f"    placeholders: {names}")
        if missing and settings.LEDER_NOTIFY_API_KEY:
            self.stderr.write(f"{missing} template id(s) not set")
            raise SystemExit(1)
