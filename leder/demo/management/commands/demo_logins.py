"""Print the demo sign-ins: who to sign in as, the password, and how to get a TOTP code."""

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from leder.accounts.models import Membership, User
from leder.demo.management.commands.demo_load import DEMO_DOMAIN, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo users, their roles, the password and their current TOTP codes."

    def handle(self, *args, **options):
        users = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").order_by("email")
        if not users:
            self.stdout.write("No demo users: run `make demo` (or manage.py demo_load) first.")
            return
        memberships = Membership.objects.current().select_related("organisation")
        roles = {}
        for m in memberships.filter(user__in=users):
            roles.setdefault(m.user_id, []).append(f"{m.get_role_display()}, {m.organisation}")
        self.stdout.write("")
        self.stdout.write(
            "OpenLeDeR demo: http://127.0.0.1:8000  (staff sign in: /account/sign-in)"
        )
        self.stdout.write(f"Every demo user's password: {DEMO_PASSWORD}")
        self.stdout.write("")
        width = max(len(u.email) for u in users)
        for user in users:
            device = user.totpdevice_set.filter(confirmed=True).first()
            code = (
                f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
                if device
                else "-"
            )
            self.stdout.write(
                f"  {user.email.ljust(width)}  code now {code}  {'; '.join(roles.get(user.pk, []))}"
            )
        self.stdout.write("")
        self.stdout.write(
            "Codes change every 30 seconds. For a fresh one: "
            ".venv/bin/python manage.py totp_code EMAIL"
        )
        self.stdout.write("")
