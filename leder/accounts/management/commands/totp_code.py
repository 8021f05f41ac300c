"""Print the current security code of a demo user's authenticator device, so that demo sign-ins
work without a phone. Refuses to run unless DEBUG or LEDER_DEMO_MODE is on: on a real
installation this would be a way round the second factor for anyone with shell access."""

import time

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from leder.accounts import selectors, services


class Command(BaseCommand):
    help = "Print the current TOTP security code for a user (demo and development only)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="the user's e-mail address")

    def handle(self, *args, email: str, **options):
        if not services.demo_mode_enabled():
            raise CommandError(
                "totp_code only runs in a demo or development installation: set DJANGO_DEBUG "
                "or LEDER_DEMO_MODE. On a real installation, security codes come from the "
                "user's own authenticator app."
            )
        user = selectors.user_by_email(email=email)
        if user is None:
            raise CommandError(f"There is no account with the e-mail address {email}.")
        device = selectors.totp_device_for(user=user)
        if device is None:
            raise CommandError(f"{user.email} has not set up an authenticator app.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        code = f"{totp.token():0{device.digits}d}"
        seconds_left = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(code)
        self.stderr.write(
            f"Valid for about {seconds_left} more seconds. Each code signs in once; "
            "wait for the next one to sign in again."
        )
