"""`diarium demo`: migrate, load the Alingsås demo once, print how to log in, serve."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from diarium.core.errors import DomainError
from diarium.demo.loader import PASSWORD_ENV, demo_load


class Command(BaseCommand):
    help = "Migrate the database, load the Alingsås demo (once) and serve it on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Set up and load only; do not serve.")
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORT") or 8000),
            help="Port to serve on (default: $PORT or 8000).",
        )

    def handle(self, *args, no_serve: bool = False, port: int = 8000, **options):
        verbosity = options.get("verbosity", 1)
        self._ensure_folders()
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        try:
            result = demo_load()
        except DomainError as exc:
            raise CommandError(f"{exc.message} (check {PASSWORD_ENV})") from exc

        url = f"http://127.0.0.1:{port}/"
        if not os.environ.get("DIARIUM_SITE_URL"):
            settings.SITE_URL = url.rstrip("/")  # links in e-mail point at this server
        loaded = "Loaded the demo" if result.loaded else "The demo was already loaded; passwords reset"
        origin = f"from {PASSWORD_ENV}" if os.environ.get(PASSWORD_ENV) else f"generated; set {PASSWORD_ENV} to choose"
        lines = [
            "",
            f"{loaded}: {result.organisation.name}, case 2017.676 KS.",
            "",
            f"  Site:     {url}",
            f"  Admin:    {url}admin/",
            f"  Users:    {', '.join(result.usernames)} (superuser, registrar, case officer, the board's chair, a member)",
            f"  Password: {result.password}   ({origin})",
            "",
        ]
        if verbosity:
            self.stdout.write("\n".join(lines))
        if no_serve:
            return
        from diarium.core.management.commands.worker import start_in_background

        if start_in_background() and verbosity:
            self.stdout.write("  Worker:   running in this process (e-mail is printed here)\n")
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)

    def _ensure_folders(self) -> None:
        """The embedded database and files live under var/: create it on first run."""
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        if connection.vendor == "sqlite":
            name = str(connection.settings_dict["NAME"])
            if name and not name.startswith(":memory:") and "mode=memory" not in name:
                Path(name).parent.mkdir(parents=True, exist_ok=True)
