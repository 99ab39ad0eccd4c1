"""The case register: series, cases, documents, files and the append-only history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from diarium.accounts.models import Organ, Organisation, Person
from diarium.core.limits import text_limit
from . import extensions

# Limits of the free-text fields, used by the models, the forms and the API (core.limits).
CASE_TITLE_MAX = 500
CASE_DESCRIPTION_MAX = 20_000
DOCUMENT_COUNTERPART_MAX = 300
DOCUMENT_DESCRIPTION_MAX = 500
SECRECY_GROUND_MAX = 200
REASON_MAX = 1000  # why a case was closed or reopened, why secrecy was lifted (kept in the history)
SECRECY_REVIEW_REASON_MIN, SECRECY_REVIEW_REASON_MAX = 3, 2000  # why documents may leave after a secrecy review
REGISTER_QUERY_MAX = 200  # the public register's text filter


class Screened(models.Model):
    """A row whose free text the masking assistant screens when it is saved
    (registry.screening): the screened columns hold what the public sees, the
    originals and the findings are kept in `privacy`."""

    privacy = models.JSONField(default=dict, blank=True, editable=False)
    privacy_pending = models.BooleanField(default=False, editable=False)  # findings not yet reviewed

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        row = super().from_db(db, field_names, values)
        # The screened columns as read: a value unchanged since is not scanned again.
        row._screened_as_read = dict(zip(field_names, values, strict=True))
        return row

    def save(self, *args, **kwargs):
        from . import screening

        extra = screening.screen_on_save(self, kwargs.get("update_fields"))
        if extra and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *extra}
        super().save(*args, **kwargs)


class Series(models.Model):
    """A numbering series ("diarieserie"), usually one per organ (KS)."""

    # db_index=False: a foreign key whose own index would repeat the first column of a
    # composite index or unique constraint of the model (Meta) is served by that one.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="series",
                                     db_index=False)
    code = models.CharField(_("seriekod"), max_length=20)
    name = models.CharField(_("namn"), max_length=200)
    organs = models.ManyToManyField(Organ, blank=True, related_name="series", verbose_name=_("organ"))

    class Meta:
        verbose_name = _("diarieserie")
        verbose_name_plural = _("diarieserier")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="series_code_unique_per_organisation"),
        ]

    def __str__(self):
        return f"{self.code} – {self.name}"


class SeriesCounter(models.Model):
    """The last number taken in a series and year. Locked while a number is taken,
    and rolled back with the registration, so numbers are gapless."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="counters", db_index=False)
    year = models.PositiveIntegerField()
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="series_counter_unique")]


CLASSIFICATION_CODE_MAX = 40
CLASSIFICATION_TITLE_MAX = 200
CLASSIFICATION_DESCRIPTION_MAX = 2000


class Classification(models.Model):
    """A node of the organisation's classification scheme, in the style of
    KLASSA / verksamhetsbaserad informationsklassning: a verksamhetsområde
    ("1"), a processgrupp under it ("1.2") and a process under that ("1.2.3").
    Cases are classified with a process. The rules of the hierarchy (level,
    parent and code agree, one organisation) are kept by
    services.classification; a node no longer used is retired (`active`),
    never removed while a case or a node under it uses it."""

    class Level(models.TextChoices):
        AREA = "area", _("Verksamhetsområde")
        GROUP = "process_group", _("Processgrupp")
        PROCESS = "process", _("Process")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="classifications",
                                     db_index=False)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("överordnad nivå"))
    level = models.CharField(_("nivå"), max_length=20, choices=Level.choices, default=Level.PROCESS)
    code = models.CharField(_("kod"), max_length=CLASSIFICATION_CODE_MAX)
    title = models.CharField(_("benämning"), max_length=CLASSIFICATION_TITLE_MAX)
    description = models.TextField(_("beskrivning"), blank=True,
                                   validators=text_limit(CLASSIFICATION_DESCRIPTION_MAX))
    active = models.BooleanField(_("används"), default=True)
    # Free text from before the records plan (diarium/archive), which supersedes it.
    retention = models.CharField(_("bevarande/gallring"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("klassificering")
        verbose_name_plural = _("klassificeringar")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="classification_code_unique"),
        ]
        indexes = [
            # Whether an organisation has a scheme in use (an active process): asked on every registration.
            models.Index(fields=["organisation", "level"], condition=Q(active=True),
                         name="classification_active_level"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class ClassificationEvent(models.TextChoices):
    """Changes to an organisation's classification scheme, in its history (an
    Event without a case)."""

    CLASSIFICATION_CREATED = "classification_created", _("Klassificering lades till")
    CLASSIFICATION_UPDATED = "classification_updated", _("Klassificering ändrades")
    CLASSIFICATION_RETIRED = "classification_retired", _("Klassificering avvecklades")
    CLASSIFICATION_REMOVED = "classification_removed", _("Klassificering togs bort")
    CLASSIFICATION_IMPORTED = "classification_imported", _("Klassificeringsstruktur importerades")


class DocumentType(models.Model):
    """A kind of document an organisation registers (ansökan, yttrande, beslut,
    protokoll …): the register's own reference data, and what the records plan's
    retention rules will be set per. One no longer used is retired, never removed
    while a document has it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="document_types",
                                     db_index=False)
    name = models.CharField(_("handlingstyp"), max_length=100)
    active = models.BooleanField(_("används"), default=True)

    class Meta:
        verbose_name = _("handlingstyp")
        verbose_name_plural = _("handlingstyper")
        ordering = ["organisation", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="document_type_unique")]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """Someone the organisation corresponds with: a person or an organisation
    (a company, an association, another authority), with how to reach them.
    The register's working list, read only by its staff: a person is a private
    person unless the registrar says otherwise, and their name and details never
    reach the public; an organisation's name is public on its documents."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("namn"), max_length=300)
    org_number = models.CharField(_("organisationsnummer"), max_length=20, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    address = models.CharField(_("postadress"), max_length=300, blank=True)
    # A person is private unless the registrar says otherwise (e.g. one acting for a firm).
    is_private = models.BooleanField(_("privatperson"), default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("kontakt")
        verbose_name_plural = _("kontakter")
        ordering = ["organisation", "name"]

    def __str__(self):
        return self.name

    @property
    def party_kind(self) -> str:
        """What a document's counterpart taken from this contact is (PartyKind)."""
        return PartyKind.PRIVATE if self.kind == self.Kind.PERSON and self.is_private else PartyKind.LEGAL


class Case(Screened):
    """An "ärende": a matter from registration to closing, with a diary number."""

    class Status(models.TextChoices):
        OPEN = "open", _("Pågående")
        CLOSED = "closed", _("Avslutat")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases", db_index=False)
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="cases", verbose_name=_("organ"),
                              db_index=False)
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="cases", db_index=False)
    year = models.PositiveIntegerField(_("år"))
    seq = models.PositiveIntegerField(_("löpnummer"))
    diary_number = models.CharField(_("diarienummer"), max_length=60)
    title = models.CharField(_("ärendemening"), max_length=CASE_TITLE_MAX)
    description = models.TextField(_("beskrivning"), blank=True, validators=text_limit(CASE_DESCRIPTION_MAX))
    case_officer = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("handläggare"),
        db_index=False,
    )
    classification = models.ForeignKey(
        Classification, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name=_("klassificering"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    registered_at = models.DateTimeField(_("registrerat"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    closed_at = models.DateTimeField(_("avslutat"), null=True, blank=True)
    document_count = models.PositiveIntegerField(default=0, editable=False)
    # Diary number, title and description casefolded, for the list's text filter:
    # SQLite's LIKE folds only ASCII case, so "ärende" would not find "Ärende".
    search_text = models.TextField(default="", editable=False)

    class Meta:
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "year", "seq"], name="case_number_unique_in_series"),
            models.UniqueConstraint(fields=["organisation", "diary_number"], name="case_diary_number_unique"),
        ]
        indexes = [
            models.Index(fields=["-registered_at", "-id"], name="case_registered"),
            models.Index(fields=["organisation", "-registered_at", "-id"], name="case_org_registered"),
            models.Index(fields=["organ", "-registered_at"], name="case_organ_registered"),
            models.Index(fields=["organ", "year", "-registered_at"], name="case_organ_year_registered"),
            models.Index(fields=["year", "-registered_at"], name="case_year_registered"),
            models.Index(fields=["status", "-registered_at"], name="case_status_registered"),
            models.Index(fields=["case_officer", "-registered_at"], name="case_officer_registered"),
            # An officer's open cases, and the documents new on them (the desk): not every case they ever had.
            models.Index(fields=["case_officer", "status", "-registered_at"], name="case_officer_status"),
            models.Index(fields=["organisation"], condition=models.Q(privacy_pending=True), name="case_privacy_pending"),
            # The desk's statistics (desk.statistics), each read from its index alone: open cases
            # per officer and organ, and the handling times of the cases closed in a period (a case
            # has closed_at only while it is closed).
            models.Index(fields=["organisation", "status", "case_officer", "organ"], name="case_org_status_officer"),
            models.Index(fields=["organisation", "closed_at", "registered_at", "classification", "organ"],
                         condition=models.Q(closed_at__isnull=False), name="case_closed_times"),
        ]

    def __str__(self):
        return f"{self.diary_number} {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("registry:case_detail", args=[self.pk])

    def refresh_search_text(self) -> None:
        self.search_text = case_search_text(self.diary_number, self.title, self.description)

    after_screening = refresh_search_text  # what the register's search matches is what the public sees


def case_search_text(*parts: str) -> str:
    return " ".join(p for p in parts if p).casefold()


class PartyKind(models.TextChoices):
    """What the registrar says a party outside the organisation is (a sender or
    recipient, a dispatch or remiss recipient). Left to "auto", a name is a
    private person unless it is known as an organisation (access.party_is_private)."""

    AUTO = "auto", _("Avgör automatiskt (privatperson om namnet inte är en känd organisation)")
    PRIVATE = "private", _("Privatperson")
    LEGAL = "legal", _("Organisation, företag eller myndighet (juridisk person)")


class ReceivedVia(models.TextChoices):
    """How an incoming document reached the organisation."""

    EMAIL = "email", _("E-post")
    POST = "post", _("Post")
    E_SERVICE = "e_service", _("E-tjänst")
    HAND = "hand", _("Lämnad personligen")


class Document(Screened):
    """A "handling": a document received, drawn up or sent, registered on a case."""

    class Direction(models.TextChoices):
        INCOMING = "incoming", _("Inkommande")
        DRAWN_UP = "drawn_up", _("Upprättad")
        OUTGOING = "outgoing", _("Utgående")
        INTERNAL = "internal", _("Intern")

    # Register fields that can be masked in public views when a document is secret.
    MASKABLE_FIELDS = {
        "counterpart": _("Avsändare/mottagare"),
        "description": _("Beskrivning"),
    }

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents", db_index=False)
    # The case's organisation, denormalised so that the masking assistant reads an
    # organisation's private counterparts from one partial index without joining
    # the cases (screening_names.private_counterparts). Set when the document is
    # created; documents never move between cases.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False,
                                     db_index=False)
    number = models.PositiveIntegerField(_("löpnummer i ärendet"))
    direction = models.CharField(_("riktning"), max_length=10, choices=Direction.choices)
    document_date = models.DateField(_("datum"), help_text=_("Dag då handlingen kom in eller upprättades."))
    counterpart = models.CharField(_("avsändare/mottagare"), max_length=DOCUMENT_COUNTERPART_MAX, blank=True)
    # What the registrar declared the counterpart to be, and what it is in effect
    # (access.party_is_private): the effective flag is what masks the name.
    counterpart_kind = models.CharField(_("avsändare/mottagare är"), max_length=10, choices=PartyKind.choices,
                                        default=PartyKind.AUTO)
    counterpart_is_private = models.BooleanField(_("privatperson"), default=False)
    description = models.CharField(_("beskrivning"), max_length=DOCUMENT_DESCRIPTION_MAX)
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="documents", verbose_name=_("handlingstyp"))
    received_via = models.CharField(_("inkommen via"), max_length=10, choices=ReceivedVia.choices, blank=True)
    registered_at = models.DateTimeField(_("registrerad"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    is_secret = models.BooleanField(_("sekretessmarkerad"), default=False)
    secrecy_ground = models.CharField(_("sekretessgrund"), max_length=SECRECY_GROUND_MAX, blank=True)
    secrecy_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    secrecy_marked_at = models.DateTimeField(null=True, blank=True)
    masked_fields = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("handling")
        verbose_name_plural = _("handlingar")
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="document_number_unique_in_case"),
        ]
        indexes = [
            models.Index(fields=["-registered_at", "-id"], name="document_registered"),  # newest first
            # One organisation's documents newest first (the document list filtered by organisation).
            models.Index(fields=["organisation", "-registered_at", "-id"], name="document_org_registered"),
            models.Index(fields=["case"], condition=models.Q(privacy_pending=True), name="document_privacy_pending"),
            # An organisation's private counterparts, newest first (screening_names.private_counterparts);
            # on PostgreSQL with the names INCLUDEd, read from the index alone (migration 0031).
            models.Index(fields=["organisation", "-registered_at"],
                         condition=models.Q(counterpart_is_private=True) & ~models.Q(counterpart=""),
                         name="document_private_counterparts"),
        ]

    def __str__(self):
        return f"{self.reference} {self.description}"

    def save(self, *args, **kwargs):
        if self.organisation_id is None and self.case_id is not None:
            self.organisation_id = self.case.organisation_id  # the denormalised copy is never missing
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        return f"{self.case.diary_number}-{self.number}"


class Blob(models.Model):
    """File content, stored once under its SHA-256 and never overwritten."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=200)
    storage_name = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    # What the registrar should know about the content (diarium.registry.files.inspect_content):
    # [{"code": "scripts"}, {"code": "unpacked_too_large", "limit": bytes}]. None: stored
    # before files were inspected (a PDF is then inspected when first shown).
    notes = models.JSONField(null=True, blank=True)


class DocumentFile(models.Model):
    """A file of a document in one version. New versions are appended; old ones stay."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files", db_index=False)
    position = models.PositiveIntegerField()
    version = models.PositiveIntegerField()
    filename = models.CharField(_("filnamn"), max_length=255)
    # Indexed in Meta: as a field index on PostgreSQL it would have a second, `_like`
    # copy for LIKE on the hash, which nothing asks.
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="document_files", db_index=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    # The version this one gives a text layer by OCR (a scan's, registry.services.ocr); None for a
    # file as it was added. A scan's text, for search and the masking assistant, is its OCR version's.
    ocr_of = models.ForeignKey("self", on_delete=models.RESTRICT, null=True, blank=True, editable=False,
                               related_name="ocr_versions")
    # What the masking assistant found in the file's text (registry.screening.file_screen):
    # None until it has read the file, then {"text": {"findings": [...]}}. The public has the
    # file only once it is read and nothing found is left unreleased (privacy_withheld).
    privacy = models.JSONField(null=True, blank=True, editable=False)
    privacy_withheld = models.BooleanField(default=True, editable=False)
    privacy_pending = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["document", "position", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position", "version"], name="document_file_version_unique"),
        ]
        indexes = [models.Index(fields=["blob"], name="document_file_blob")]

    def __str__(self):
        return f"{self.filename} (v{self.version})"


DUE_REASON_MAX = 500


class DueDate(models.Model):
    """A "bevakning": a date by which something must happen on a case (or on one
    of its documents), with the reason, watched by a person (the case officer
    unless someone else is named). Reminded once before the date; marked done
    when handled. Removing one is not possible: it is marked done, with who and when."""

    # The case's organisation, kept on the row: what is overdue in an organisation is read from
    # the open due dates by their day, not from every case it ever had.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="due_dates")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="due_dates")
    due_on = models.DateField(_("bevakningsdatum"))
    reason = models.CharField(_("anledning"), max_length=DUE_REASON_MAX)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="due_dates",
                               verbose_name=_("bevakas av"))
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reminded_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")

    class Meta:
        verbose_name = _("bevakning")
        verbose_name_plural = _("bevakningar")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["person", "due_on"], condition=Q(done_at__isnull=True), name="due_date_open_person"),
            models.Index(fields=["due_on"], condition=Q(done_at__isnull=True), name="due_date_open"),
            models.Index(fields=["organisation", "due_on"], condition=Q(done_at__isnull=True),
                         name="due_date_open_organisation"),
        ]

    def __str__(self):
        return f"{self.due_on:%Y-%m-%d} {self.reason}"


COPY_REASONING_MAX = 5000
# The forms a requester may ask for the copy in (CopyRequest.format).
COPY_FORMATS = {"paper": _("Papperskopia med post"), "email": _("Kopia med e-post")}


class CopyRequest(models.Model):
    """A request for a public document (begäran om utlämnande, TF 2 kap.):
    received from the web form, the API or by the registrar (a phone call, a
    visit, a letter), assigned to an officer with a target time, and decided:
    released, released in part (a copy with the secret parts removed), or
    refused by a decision with its legal ground and how to appeal. The
    requester may stay anonymous; their details are read only by staff."""

    class Channel(models.TextChoices):
        WEB = "web", _("Webbformulär eller API")
        EMAIL = "email", _("E-post")
        PHONE = "phone", _("Telefon")
        VISIT = "visit", _("Besök")
        LETTER = "letter", _("Brev")

    class Outcome(models.TextChoices):
        RELEASED = "released", _("Lämnas ut")
        PARTIAL = "partial", _("Lämnas ut delvis")
        REFUSED = "refused", _("Avslås")

    class Delivery(models.TextChoices):
        """How the copy and the decision reach the requester: by e-mail when the
        contact is an e-mail address, else by post to the address given, else
        kept for the requester to fetch (an anonymous request without contact)."""

        EMAIL = "email", _("Med e-post")
        POST = "post", _("Med post")
        PICKUP = "pickup", _("Hämtas hos registraturen")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="copy_requests")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="copy_requests")
    channel = models.CharField(_("kom in via"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    name = models.CharField(_("namn"), max_length=200, blank=True)
    contact = models.CharField(_("kontaktuppgift"), max_length=500, blank=True)
    format = models.CharField(_("form"), max_length=10)
    message = models.TextField(_("meddelande"), blank=True)
    # Whether the document was marked secret when the request came in (a secrecy review is needed).
    document_secret = models.BooleanField(_("sekretessmarkerad vid begäran"), default=False)
    received_at = models.DateTimeField(_("kom in"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    due_at = models.DateTimeField(_("ska vara avgjord"))
    assigned_to = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="copy_requests", verbose_name=_("handläggare"))
    reminded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("beslut"), max_length=10, choices=Outcome.choices, blank=True)
    legal_ground = models.CharField(_("lagrum"), max_length=SECRECY_GROUND_MAX, blank=True)
    reasoning = models.TextField(_("motivering"), blank=True, validators=text_limit(COPY_REASONING_MAX))
    # What was removed from a copy released in part: {"phrases": [...], "pages": [...]}.
    redaction = models.JSONField(default=dict, blank=True)
    copy_blob = models.ForeignKey(Blob, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    copy_filename = models.CharField(_("kopians filnamn"), max_length=255, blank=True)
    # The written decision (refusal, or release in part), registered on the case.
    decision_document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    delivery = models.CharField(_("skickas"), max_length=10, choices=Delivery.choices, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("begäran om allmän handling")
        verbose_name_plural = _("begäranden om allmän handling")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "due_at"], condition=Q(decided_at__isnull=True),
                         name="copy_request_open"),
            models.Index(fields=["assigned_to", "due_at"], condition=Q(decided_at__isnull=True),
                         name="copy_request_open_assignee"),
            models.Index(fields=["organisation", "-received_at"], name="copy_request_received"),
        ]

    def __str__(self):
        return f"{self.document.reference} {self.received_at:%Y-%m-%d}"

    @property
    def decided(self) -> bool:
        return self.decided_at is not None


class EventQuerySet(models.QuerySet):
    def unsealed(self):
        """The events not yet sealed into their organisation's chain. NOT EXISTS, not the
        ORM's LEFT JOIN … IS NULL: PostgreSQL then probes the seals' unique index per event
        instead of hashing every seal (28 ms against 6 s at 12 million events, for
        history_seal's recent events with event_organisation_id)."""
        return self.filter(~models.Exists(EventSeal.objects.filter(event_id=models.OuterRef("pk"))))

    def update(self, **kwargs):
        raise TypeError("Events are append-only")

    def delete(self):
        raise TypeError("Events are append-only")


class CaseLink(models.Model):
    """A link of a kind from one case to another ("hör till", "ersätter",
    "följdärende till"), read from both ends. Removing one keeps the row, with
    who removed it and when: the register's links are part of its history."""

    class Kind(models.TextChoices):
        BELONGS_TO = "belongs_to", _("Hör till")
        REPLACES = "replaces", _("Ersätter")
        FOLLOWS = "follows", _("Följdärende till")
        RELATED = "related", _("Relaterat ärende")

    # How the other end reads a link ("X ersätter Y": Y is "Ersatt av" X).
    INVERSE = {Kind.BELONGS_TO: _("Har underliggande ärende"), Kind.REPLACES: _("Ersatt av"),
               Kind.FOLLOWS: _("Har följdärende"), Kind.RELATED: _("Relaterat ärende")}

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="links_from")
    other = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="links_to")
    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("ärendekoppling")
        verbose_name_plural = _("ärendekopplingar")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "other", "kind"], condition=Q(removed_at__isnull=True),
                                               name="case_link_once")]


class Event(models.Model):
    """An "åtgärd": something that happened. Append-only: never updated or deleted."""

    class Kind(models.TextChoices):
        CASE_REGISTERED = "case_registered", _("Ärendet registrerades")
        CASE_UPDATED = "case_updated", _("Ärendet ändrades")
        CASE_CLOSED = "case_closed", _("Ärendet avslutades")
        CASE_REOPENED = "case_reopened", _("Ärendet återöppnades")
        DOCUMENT_REGISTERED = "document_registered", _("Handling registrerades")
        FILE_ADDED = "file_added", _("Fil lades till")
        FILE_VERSION_ADDED = "file_version_added", _("Ny version av fil")
        DOCUMENT_SIGNED = "document_signed", _("Handlingen signerades")
        SECRECY_MARKED = "secrecy_marked", _("Handlingen sekretessmarkerades")
        SECRECY_LIFTED = "secrecy_lifted", _("Sekretessmarkeringen togs bort")
        SECRET_READ = "secret_read", _("Sekretessmarkerad handling lästes")
        COPY_REQUESTED = "copy_requested", _("Begäran om utlämnande av allmän handling")
        PRIVACY_REVIEWED = "privacy_reviewed", _("Personuppgifter i registreringen granskades")
        CASE_PROTECTED = "case_protected", _("Ärendemeningen skyddades")
        CASE_UNPROTECTED = "case_unprotected", _("Skyddet av ärendemeningen togs bort")
        # Documents left the organisation after a secrecy review (sekretessprövning)
        # on a remiss, an agenda or a dispatch; written by those apps' services.
        SECRECY_REVIEWED = "secrecy_reviewed", _("Sekretessprövning inför utlämnande")
        CASE_LINKED = "case_linked", _("Ärendet kopplades till ett annat ärende")
        CASE_UNLINKED = "case_unlinked", _("Kopplingen till ett annat ärende togs bort")
        DUE_DATE_SET = "due_date_set", _("Bevakning lades in")
        DUE_DATE_DONE = "due_date_done", _("Bevakning avslutades")
        COPY_REQUEST_ASSIGNED = "copy_request_assigned", _("Begäran om allmän handling fördelades")
        COPY_REQUEST_DECIDED = "copy_request_decided", _("Begäran om allmän handling avgjordes")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, related_name="events", db_index=False)
    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    # The registry's own kinds and those the apps above it register
    # (extensions.event_kinds_register, from their AppConfig.ready).
    kind = models.CharField(max_length=40, choices=extensions.event_kind_choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_name = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at"], name="event_case_at"),
            # An organisation's first and latest event: OParl's created/modified of
            # the body, organs, people and memberships (opendata.oparl.org_stamps).
            models.Index(fields=["organisation", "at"], name="event_organisation_at"),
            # The events appended to an organisation's chain since its last seal
            # (services.chain.history_seal, every few minutes): without it, at 12
            # million events, each organisation's run joined every seal (21 s each).
            models.Index(fields=["organisation", "id"], name="event_organisation_id"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Events are append-only")


class HistoryChain(models.Model):
    """The head of an organisation's sealed history: how many events are sealed
    and the hash of the last seal (registry.chain). Locked while seals are added,
    so each organisation's chain grows one way."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="+")
    length = models.PositiveBigIntegerField(default=0)
    head = models.CharField(max_length=64, default="")
    last_event_id = models.PositiveBigIntegerField(default=0)  # the highest event id sealed
    sealed_at = models.DateTimeField(null=True, blank=True)


class EventSeal(models.Model):
    """An event's place in its organisation's chain: its number, the hash of the
    seal before it and its own hash over that and the event's content. Written
    once, after the event has committed; never updated or deleted."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    seq = models.PositiveBigIntegerField()
    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="seal")
    previous = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "seq"]
        constraints = [models.UniqueConstraint(fields=["organisation", "seq"], name="event_seal_seq_unique")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Seals are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Seals are append-only")
