"""An e-mail backend for fault tests: the mail server refuses some addresses."""

from django.core.mail.backends.locmem import EmailBackend

FLAKY_BACKEND = "tests.mail_support.FlakyBackend"


class FlakyBackend(EmailBackend):
    """Refuses mail to addresses containing 'trasig'."""

    def send_messages(self, messages):
        for message in messages:
            if any("trasig" in to for to in message.to):
                raise ConnectionRefusedError("Mailservern svarar inte")
        return super().send_messages(messages)
