"""Seal the authenticator keys and digest the recovery codes stored before ADR 0121, so no usable
second-factor secret stays in the database. Needs OTP_ENCRYPTION_KEY."""

from django.db import migrations


def forwards(apps, schema_editor):
    from leder.accounts import sealing

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for device in TOTPDevice.objects.all():
        if not sealing.is_sealed(device.key):
            device.key = sealing.seal(bytes.fromhex(device.key))
            device.save(update_fields=["key"])
    for token in StaticToken.objects.all():
        # A plain code is 8 base32 characters; a digest is 16 hex characters.
        if len(token.token) != 16:
            token.token = sealing.recovery_code_digest(token.token)
            token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_alter_membership_role"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
