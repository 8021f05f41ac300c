"""System checks for the account settings that security depends on."""

from django.conf import settings
from django.core.checks import Error, register


@register("security")
def otp_throttling_on(app_configs=None, **kwargs):
    """django-otp doubles the wait after each wrong code only while the throttle factor is above
    zero. Without it, a six-digit code could be guessed by trying all of them."""
    errors = []
    for name in ("OTP_TOTP_THROTTLE_FACTOR", "OTP_STATIC_THROTTLE_FACTOR"):
        if getattr(settings, name, 1) <= 0:
            errors.append(
                Error(
                    f"{name} must be above 0: it throttles wrong two-factor codes.",
                    hint=f"Remove {name} from the settings, or set it to 1.",
                    id="accounts.E001",
                )
            )
    return errors
