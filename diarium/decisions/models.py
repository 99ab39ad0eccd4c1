"""Meetings, agendas, officer's reports, decisions, minutes, dispatch and
assignments: the political chain from committee to council and out."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from diarium.accounts.models import Organ, Organisation, Person
from diarium.core.limits import text_limit
from diarium.registry.models import Blob, Case, Document, PartyKind, Screened

# Limits of the free-text fields, used by the models, the forms and the API (core.limits).
PARTY_MAX = 40
PLACE_MAX = 200
TITLE_MAX = 500  # an officer's report's, an agenda item's and a decision's heading
OFFICE_MAX = 200
REPORT_TEXT_MAX = 100_000  # a section of an officer's report: background, opinion
DISPATCH_LINE_MAX = 300  # one recipient of "Beslutet ska skickas till"
DISPATCH_LINES_MAX = 100
DISPATCH_TO_MAX = DISPATCH_LINES_MAX * (DISPATCH_LINE_MAX + 1)  # the lines as one text (the form's field)
SIGNATORY_MAX = 200  # a signatory's name, and title
DECISION_TEXT_MAX = 50_000  # a proposed decision, a decision, a correction of one
CONDITION_TEXT_MAX = 500
NOTE_TEXT_MAX = 20_000  # a motion, reservation, dissent or note in the minutes
ASSIGNMENT_TEXT_MAX = 10_000
CORRECTION_REASON_MAX = 500


class Membership(models.Model):
    """A person's seat in an organ for a period: member, substitute, chair."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Ordförande")
        VICE_CHAIR = "vice_chair", _("Vice ordförande")
        MEMBER = "member", _("Ledamot")
        SUBSTITUTE = "substitute", _("Ersättare")

    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("uppdrag"), max_length=20, choices=Role.choices)
    party = models.CharField(_("parti"), max_length=PARTY_MAX, blank=True)
    start = models.DateField(_("från"))
    end = models.DateField(_("till"), null=True, blank=True)
    # A substitute's place in the order in which substitutes are called in (turordning): 1 first.
    substitute_order = models.PositiveSmallIntegerField(_("turordning"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledamotskap")
        verbose_name_plural = _("ledamotskap")
        ordering = ["organ", "role", "person__name"]

    def __str__(self):
        return f"{self.person.name}, {self.get_role_display()} ({self.organ.code})"

    @staticmethod
    def held_on(day) -> Q:
        """The seats held on `day`: begun by then, and not ended before it."""
        return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day))

    def covers(self, day) -> bool:
        """held_on for a seat already read."""
        return self.start <= day and (self.end is None or self.end >= day)


# Who holds a seat and decides (a substitute decides only when serving for one of them).
SEATED_ROLES = (Membership.Role.CHAIR, Membership.Role.VICE_CHAIR, Membership.Role.MEMBER)


class ParagraphCounter(models.Model):
    """The last paragraph number an organ took in a year (year 0: never restarts)."""

    organ = models.ForeignKey(Organ, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organ", "year"], name="paragraph_counter_unique")]


class Meeting(models.Model):
    """A "sammanträde" of an organ."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerat")
        NOTICE_PUBLISHED = "notice_published", _("Kallelse utskickad")
        OPENED = "opened", _("Pågår")
        CLOSED = "closed", _("Avslutat, protokoll ej justerat")
        ADJUSTED = "adjusted", _("Protokollet justerat")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("organ"))
    date = models.DateField(_("datum"))
    start_time = models.TimeField(_("klockan"), null=True, blank=True)
    end_time = models.TimeField(_("till klockan"), null=True, blank=True)
    place = models.CharField(_("plats"), max_length=PLACE_MAX, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    chair = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("ordförande"))
    secretary = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("sekreterare"))
    adjusters = models.ManyToManyField(Person, blank=True, related_name="+", verbose_name=_("justerare"))
    notice_published_at = models.DateTimeField(null=True, blank=True)
    # The notice with the agenda as published: a record of the organ's own
    # meeting series (like the minutes' blob), not a document of each case.
    notice_blob = models.ForeignKey(Blob, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("sammanträde")
        verbose_name_plural = _("sammanträden")
        ordering = ["-date", "-start_time", "-id"]
        indexes = [models.Index(fields=["organ", "-date"], name="meeting_organ_date")]

    def __str__(self):
        return f"{self.organ.code} {self.date:%Y-%m-%d}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("decisions:meeting_detail", args=[self.pk])


class Attendance(models.Model):
    """Who sat at the meeting, in which role, and whether present."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Membership.Role.choices)
    present = models.BooleanField(default=True)
    replaces = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["meeting", "role", "person__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_unique")]


class OfficerReport(Screened):
    """A "tjänsteskrivelse": the office's report on a case with proposed decisions.
    Its title, background and opinion are screened by the masking assistant."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="officer_reports")
    title = models.CharField(_("rubrik"), max_length=TITLE_MAX)
    addressed_to = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="+", verbose_name=_("till"))
    office = models.CharField(_("förvaltning"), max_length=OFFICE_MAX, blank=True)
    background = models.TextField(_("ärendebeskrivning"), validators=text_limit(REPORT_TEXT_MAX))
    opinion = models.TextField(_("förvaltningens yttrande"), blank=True, validators=text_limit(REPORT_TEXT_MAX))
    dispatch_to = models.TextField(_("beslutet ska skickas till"), blank=True,
                                   help_text=_("En mottagare per rad."), validators=text_limit(DISPATCH_TO_MAX))
    signatories = models.JSONField(_("underskrifter"), default=list, blank=True)  # [{"name":…, "title":…}]
    report_date = models.DateField(_("datum"))
    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("tjänsteskrivelse")
        verbose_name_plural = _("tjänsteskrivelser")
        ordering = ["case", "report_date", "id"]

    def __str__(self):
        return self.title


class Proposal(Screened):
    """A proposed decision to one organ: from an officer's report, or carried
    forward from a decision of a preparing organ (KSAU → KS → KF). Its text is
    screened by the masking assistant."""

    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="+", verbose_name=_("organ"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="proposals")
    text = models.TextField(_("förslag till beslut"), validators=text_limit(DECISION_TEXT_MAX))
    report = models.ForeignKey(OfficerReport, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="proposals")
    from_decision = models.ForeignKey("Decision", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="forwarded_proposals")
    position = models.PositiveIntegerField(default=1)
    condition_organ = models.ForeignKey(Organ, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                        verbose_name=_("villkor: beslut av"))
    condition_text = models.CharField(_("villkor"), max_length=CONDITION_TEXT_MAX, blank=True)

    class Meta:
        ordering = ["case", "position", "id"]

    def __str__(self):
        return f"{self.organ.code}: {self.text[:60]}"


class AgendaItem(Screened):
    """A numbered item of a meeting's agenda ("föredragningslista")."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    title = models.CharField(_("rubrik"), max_length=TITLE_MAX)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="items")
    supporting_documents = models.ManyToManyField(Document, blank=True, related_name="agenda_items",
                                                  verbose_name=_("beslutsunderlag"))

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_position_unique")]

    def __str__(self):
        return f"{self.position}. {self.title}"


class AttendanceChange(models.Model):
    """A member or substitute arriving or leaving while the meeting goes on:
    present, or not, from the item (its paragraph) on. The minutes say so, and
    who decides each item follows from it."""

    class Kind(models.TextChoices):
        ARRIVES = "arrives", _("Ankommer")
        LEAVES = "leaves", _("Lämnar")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance_changes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="attendance_changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.TimeField(_("klockan"), null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["meeting", "recorded_at", "id"]


class Conflict(models.Model):
    """A conflict of interest (jäv, kommunallagen 6 kap. 28 §) declared for an
    agenda item: the member leaves and takes no part in it; a substitute may
    serve in the member's place for that item."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="conflicts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    substitute = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    declared_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("jäv")
        verbose_name_plural = _("jäv")
        ordering = ["item", "declared_at", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "person"], name="conflict_once_per_item")]


class Motion(models.Model):
    """A motion (yrkande) on an agenda item: a member's, or the proposal the item
    came with (no mover). The chair puts motions against each other in votes in
    the order she decides (propositionsordning); `position` is the order made."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="motions")
    position = models.PositiveIntegerField()
    mover = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("yrkande av"))
    text = models.TextField(_("yrkande"), validators=text_limit(NOTE_TEXT_MAX))
    created_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("yrkande")
        verbose_name_plural = _("yrkanden")
        ordering = ["item", "position"]
        constraints = [models.UniqueConstraint(fields=["item", "position"], name="motion_position_unique")]

    def __str__(self):
        return f"{self.mover.name}: {self.text}" if self.mover_id else self.text


class Vote(models.Model):
    """A vote (omröstning, kommunallagen 4 kap. 24 §, 5 kap. 53-56 §§ and 6 kap.
    33 §) between two motions: ja for one, nej for the other. In an open vote
    each deciding member's ballot is kept; in a closed vote (an election) only
    the counts."""

    class Kind(models.TextChoices):
        OPEN = "open", _("Öppen omröstning")
        CLOSED = "closed", _("Sluten omröstning")

    class Decided(models.TextChoices):
        MAJORITY = "majority", _("Flest röster")
        CASTING_VOTE = "casting_vote", _("Ordförandens utslagsröst")
        LOT = "lot", _("Lottning")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    position = models.PositiveIntegerField()
    kind = models.CharField(_("slag"), max_length=10, choices=Kind.choices, default=Kind.OPEN)
    yes_motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="+", verbose_name=_("ja för"))
    no_motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="+", verbose_name=_("nej för"))
    yes = models.PositiveIntegerField(_("ja"), null=True, blank=True)
    no = models.PositiveIntegerField(_("nej"), null=True, blank=True)
    abstain = models.PositiveIntegerField(_("avstår"), null=True, blank=True)
    winner = models.ForeignKey(Motion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_by = models.CharField(max_length=20, choices=Decided.choices, blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("omröstning")
        verbose_name_plural = _("omröstningar")
        ordering = ["item", "position"]
        constraints = [models.UniqueConstraint(fields=["item", "position"], name="vote_position_unique")]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Ballot(models.Model):
    """One member's answer in an open vote: ja, nej or avstår."""

    class Choice(models.TextChoices):
        YES = "yes", _("Ja")
        NO = "no", _("Nej")
        ABSTAIN = "abstain", _("Avstår")

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=Choice.choices)
    cast_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["vote", "id"]
        constraints = [models.UniqueConstraint(fields=["vote", "person"], name="ballot_once_per_vote")]


class Decision(Screened):
    """A decision with its paragraph number, "KS 2018-09-24 § 141"."""

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Bifall")
        AMENDED = "amended", _("Bifall med ändring")
        REJECTED = "rejected", _("Avslag")
        REFERRED_BACK = "referred_back", _("Återremiss")
        POSTPONED = "postponed", _("Bordläggning")
        NOTED = "noted", _("Noteras")

    class Status(models.TextChoices):
        EFFECTIVE = "effective", _("Gäller")
        PENDING = "pending", _("Villkorat, väntar")
        VOID = "void", _("Förfallet")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="decisions")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions")
    year = models.PositiveIntegerField()
    paragraph = models.PositiveIntegerField(_("paragraf"))
    title = models.CharField(_("rubrik"), max_length=TITLE_MAX)
    text = models.TextField(_("beslut"), validators=text_limit(DECISION_TEXT_MAX))
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices, default=Outcome.ADOPTED)
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions")
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions",
                               verbose_name=_("bifallet yrkande"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.EFFECTIVE)
    condition_organ = models.ForeignKey(Organ, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    condition_text = models.CharField(_("villkor"), max_length=CONDITION_TEXT_MAX, blank=True)
    condition_decision = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="conditions_met")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    participants = models.ManyToManyField(Person, blank=True, related_name="+", verbose_name=_("deltagande"))
    references = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="referenced_by")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        ordering = ["organ", "year", "paragraph"]
        constraints = [
            models.UniqueConstraint(fields=["organ", "year", "paragraph"], name="decision_paragraph_unique"),
        ]
        indexes = [models.Index(fields=["case", "recorded_at"], name="decision_case")]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.organ.code} {self.meeting.date:%Y-%m-%d} § {self.paragraph}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("decisions:decision_detail", args=[self.pk])


class DecisionNote(models.Model):
    """Motions, reservations and dissenting opinions entered with a decision."""

    class Kind(models.TextChoices):
        MOTION = "motion", _("Yrkande")
        RESERVATION = "reservation", _("Reservation")
        DISSENT = "dissent", _("Särskilt yttrande")
        NOTE = "note", _("Protokollsanteckning")
        CONFLICT = "conflict", _("Jäv")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="notes")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(validators=text_limit(NOTE_TEXT_MAX))
    # A reservation made through the app names who reserved and the motion they
    # reserve in favour of (the one that lost).
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, null=True, blank=True, related_name="reservations")

    class Meta:
        ordering = ["decision", "position"]


class Correction(models.Model):
    """A recorded correction of an adjusted decision: the decision itself is never edited."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="corrections")
    text = models.TextField(_("rättelse"), validators=text_limit(DECISION_TEXT_MAX))
    reason = models.CharField(_("skäl"), max_length=CORRECTION_REASON_MAX)
    at = models.DateTimeField()
    by_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["decision", "at", "id"]


class Minutes(models.Model):
    """The minutes ("protokoll") of a meeting; final when adjusted."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    adjusted_at = models.DateTimeField(null=True, blank=True)
    posted_on = models.DateField(_("anslaget"), null=True, blank=True)
    take_down_on = models.DateField(_("anslaget tas ned"), null=True, blank=True)
    appeal_ends_on = models.DateField(_("överklagandetiden går ut"), null=True, blank=True)
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Digital adjustment: the secretary draws the minutes up for adjustment (a
    # new version each time; signatures count for the version they signed), the
    # chair and the adjusters sign it with their own logins, each signature
    # added to the PDF; the last one adjusts it, and the signed PDF becomes
    # `blob`. The posting certificate (anslagsbevis) is then drawn as its own PDF.
    draft_version = models.PositiveIntegerField(default=0)
    draft_blob = models.ForeignKey(Blob, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    prepared_at = models.DateTimeField(null=True, blank=True)
    posting_blob = models.ForeignKey(Blob, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    @property
    def adjusted(self) -> bool:
        return self.adjusted_at is not None

    @property
    def out_for_signing(self) -> bool:
        """Drawn up for adjustment and waiting for the signers."""
        return self.draft_blob_id is not None and self.adjusted_at is None


class Signature(models.Model):
    """Someone's approval of the minutes in a role (chair, adjuster). Holds room
    for an e-signature reference once a signing service is connected."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Ordförande")
        ADJUSTER = "adjuster", _("Justerare")
        SECRETARY = "secretary", _("Sekreterare")

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="signatures")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)
    signed_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    class Method(models.TextChoices):
        RECORDED = "recorded", _("Antecknad av sekreteraren (underskrift på papper)")
        LOGIN = "login", _("Godkänd med egen inloggning")
        PADES = "pades", _("Digital signatur (PAdES)")

    method = models.CharField(max_length=40, choices=Method.choices, default=Method.RECORDED)
    external_reference = models.CharField(max_length=200, blank=True)
    draft_version = models.PositiveIntegerField(default=0)  # the version of the minutes signed (Minutes.draft_version)
    document_sha256 = models.CharField(max_length=64, blank=True)  # the PDF as the signer read it

    class Meta:
        ordering = ["minutes", "signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["minutes", "person", "role", "draft_version"],
                                               name="signature_unique_per_version")]


class MinutesComment(models.Model):
    """A signer's comment on the minutes drawn up for adjustment, instead of
    signing: for the secretary, who corrects and draws them up again."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="comments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    draft_version = models.PositiveIntegerField()
    text = models.TextField(validators=text_limit(NOTE_TEXT_MAX))
    at = models.DateTimeField()

    class Meta:
        ordering = ["minutes", "at", "id"]


class DecisionRecipient(models.Model):
    """Who a decision is sent to ("Beslutet ska skickas till") and whether it went."""

    class State(models.TextChoices):
        PENDING = "pending", _("Ej expedierad")
        QUEUED = "queued", _("Skickas")
        SENT = "sent", _("Expedierad")
        FAILED = "failed", _("Kunde inte skickas")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="recipients")
    position = models.PositiveIntegerField()
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=300)
    # What the secretary declared the recipient to be, and whether it is in effect a
    # private person (registry.access.party_is_private), whose name the public never sees.
    kind = models.CharField(max_length=10, choices=PartyKind.choices, default=PartyKind.AUTO)
    is_private = models.BooleanField(default=False)
    email = models.EmailField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    excerpt_document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["decision", "position"]

    def __str__(self):
        return self.name


class Assignment(models.Model):
    """An "uppdrag" a decision gives an organ, with a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Pågår")
        DONE = "done", _("Slutfört")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="assignments")
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="assignments")
    description = models.TextField(_("uppdrag"), validators=text_limit(ASSIGNMENT_TEXT_MAX))
    deadline = models.DateField(_("klart senast"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answering_case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="answers_assignments")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by_decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["deadline", "id"]


class ReadingNote(models.Model):
    """A member's own note on a paper put before their meeting: read by its
    writer alone, never by the secretary, the public or any output. A working
    note of the member's (not a public record of the organisation)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("anteckning"), validators=text_limit(NOTE_TEXT_MAX))
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("egen anteckning")
        verbose_name_plural = _("egna anteckningar")
        constraints = [models.UniqueConstraint(fields=["user", "document"], name="reading_note_once")]


class CouncilMatter(models.Model):
    """A motion, interpellation, question or citizen proposal put to the council
    (kommunallagen 4 kap. 19-20 §§, 5 kap. 22, 35, 59-64 §§, 8 kap. 1 §), each
    its own registered case, followed until it is answered: a motion or a
    citizen proposal by the council's decision on its case (within a year of
    being raised), an interpellation or a question at a council meeting."""

    class Kind(models.TextChoices):
        MOTION = "motion", _("Motion")
        INTERPELLATION = "interpellation", _("Interpellation")
        QUESTION = "question", _("Fråga")
        CITIZEN_PROPOSAL = "citizen_proposal", _("Medborgarförslag")

    # Decided by the council within a year of being raised (5 kap. 35 §, 8 kap. 1 §).
    ONE_YEAR_KINDS = (Kind.MOTION, Kind.CITIZEN_PROPOSAL)

    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="council_matters",
                              verbose_name=_("fullmäktige"))
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="council_matter")
    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices)
    submitted_on = models.DateField(_("väckt"))
    mover = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("väckt av"))
    addressed_to = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("ställd till"))
    answered_on = models.DateField(_("besvarad"), null=True, blank=True)
    answer_decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answer_meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("ärende till fullmäktige")
        verbose_name_plural = _("motioner, interpellationer, frågor och medborgarförslag")
        ordering = ["organ", "submitted_on", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.case.title}"


DELEGATION_POINT_MAX = 40  # "3.2", "6.1.4 a": a point of the board's delegation order
# The decision in short; with "Delegationsbeslut enligt punkt …: " it is the description of
# its registered document (registry.models.DOCUMENT_DESCRIPTION_MAX, 500).
DELEGATION_SUMMARY_MAX = 400


class DelegationDecision(Screened):
    """A decision taken under delegation from a board (delegationsbeslut,
    kommunallagen 6 kap. 37-39 §§) by an officer, a chair or a committee,
    registered in the case it was taken in as a drawn-up document: the
    document is the decision, so its secrecy and the privacy of what it says
    follow the register's rules for that document.

    Decisions taken under delegation are reported to the board (6 kap. 40 §):
    the secretary puts the unreported ones on the agenda of one of its meetings
    as one item, "Anmälan av delegationsbeslut" (`agenda_item`), and they are
    reported when the minutes record a decision on that item (`reported_in`,
    the paragraph; null until then). An item of a meeting that ended without
    recording it leaves them unreported, for the next meeting's report. The
    summary is screened by the masking assistant, as every free text the public
    reads."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="delegation_decisions",
                              verbose_name=_("delegerande organ"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="delegation_decisions",
                             verbose_name=_("ärende"))
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="delegation_decision",
                                    verbose_name=_("handling"))
    point = models.CharField(_("punkt i delegationsordningen"), max_length=DELEGATION_POINT_MAX)
    summary = models.CharField(_("beslutet i korthet"), max_length=DELEGATION_SUMMARY_MAX)
    decided_on = models.DateField(_("beslutsdatum"))
    decided_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("beslutsfattare"))
    registered_at = models.DateTimeField(_("registrerat"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="delegation_decisions", verbose_name=_("anmäls vid punkt"))
    reported_in = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="delegation_decisions", verbose_name=_("anmält i paragraf"))

    class Meta:
        verbose_name = _("delegationsbeslut")
        verbose_name_plural = _("delegationsbeslut")
        ordering = ["organ", "decided_on", "id"]
        indexes = [models.Index(fields=["organ", "decided_on"], name="delegation_organ_date")]

    def __str__(self):
        return f"{self.organ.code} {self.decided_on:%Y-%m-%d} ({self.point})"
