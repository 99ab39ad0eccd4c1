"""What the archive's writes share: the check of the decision that adopts a
records plan or a disposal list, and raising every error at once."""

from __future__ import annotations

from django.utils.translation import gettext as _

from diarium.core.errors import DomainError
from diarium.decisions import access as decisions_access
from diarium.decisions.models import Decision


def errors_raise(errors: dict[str, list[str]], summary: str | None = None) -> None:
    """Refuse with every error at once (nothing is written)."""
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(summary or first, errors=errors)


def decision_errors(decision: Decision | None, *, organisation_id: int) -> list[str]:
    """Why `decision` cannot adopt something of the organisation's records
    (a records plan, a disposal list); empty when it can. A decision adopts
    when it is recorded (a § in minutes that are adjusted), of the same
    organisation, on a case (the case that adopted it), adopted (bifall, with
    or without changes) and in effect."""
    if decision is None:
        return [_("Välj det beslut (paragraf) som antar.")]
    if decision.pk is None:
        return [_("Beslutet är inte registrerat.")]
    # As it stands now, not as the caller read it: its meeting's minutes may have been adjusted since.
    decision = Decision.objects.select_related("organ", "meeting", "meeting__minutes").get(pk=decision.pk)
    reference = decision.reference
    if decision.organisation_id != organisation_id:
        return [_("Beslutet %(ref)s hör till en annan organisation.") % {"ref": reference}]
    errors = []
    if decision.case_id is None:
        errors.append(_("Beslutet %(ref)s är inte fattat i något ärende. Välj beslutet i det ärende där "
                        "beslutet fattades.") % {"ref": reference})
    minutes = getattr(decision.meeting, "minutes", None)
    if not decisions_access.decisions_public(decision.meeting.status, minutes.adjusted_at if minutes else None):
        errors.append(_("Beslutet %(ref)s är inte protokollfört än: protokollet från sammanträdet är inte "
                        "justerat.") % {"ref": reference})
    if decision.outcome not in (Decision.Outcome.ADOPTED, Decision.Outcome.AMENDED):
        errors.append(_("Beslutet %(ref)s antar ingenting (utfall: %(outcome)s).")
                      % {"ref": reference, "outcome": decision.get_outcome_display()})
    if decision.status != Decision.Status.EFFECTIVE:
        errors.append(_("Beslutet %(ref)s gäller inte (%(status)s).")
                      % {"ref": reference, "status": decision.get_status_display()})
    return errors


def delegation_decision_errors(decision, *, organisation_id: int) -> list[str]:
    """Why a delegation decision cannot adopt a disposal list; empty when it can:
    it must be registered, of the same organisation."""
    if decision.pk is None:
        return [_("Delegationsbeslutet är inte registrerat.")]
    if decision.organisation_id != organisation_id:
        return [_("Delegationsbeslutet hör till en annan organisation.")]
    return []
