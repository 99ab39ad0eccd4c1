"""Signing registered documents: a person marks a version of a document's file
as signed, by name and in a role. The record is ready for an e-signature
service (provider, transaction reference, the signature or evidence file); today
the method is "manuell markering". A signed version is never changed or
regenerated in place: the guard below refuses it, and drawing a document up
again always appends a new version of its file."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError, PermissionDenied
from diarium.registry import services as registry
from diarium.registry.models import Blob, DocumentFile, Event

from .access import can_sign
from .models import DocumentSignature


def signed_message() -> str:
    return _("Handlingen är signerad och kan inte ändras. Ändringar blir en ny version.")


def signed_version_guard(file: DocumentFile) -> None:
    """Refuse to change a signed file version (in place): changes are new versions."""
    if file.pk is not None and DocumentSignature.objects.filter(file_id=file.pk).exists():
        raise DomainError(signed_message(), field="file")


def document_file_guard(sender, instance: DocumentFile, **kwargs) -> None:
    """pre_save of DocumentFile (connected in apps.ready): whatever the caller, a
    signed version's row is never rewritten (removing it is refused by the
    signature's protecting foreign key)."""
    if kwargs.get("raw"):
        return
    signed_version_guard(instance)


def signing_connect() -> None:
    """Connect the guard to DocumentFile and the signatures section to the
    document page (called once, from apps.ready)."""
    from django.db.models.signals import pre_save

    from diarium.registry import selectors as registry_selectors

    from .selectors import document_section

    pre_save.connect(document_file_guard, sender=DocumentFile, dispatch_uid="documents_signed_file_save")
    registry_selectors.document_section_register(document_section)


@transaction.atomic
def document_sign(
    *, actor, file: DocumentFile, name: str, role: str = "", method: str = DocumentSignature.Method.MANUAL,
    provider: str = "", reference: str = "", evidence: Blob | None = None, signed_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> DocumentSignature:
    """Record that `name`, in `role`, signed this version of a document's file.
    Only the latest version can be signed; one name and role signs a version once.
    The case history gets a "Handlingen signerades" event."""
    document = file.document
    if not can_sign(actor, document):
        raise PermissionDenied(_("Du har inte behörighet att markera handlingar som signerade."))
    now = now or timezone.now()
    signed_at = signed_at or now
    name, role = " ".join((name or "").split()), " ".join((role or "").split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Ange namnet på den som har skrivit under.")]
    if method not in DocumentSignature.Method.values:
        errors["method"] = [_("Välj hur handlingen signerades.")]
    elif method == DocumentSignature.Method.E_SIGNATURE and not (provider and reference):
        errors["method"] = [_("En e-underskrift behöver tjänstens namn och transaktions-id.")]
    if signed_at > now:
        errors["signed_at"] = [_("Tidpunkten kan inte ligga i framtiden.")]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    # Lock the document: a new version drawn up at the same moment waits for us, or we see it.
    type(document).objects.select_for_update().filter(pk=document.pk).first()
    latest = (DocumentFile.objects.filter(document=document, position=file.position)
              .order_by("-version").values_list("version", flat=True).first())
    if latest != file.version:
        raise DomainError(_("Det finns en nyare version av filen. Det är den som kan signeras."), field="file")
    if DocumentSignature.objects.filter(file=file, name=name, role=role).exists():
        raise DomainError(_("%(name)s har redan signerat den här versionen.") % {"name": name}, field="name")
    signature = DocumentSignature(
        file=file, name=name[:200], role=role[:200], signed_at=signed_at, method=method, provider=provider[:100],
        reference=reference[:200], evidence=evidence,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None, recorded_at=now,
    )
    signature.save()
    as_signed = f"{name}, {role}" if role else name
    registry.event_append(case=document.case, document=document, kind=Event.Kind.DOCUMENT_SIGNED, actor=actor,
                          at=now, data={
                              "number": document.number, "position": file.position, "version": file.version,
                              "name": name, "role": role, "method": method,
                              "details": _("%(file)s version %(v)s signerad av %(who)s (%(how)s)") % {
                                  "file": file.filename, "v": file.version, "who": as_signed,
                                  "how": DocumentSignature.Method(method).label},
                          })
    return signature
