#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    # Production unless the demo or the tests are asked for (ADR 0110): it refuses to start
    # without proper keys rather than run with published ones.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leder.config.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
