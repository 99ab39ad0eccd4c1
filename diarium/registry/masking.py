"""The neutral wording shown instead of a masked register value: one source for
the pages, the API, the feeds and the dumps (issue 7: "Sekretessmarkerad
uppgift", "Privatperson").

Which values are masked, and why, is decided in access.py; this module only
says what is shown in their place."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from .access import MASKED_PRIVATE, MASKED_SECRET

# Plain strings marked for translation, not lazy ones: feeds and dumps publish
# them as they are (json.dumps cannot write a lazy string), while pages and the
# API translate them when they are shown, through masked_text().
MASKED_SECRET_TEXT = gettext_noop("Sekretessmarkerad uppgift")
MASKED_PRIVATE_TEXT = gettext_noop("Privatperson")

_TEXTS = {MASKED_SECRET: MASKED_SECRET_TEXT, MASKED_PRIVATE: MASKED_PRIVATE_TEXT}


def masked_text(reason: str | None) -> str | None:
    """The neutral text for a value hidden for `reason` (access.MASKED_SECRET or
    access.MASKED_PRIVATE), or None when the value is shown."""
    if reason is None:
        return None
    return gettext(_TEXTS[reason])


def shown_text(value: str | None, reason: str | None) -> str:
    """What a reader is shown for a register field: the neutral text where the
    value is masked, else the value itself (empty when there is none)."""
    return masked_text(reason) or value or ""
