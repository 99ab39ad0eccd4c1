"""A real IMAP server for the intake's tests and benchmark: Dovecot from
Debian's package (dovecot-imapd), started on a free loopback port with its
configuration, mail and users in a folder of its own, and stopped after.

    server = Dovecot().start()
    server.append("registrator", raw)   # any account name, server.password
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from imapclient import IMAPClient

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def available() -> bool:
    return os.path.exists(DOVECOT)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dovecot:
    # Every account has the one password (a static passdb): an account is there once used.
    def __init__(self, password: str = "Brevlåda-hemlig-7"):
        # A folder of its own under the system's temporary folder: as root, Dovecot reads
        # it as its own user, who cannot look into pytest's private (0700) temporary folders.
        self.root = Path(tempfile.mkdtemp(prefix="diarium-dovecot-"))
        self.root.chmod(0o755)
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        self.password = password

    def start(self) -> Dovecot:
        for folder in ("run", "state", "mail", "home"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        # Dovecot never lets mail be handled as root: as root, its own user does it.
        if os.geteuid() == 0:
            account = pwd.getpwnam("dovecot")
            uid, gid, internal, login = account.pw_uid, account.pw_gid, "dovecot", "dovenull"
            for folder in ("mail", "home"):
                os.chown(self.root / folder, uid, gid)
        else:
            account = pwd.getpwuid(os.geteuid())
            uid, gid, internal, login = account.pw_uid, account.pw_gid, account.pw_name, account.pw_name
        (self.root / "dovecot.conf").write_text(f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:{self.root}/mail/%u
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = {uid}
passdb {{
  driver = static
  args = password={self.password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
""")
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot did not start: {self.process.stderr.read().decode()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("dovecot did not listen within 20 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self, name: str) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.plain_login(name, self.password)
        return client

    def append(self, name: str, *messages: bytes, folder: str = "INBOX") -> None:
        client = self.client(name)
        try:
            for raw in messages:
                client.append(folder, raw)
        finally:
            client.logout()

    def uids(self, name: str, folder: str = "INBOX", *, unseen: bool = False) -> list[int]:
        client = self.client(name)
        try:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            return sorted(client.search(["UNSEEN"] if unseen else ["ALL"]))
        finally:
            client.logout()
