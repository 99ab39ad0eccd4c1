"""Who: organisations (tenants), organs, people, users and their roles."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

DEFAULT_DIARY_NUMBER_FORMAT = "{year}.{seq} {series}"


class Organisation(models.Model):
    """A municipality (or region, federation) running its own register: a tenant."""

    name = models.CharField(_("namn"), max_length=200, unique=True)
    slug = models.SlugField(_("kortnamn"), max_length=60, unique=True)
    org_number = models.CharField(_("organisationsnummer"), max_length=20, blank=True)
    diary_number_format = models.CharField(
        _("format för diarienummer"),
        max_length=60,
        default=DEFAULT_DIARY_NUMBER_FORMAT,
        help_text=_("Platshållare: {year}, {seq}, {series}. Exempel: {year}.{seq} {series} eller {series} {year}/{seq}."),
    )

    paragraphs_restart_yearly = models.BooleanField(
        _("paragrafnumreringen börjar om varje år"), default=True,
        help_text=_("Organens paragrafer räknas § 1, § 2 … per kalenderår. Av: numreringen löper vidare."),
    )

    # The organisation's own public site (issue 25): reached on its host name, or on
    # /o/<slug>/ of a shared host, with its name, logo, colour and contact details.
    host = models.CharField(
        _("värdnamn"), max_length=253, blank=True,
        help_text=_("Den publika webbplatsens värdnamn, t.ex. diarium.alingsas.se. Tomt: bara på den delade adressen."),
    )
    site_title = models.CharField(_("webbplatsens namn"), max_length=200, blank=True,
                                  help_text=_("Tomt: organisationens namn."))
    logo = models.FileField(_("logotyp"), upload_to="organisations/logos/", blank=True)
    brand_colour = models.CharField(_("profilfärg"), max_length=7, default="#1d4e89",
                                    help_text=_("Sidhuvudets färg som #rrggbb. Vit text måste gå att läsa mot den."))
    contact_email = models.EmailField(_("kontaktadress (e-post)"), blank=True)
    contact_phone = models.CharField(_("telefon"), max_length=40, blank=True)
    postal_address = models.TextField(_("postadress"), blank=True)
    website = models.URLField(_("webbplats"), blank=True)

    # Sign-in: with local passwords off, staff sign in only through the organisation's
    # identity providers; users marked for emergency access still may (User.emergency_access).
    local_login_enabled = models.BooleanField(
        _("lokala lösenord tillåtna"), default=True,
        help_text=_("Av: personalen loggar bara in via organisationens identitetsleverantör. Nödkonton kan alltid "
                    "logga in med lösenord."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["host"], condition=~Q(host=""), name="organisation_host_unique"),
        ]

    def __str__(self):
        return self.name


class Organ(models.Model):
    """A body that decides or answers: council, executive board, committee,
    board, municipal company, federation or external organisation."""

    class Kind(models.TextChoices):
        COUNCIL = "council", _("Kommunfullmäktige")
        EXECUTIVE_BOARD = "executive_board", _("Kommunstyrelse")
        COMMITTEE = "committee", _("Utskott")
        BOARD = "board", _("Nämnd")
        COMPANY = "company", _("Kommunalt bolag")
        FEDERATION = "federation", _("Kommunalförbund")
        EXTERNAL = "external", _("Extern organisation")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="organs")
    name = models.CharField(_("namn"), max_length=200)
    code = models.CharField(_("förkortning"), max_length=20)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="committees",
        verbose_name=_("överordnat organ"),
    )
    email = models.EmailField(_("e-post"), blank=True)
    active = models.BooleanField(_("aktivt"), default=True)

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = _("organ")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="organ_code_unique_per_organisation"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Person(models.Model):
    """A named official (case officer, signatory). May or may not have a login."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    name = models.CharField(_("namn"), max_length=200)
    title = models.CharField(_("titel"), max_length=200, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("direkttelefon"), max_length=40, blank=True)
    organ = models.ForeignKey(Organ, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("organ"))
    user = models.OneToOneField(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="person",
        verbose_name=_("användare"),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.title}" if self.title else self.name


class User(AbstractUser):
    """A login. Rights come from RoleAssignment rows, per organisation and organ."""

    emergency_access = models.BooleanField(
        _("nödkonto"), default=False,
        help_text=_("Får logga in med lösenord även när organisationen har stängt av lokala lösenord."),
    )

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administratör")
    REGISTRAR = "registrar", _("Registrator")
    CASE_OFFICER = "case_officer", _("Handläggare")
    READER = "reader", _("Läsare")


class RoleAssignment(models.Model):
    """A user's role in an organisation, for one organ or (organ empty) all of them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="role_assignments")
    organ = models.ForeignKey(
        Organ, on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments",
        help_text=_("Tomt betyder alla organ i organisationen."),
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)

    class Source(models.TextChoices):
        MANUAL = "manual", _("Tilldelad av administratör")
        SSO = "sso", _("Från identitetsleverantörens grupper")

    # Roles from the identity provider's groups (GroupRoleMapping) are replaced at every
    # sign-on (diarium/accounts/sso/provisioning.py); roles granted by hand stay.
    source = models.CharField(_("ursprung"), max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        verbose_name = _("roll")
        verbose_name_plural = _("roller")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "organ", "role"], name="role_assignment_unique"),
        ]

    def __str__(self):
        scope = self.organ.code if self.organ_id else self.organisation.name
        return f"{self.user} – {self.get_role_display()} ({scope})"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("namn"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class IdentityProvider(models.Model):
    """An organisation's identity provider for single sign-on: OpenID Connect or SAML 2.0.

    Staff (and, through the same path, citizens with eID where the provider offers
    BankID or Freja) sign in at /konto/sso/<slug>/. The client secret is write-only:
    no page, answer or log shows it again."""

    class Protocol(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="identity_providers")
    slug = models.SlugField(_("kortnamn"), max_length=60, unique=True,
                            help_text=_("Används i inloggningsadressen /konto/sso/<kortnamn>/."))
    name = models.CharField(_("namn"), max_length=200, help_text=_("Visas på inloggningsknappen."))
    protocol = models.CharField(_("protokoll"), max_length=10, choices=Protocol.choices)
    enabled = models.BooleanField(_("aktiv"), default=True)
    # OpenID Connect
    issuer = models.CharField(_("utfärdare (issuer)"), max_length=500, blank=True)
    client_id = models.CharField(_("klient-id"), max_length=255, blank=True)
    client_secret = models.CharField(_("klienthemlighet"), max_length=500, blank=True)
    scopes = models.CharField(_("scopes"), max_length=255, default="openid email profile")
    # SAML 2.0: the IdP's metadata, pasted or fetched from a URL.
    entity_id = models.CharField(_("IdP:ns entity-id"), max_length=500, blank=True)
    metadata_xml = models.TextField(_("IdP-metadata (XML)"), blank=True)
    metadata_url = models.URLField(_("adress till IdP-metadata"), max_length=500, blank=True)
    # Both: where the groups, the name and the e-mail address are found in the answer.
    groups_attribute = models.CharField(_("attribut för grupper"), max_length=255, default="groups")
    username_attribute = models.CharField(
        _("attribut för användarnamn"), max_length=255, blank=True,
        help_text=_("Tomt: e-postadressen, annars subjektet."),
    )
    clock_skew_seconds = models.PositiveIntegerField(_("tillåten klockskillnad (sekunder)"), default=120)

    class Meta:
        verbose_name = _("identitetsleverantör")
        verbose_name_plural = _("identitetsleverantörer")
        ordering = ["organisation", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_protocol_display()})"


class ExternalIdentity(models.Model):
    """Which user an identity provider's subject is; made at the first sign-on."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="identities")
    subject = models.CharField(_("subjekt"), max_length=255)
    first_seen_at = models.DateTimeField(_("första inloggning"))
    last_seen_at = models.DateTimeField(_("senaste inloggning"))

    class Meta:
        verbose_name = _("extern identitet")
        verbose_name_plural = _("externa identiteter")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="external_identity_unique"),
        ]

    def __str__(self):
        return f"{self.provider.slug}:{self.subject}"


class GroupRoleMapping(models.Model):
    """A group in the identity provider gives a role in the organisation (one organ, or
    all of them). Roles given this way are renewed at every sign-on."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="group_role_mappings")
    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, null=True, blank=True, related_name="group_mappings",
        verbose_name=_("identitetsleverantör"), help_text=_("Tomt betyder alla organisationens leverantörer."),
    )
    group = models.CharField(_("grupp"), max_length=255)
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    organ = models.ForeignKey(
        Organ, on_delete=models.CASCADE, null=True, blank=True, related_name="group_role_mappings",
        verbose_name=_("organ"), help_text=_("Tomt betyder alla organ i organisationen."),
    )

    class Meta:
        verbose_name = _("rollmappning")
        verbose_name_plural = _("rollmappningar")
        ordering = ["organisation", "group", "role"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "provider", "group", "role", "organ"],
                                    name="group_role_mapping_unique"),
        ]

    def __str__(self):
        return f"{self.group} → {self.get_role_display()}"


class SingleSignOnReplay(models.Model):
    """A used SAML assertion id, OIDC nonce or state: each is accepted once. Kept in the
    database so that every app server refuses a replay, and pruned after it expires."""

    key = models.CharField(max_length=255, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("använt inloggningssvar")
        verbose_name_plural = _("använda inloggningssvar")


class AdministrationEvent(models.Model):
    """Append-only: who changed which reference data of an organisation, and when.
    Never holds a secret (a client secret is logged as changed, not as its value)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="administration_events")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("tidpunkt"), db_index=True)
    action = models.CharField(_("händelse"), max_length=60)
    object_type = models.CharField(_("objekttyp"), max_length=60)
    object_id = models.CharField(_("objekt-id"), max_length=40, blank=True)
    summary = models.CharField(_("sammanfattning"), max_length=500, blank=True)
    changes = models.JSONField(_("ändringar"), default=dict, blank=True)

    class Meta:
        verbose_name = _("administrationshändelse")
        verbose_name_plural = _("administrationshändelser")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "-at"], name="adminevent_org_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"
