"""The secret key: never one from the source.

It signs sessions, CSRF tokens and the remiss answer links; with a key in the
source anyone holding a copy of the database could forge an answer link. The
demo makes a random key and keeps it under var/; any other start without
DJANGO_SECRET_KEY (or var/secret_key) refuses to run and says why.
Each start here is a process of its own with the project's real settings.
"""

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINT_KEY = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"


def _env(var_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SECRET_KEY", "DIARIUM_SECRET_KEY_CREATE", "DIARIUM_DEBUG")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DIARIUM_VAR_DIR=str(var_dir),
               DATABASE_URL=f"sqlite:///{var_dir / 'diarium.sqlite3'}", DIARIUM_MEDIA_ROOT=str(var_dir / "files"),
               DIARIUM_SEARCH_INDEX_DIR=str(var_dir / "search-index"), **extra)
    return env


def _run(args: list[str], env: dict, timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False,
                          timeout=timeout)


def test_a_production_start_without_a_key_refuses_with_a_clear_message(tmp_path):
    env = _env(tmp_path)
    for args in (["-m", "diarium.cli", "worker", "--batch"], ["-m", "diarium.cli", "runserver", "--noreload"]):
        result = _run(args, env)
        assert result.returncode != 0, args
        assert "DJANGO_SECRET_KEY" in result.stderr, args
        assert "Traceback" not in result.stderr, args  # a message, not a stack
    # The WSGI application (gunicorn, uWSGI) does not start either.
    result = _run(["-c", "import config.wsgi"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DJANGO_SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_a_key_in_the_environment_is_used(tmp_path):
    result = _run(["-c", PRINT_KEY], _env(tmp_path, DJANGO_SECRET_KEY="nyckel-ur-miljon-" + "x" * 40))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "nyckel-ur-miljon-" + "x" * 40


def test_the_demo_makes_a_random_key_under_var_and_later_starts_reuse_it(tmp_path):
    # Any start of the demo command makes the key before it does anything else (loading the demo is
    # tested in test_demo_command.py; here its cheapest start suffices).
    env = _env(tmp_path, DIARIUM_DEMO_PASSWORD="Demo-Lösen-Alingsås-2017")
    assert not (tmp_path / "secret_key").exists()
    result = _run(["-m", "diarium.cli", "demo", "--help"], env)
    assert result.returncode == 0, result.stderr
    key_file = tmp_path / "secret_key"
    key = key_file.read_text().strip()
    assert len(key) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # only the server's user reads it
    assert "insecure" not in key
    # A later start, the demo's or a production one, signs with the same key.
    result = _run(["-c", PRINT_KEY], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == key
    result = _run(["-m", "diarium.cli", "demo", "--help"], env)
    assert result.returncode == 0, result.stderr
    assert key_file.read_text().strip() == key
    # Another installation's demo has another key.
    other = tmp_path / "other"
    result = _run(["-m", "diarium.cli", "demo", "--help"], _env(other))
    assert result.returncode == 0, result.stderr
    assert (other / "secret_key").read_text().strip() != key


def test_a_debug_start_makes_its_own_key(tmp_path):
    result = _run(["-c", PRINT_KEY], _env(tmp_path, DIARIUM_DEBUG="1"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (tmp_path / "secret_key").read_text().strip()
