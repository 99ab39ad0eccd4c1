"""The kinds of event the reading of old documents writes to the history
(registered with the registry in ReadingConfig.ready). Which of them the
public is not shown, and why, is said in access.internal_event_kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReadingEvent(models.TextChoices):
    # Of the organisation (no case): a file read and queued for review, or the proposal rejected.
    PROPOSAL_QUEUED = "reading_queued", _("Handling lästes in för granskning")
    PROPOSAL_REJECTED = "reading_rejected", _("Inläst handling avvisades")
    # On each case (and meeting) a proposal was written into, with what it became.
    PROPOSAL_ACCEPTED = "reading_accepted", _("Inläst handling godkändes och registrerades")
    # A citation of an earlier decision found the decision (when the document came in, or later).
    CITATION_RESOLVED = "reading_citation_resolved", _("Hänvisning till tidigare beslut kopplades till beslutet")
