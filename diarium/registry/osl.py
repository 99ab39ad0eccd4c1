"""The provisions of the Public Access to Information and Secrecy Act
(offentlighets- och sekretesslagen, 2009:400) a municipality's register marks
documents secret under most often, each with what it protects in short. The
registrar picks one (or writes another ground); the short texts help choose,
the law's own wording governs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PROVISIONS: list[tuple[str, object]] = [
    ("OSL 15 kap. 2 §", _("Försvarssekretess: uppgift som rör verksamhet för att försvara landet, om det kan "
                          "antas att det skadar landets försvar om uppgiften röjs.")),
    ("OSL 18 kap. 8 §", _("Säkerhets- och bevakningsåtgärder: uppgift som lämnar eller kan bidra till upplysning om "
                          "en säkerhets- eller bevakningsåtgärd, om det kan antas att syftet med åtgärden motverkas "
                          "om uppgiften röjs.")),
    ("OSL 19 kap. 1 §", _("Myndighetens affärs- eller driftförhållanden, när myndigheten driver affärsverksamhet, "
                          "om det kan antas att myndigheten lider skada om uppgiften röjs.")),
    ("OSL 19 kap. 3 §", _("Upphandling och andra affärer: uppgift i ärende om förvärv, överlåtelse, upplåtelse eller "
                          "användning av egendom, tjänst eller annan nyttighet, om det kan antas att det allmänna "
                          "lider skada om uppgiften röjs (bland annat anbud före tilldelning).")),
    ("OSL 21 kap. 1 §", _("Hälsa eller sexualliv: uppgift om en enskilds hälsa eller sexualliv, om det kan antas att "
                          "den enskilde eller någon närstående lider betydande men om uppgiften röjs.")),
    ("OSL 21 kap. 3 §", _("Bostadsadress och liknande: uppgift om var en enskild bor, om det av särskild anledning "
                          "kan antas att den enskilde eller någon närstående kan utsättas för hot eller våld.")),
    ("OSL 21 kap. 7 §", _("Personuppgifter: uppgift om det kan antas att den efter ett utlämnande kommer att "
                          "behandlas i strid med dataskyddsbestämmelserna.")),
    ("OSL 25 kap. 1 §", _("Hälso- och sjukvård: uppgift om en enskilds hälsotillstånd eller andra personliga "
                          "förhållanden, om det inte står klart att uppgiften kan röjas utan men.")),
    ("OSL 26 kap. 1 §", _("Socialtjänst: uppgift om en enskilds personliga förhållanden, om det inte står klart att "
                          "uppgiften kan röjas utan att den enskilde eller någon närstående lider men.")),
    ("OSL 39 kap. 1 §", _("Personalsocial verksamhet: uppgift om en enskilds personliga förhållanden i särskild "
                          "personalsocial verksamhet.")),
    ("OSL 39 kap. 2 §", _("Personaladministration i övrigt: uppgift om en enskilds personliga förhållanden, om det "
                          "kan antas att den enskilde eller någon närstående lider men om uppgiften röjs (inte beslut "
                          "i ärendet).")),
]

TEXT = dict(PROVISIONS)


def provision_of(ground: str) -> str:
    """The listed provision a written ground is, or "" (written as a registrar would: "26 kap 1 § OSL")."""
    folded = " ".join((ground or "").replace("OSL", "").replace(".", "").split()).casefold()
    return next((ref for ref, _text in PROVISIONS
                 if " ".join(ref.replace("OSL", "").replace(".", "").split()).casefold() == folded), "")
