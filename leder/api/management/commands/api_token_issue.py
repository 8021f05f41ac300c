"""Issue a token to an API client from the command line (demos, first set-up).

    manage.py api_token_issue "Leeds Teaching Hospitals EPR" --by admin@example.org

Goes through `api_token_issue`, so the administrator named by --by must be one, and the issue is
audited. Prints the token once, on its own line, for scripts to capture.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from leder.api import services
from leder.api.models import ApiClient


class Command(BaseCommand):
    help = "Issue a new API token to the named client and print it (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("client_name")
        parser.add_argument(
            "--by", required=True, help="E-mail address of the administrator issuing it."
        )

    def handle(self, *args, client_name, by, **options):
        client = ApiClient.objects.filter(name=client_name).first()
        if client is None:
            raise CommandError(f"No API client is called {client_name!r}.")
        actor = get_user_model().objects.filter(email__iexact=by).first()
        if actor is None:
            raise CommandError(f"No account has the e-mail address {by!r}.")
        try:
            issued = services.api_token_issue(actor=actor, client=client)
        except (PermissionDenied, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError(" ".join(messages)) from error
        self.stderr.write(f"Token for {client.name} (shown once; keep it secret):")
        self.stdout.write(issued.plaintext)
