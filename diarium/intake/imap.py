"""Talking to a mailbox over IMAP (IMAPClient). Every way a mailbox can fail
(the server cannot be found or reached, TLS fails, the password is wrong, the
folder is missing, the connection drops) comes out as MailboxUnavailable with
a Swedish message for the registrar."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils.translation import gettext as _
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

SEEN = b"\\Seen"


class MailboxUnavailable(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def timeout() -> float:
    """DIARIUM_INTAKE_IMAP_TIMEOUT: seconds to wait for the server (30)."""
    return float(getattr(settings, "DIARIUM_INTAKE_IMAP_TIMEOUT", 30))


def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    cafile = getattr(settings, "DIARIUM_INTAKE_CA_FILE", "")  # a municipality's own CA, if its server uses one
    if cafile:
        context.load_verify_locations(cafile)
    return context


def failure(mailbox, exc: BaseException) -> MailboxUnavailable:
    """The registrar's message for what went wrong talking to `mailbox`."""
    where = {"name": mailbox.name, "host": mailbox.host, "port": mailbox.port}
    if isinstance(exc, MailboxUnavailable):
        return exc
    if isinstance(exc, LoginError):
        text = _("Inloggningen till brevlådan %(name)s misslyckades: servern godtog inte användarnamnet eller "
                 "lösenordet. Kontrollera dem under brevlådans inställningar.") % where
    elif isinstance(exc, socket.gaierror):
        text = _("Servern %(host)s för brevlådan %(name)s hittades inte. Kontrollera serverns namn.") % where
    elif isinstance(exc, ssl.SSLError | ssl.CertificateError):
        text = _("En krypterad förbindelse till %(host)s:%(port)s kunde inte upprättas (%(error)s). "
                 "Kontrollera krypteringen och serverns certifikat.") % {**where, "error": exc}
    elif isinstance(exc, TimeoutError | socket.timeout):
        text = _("Servern %(host)s:%(port)s svarade inte i tid. Brevlådan %(name)s läses igen om en stund.") % where
    elif isinstance(exc, OSError):
        text = _("Brevlådan %(name)s kunde inte nås på %(host)s:%(port)s (%(error)s). Den läses igen om en "
                 "stund.") % {**where, "error": exc.strerror or exc}
    else:
        text = _("Servern för brevlådan %(name)s svarade med ett fel: %(error)s") % {**where, "error": exc}
    return MailboxUnavailable(text[:500])


@contextmanager
def connected(mailbox) -> Iterator[IMAPClient]:
    """A logged-in client for `mailbox` (intake.models.Mailbox), logged out after."""
    try:
        client = IMAPClient(mailbox.host, port=mailbox.port, ssl=mailbox.security == "ssl",
                            ssl_context=_tls_context(), timeout=timeout())
        client.normalise_times = False  # INTERNALDATE as an aware datetime
        if mailbox.security == "starttls":
            client.starttls(_tls_context())
        if (mailbox.username + mailbox.password).isascii():
            client.login(mailbox.username, mailbox.password)
        else:  # LOGIN is ASCII only; AUTHENTICATE PLAIN carries UTF-8 ("Brevlåda-7")
            client.plain_login(mailbox.username, mailbox.password)
    except (IMAPClientError, OSError, ssl.CertificateError) as exc:
        raise failure(mailbox, exc) from exc
    try:
        yield client
    except (IMAPClientError, OSError) as exc:
        raise failure(mailbox, exc) from exc
    finally:
        try:
            client.logout()
        except (IMAPClientError, OSError):
            pass


def folder_select(client: IMAPClient, mailbox, folder: str) -> int:
    """Select `folder` for reading and writing; its UIDVALIDITY."""
    if not client.folder_exists(folder):
        raise MailboxUnavailable(_("Mappen %(folder)s finns inte i brevlådan %(name)s.")
                                 % {"folder": folder, "name": mailbox.name})
    info = client.select_folder(folder)
    return int(info[b"UIDVALIDITY"])


def uids_after(client: IMAPClient, last_uid: int) -> list[int]:
    """The UIDs above `last_uid`, lowest first ("n:*" also matches the highest UID when none is above)."""
    return sorted(uid for uid in client.search(["UID", f"{last_uid + 1}:*"]) if uid > last_uid)


def file_away(client: IMAPClient, uids: list[int], done_folder: str) -> None:
    """Move handled messages to `done_folder` (made if missing), or mark them read."""
    if not uids:
        return
    if done_folder:
        if not client.folder_exists(done_folder):
            client.create_folder(done_folder)
        if client.has_capability("MOVE"):
            client.move(uids, done_folder)
        else:
            client.copy(uids, done_folder)
            client.delete_messages(uids)
            client.uid_expunge(uids) if client.has_capability("UIDPLUS") else client.expunge()
    else:
        client.add_flags(uids, [SEEN])
