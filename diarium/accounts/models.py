"""Who: organisations (tenants), organs, people, users and their roles."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
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

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]

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
