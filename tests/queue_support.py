"""Real services for the queue tests (tests/test_queue_rq.py): a redis-server of
the test's own (so it can be stopped and restarted, with its append-only file),
a mail server that can hold its answer to a message (so a worker can be killed
mid-conversation), the worker as a separate process, and test-only tasks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django_tasks import task

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout: float = 20.0, step: float = 0.05, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


# --- Redis -------------------------------------------------------------------------------------
class RedisServer:
    """redis-server on a free port, persisting to an append-only file in `folder`."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.process = folder, free_port(), None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
             "--dir", str(self.folder), "--daemonize", "no", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

        def up():
            try:
                return self.client().ping()
            except Exception:
                return False

        wait_for(up, 10, what="redis-server to start")

    def stop(self) -> None:
        """A clean stop (SIGTERM): Redis writes its append-only file and exits."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def queued(self, name: str = "default") -> int:
        return self.client().llen(f"rq:queue:{name}")


# --- a mail server -----------------------------------------------------------------------------
class MailServer:
    """A minimal SMTP server. A message counts as delivered when the server has
    answered 250 to the end of its DATA. With `hold_next` set, the next message's
    answer is held back (the sender waits mid-conversation) until its connection
    drops: that message is not delivered."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.delivered: list[bytes] = []
        self.transfers = 0  # messages whose whole DATA arrived, answered or not
        self.hold_next = False
        self.holding = threading.Event()
        self.lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def close(self):
        self.sock.close()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket):
        reader = conn.makefile("rb")
        try:
            conn.sendall(b"220 test ESMTP\r\n")
            while True:
                line = reader.readline()
                if not line:
                    return
                verb = line[:4].upper()
                if verb == b"EHLO":
                    conn.sendall(b"250-test\r\n250 8BITMIME\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 go on\r\n")
                    data = b""
                    while not data.endswith(b"\r\n.\r\n"):
                        chunk = reader.readline()
                        if not chunk:
                            return
                        data += chunk
                    with self.lock:
                        self.transfers += 1
                        hold, self.hold_next = self.hold_next, False
                    if hold:
                        self.holding.set()
                        while reader.readline():  # until the sender is gone
                            pass
                        return
                    with self.lock:
                        self.delivered.append(data)
                    conn.sendall(b"250 accepted\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:  # HELO, MAIL, RCPT, RSET, NOOP
                    conn.sendall(b"250 ok\r\n")
        except OSError:
            return
        finally:
            conn.close()


# --- the worker as a process of its own ----------------------------------------------------------
def database_url() -> str:
    """The test database, as a DATABASE_URL another process can open."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def worker_process(*, redis: RedisServer, mail: MailServer, folder: Path, log: Path, lease: float = 2.0):
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url(),
        "DIARIUM_TASKS_BACKEND": "django_tasks_rq.RQBackend", "DIARIUM_QUEUE_URL": redis.url,
        "DIARIUM_QUEUE_LEASE_SECONDS": str(lease), "DIARIUM_QUEUE_RELAY_SECONDS": "0.3",
        "DIARIUM_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DIARIUM_EMAIL_HOST": "127.0.0.1", "DIARIUM_EMAIL_PORT": str(mail.port),
        "DIARIUM_VAR_DIR": str(folder / "var"), "DIARIUM_MEDIA_ROOT": str(folder / "files"),
        "DIARIUM_SITE_URL": settings.SITE_URL, "DIARIUM_OCR": "off",
    }
    env.pop("DATABASE_REPLICA_URL", None)
    return subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "worker", "--skip-checks"], cwd=ROOT, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


# --- test-only tasks -----------------------------------------------------------------------------
@task()
def note_run(path: str, label: str, seconds: float = 0.0) -> str:
    """Append "start <label>" and, `seconds` later, "end <label>" to the file at `path`."""
    with open(path, "a", encoding="utf-8") as out:
        out.write(f"start {label}\n")
    time.sleep(seconds)
    with open(path, "a", encoding="utf-8") as out:
        out.write(f"end {label}\n")
    return label


@task()
def fail_always(path: str) -> None:
    with open(path, "a", encoding="utf-8") as out:
        out.write("fail\n")
    raise RuntimeError("this task always fails")
