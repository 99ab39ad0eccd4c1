"""Sending an e-mail from a task so that a task run again sends it once.

A worker can die at any moment of a task, and the outbox (diarium.core.queue)
then runs the task again. The task's own claims (a recipient's state, a
"reminded" timestamp) are recorded after the mail server accepted the message,
so without more the run again would send the message a second time. mail_send
keeps a ledger row per message of a queued run (SentMail), keyed by the run's
outbox row, the recipients and the how-manieth message to them in the run:

- "sending" is committed before the SMTP conversation begins;
- "sent" is committed right after the server accepted the message;
- run again, a message whose row says "sent" is not sent again (and counts as
  sent, so the task records its outcome as the first run would have); one whose
  row says "sending" is sent again: the server may or may not have accepted it.

The one window left: the worker dies after the server accepted the message (its
reply to the end of DATA) and before "sent" is committed, a single UPDATE later.
Then the recipient gets the message twice. Both copies carry the same
Message-ID, so mail systems that deduplicate by it show one.

The ledger rows must be committed at once, so call mail_send outside a
transaction.atomic block. Outside a queued run (the database backend, a
request) mail_send is message.send().
"""

from __future__ import annotations

import hashlib
import logging
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from .models import SentMail
from .queue import current_run

logger = logging.getLogger("diarium.mail")


def _domain() -> str:
    sender = str(getattr(settings, "DEFAULT_FROM_EMAIL", "") or "")
    return sender.rpartition("@")[2].strip("> ") or "diarium.localhost"


def mail_send(message: EmailMessage, *, fail_silently: bool = False) -> int:
    """Send `message` (as message.send), once per queued run; return the number sent (0 or 1)."""
    run = current_run.get()
    if run is None:
        return message.send(fail_silently=fail_silently)
    recipients = ",".join(sorted(address.lower() for address in message.recipients()))
    digest = hashlib.sha256(recipients.encode()).hexdigest()[:24]
    run.mails[digest] = run.mails.get(digest, 0) + 1
    key = f"{run.row_id}:{digest}:{run.mails[digest]}"
    entry = SentMail.objects.filter(key=key).first()
    if entry is not None and entry.state == SentMail.State.SENT:
        logger.info("E-mail %s was accepted by the mail server in an earlier run; not sent again", key)
        return 1
    if entry is None:
        entry = SentMail.objects.create(key=key, state=SentMail.State.SENDING, started_at=timezone.now(),
                                        message_id=make_msgid(idstring=f"q{run.row_id}", domain=_domain()))
    else:
        logger.warning("E-mail %s may have been sent by a run that died; sending it again", key)
    message.extra_headers = {**(message.extra_headers or {}), "Message-ID": entry.message_id}
    sent = message.send(fail_silently=fail_silently)
    if sent:
        SentMail.objects.filter(key=key).update(state=SentMail.State.SENT, sent_at=timezone.now())
    return sent
