"""The `diarium` command: a thin wrapper over Django's manage.py commands.

    diarium demo            set up the embedded database, load the demo, serve it
    diarium serve           the production server (gunicorn; docs/DEPLOYMENT.md)
    diarium worker          run background tasks
    diarium <command> ...   any manage.py command, e.g. `diarium migrate`
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "diarium"
    if argv[1:2] == ["demo"]:
        # The demo makes its own secret key and keeps it under var/ (config/settings.py).
        os.environ.setdefault("DIARIUM_SECRET_KEY_CREATE", "1")
    if argv[1:2] in (["serve"], ["worker"]):
        # Production processes log JSON lines unless told otherwise (diarium/core/logs.py).
        os.environ.setdefault("DIARIUM_LOG_FORMAT", "json")
    try:
        settings.INSTALLED_APPS  # noqa: B018 (reads the settings, which refuse a start without a secret key)
    except ImproperlyConfigured as exc:
        sys.exit(f"diarium: {exc}")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
