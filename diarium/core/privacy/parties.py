"""Whether a party's name (a sender, a recipient, a remiss body) is that of an
organisation rather than a private person, read from the name alone.

A name is taken for an organisation when it carries a company form ("AB",
"(publ)", "GmbH"), a word that names a kind of organisation ("förening",
"kommun", "stiftelse", "nämnd"), also at the end of a Swedish compound
("Bostadsrättsföreningen", "Räddningstjänstförbundet", "Trafikverket"), or a
Swedish organisation number (whose third digit is 2–9, where a personal
identity number has its month). Everything else may be a person: the register
treats it as private unless the registrar says otherwise (registry.access.
party_is_private). So a miss here only masks a name too many, never too few.
"""

from __future__ import annotations

import re

# Company forms and other words that are organisations only as whole words.
_WHOLE_WORDS = frozenset({
    # Swedish company forms and their abbreviations
    "ab", "publ", "hb", "kb", "brf", "aktiebolag", "handelsbolag", "kommanditbolag", "ideell", "ekonomisk",
    # other countries' company forms
    "inc", "ltd", "limited", "llc", "llp", "plc", "corp", "corporation", "gmbh", "ag", "as", "asa", "aps",
    "oy", "oyj", "bv", "nv", "sa", "sarl", "srl", "spa",
    # public bodies named by one word
    "kommun", "kommuner", "region", "regioner", "landsting", "polisen", "polismyndigheten", "kronofogden",
    "kronofogdemyndigheten", "arbetsförmedlingen", "lantmäteriet", "riksdagen", "regeringen",
    "regeringskansliet", "kriminalvården", "tullverket", "trafikverket", "försvarsmakten", "kustbevakningen",
    "sverige", "sveriges",
})

# Words that name a kind of organisation, alone or as the last part of a compound.
_ENDINGS = (
    "bolag", "bolaget", "förening", "föreningen", "förbund", "förbundet", "stiftelse", "stiftelsen",
    "verket", "myndighet", "myndigheten", "nämnd", "nämnden", "styrelse", "styrelsen", "kommunen",
    "regionen", "landstinget", "länsstyrelse", "länsstyrelsen", "kyrka", "kyrkan", "församling",
    "församlingen", "universitet", "universitetet", "högskola", "högskolan", "skola", "skolan",
    "gymnasium", "gymnasiet", "akademi", "akademin", "institut", "institutet", "kooperativ", "kooperativet",
    "koncern", "koncernen", "förvaltning", "förvaltningen", "departement", "departementet", "ombudsmannen",
    "inspektion", "inspektionen", "kassa", "kassan", "tingsrätt", "tingsrätten", "hovrätt", "hovrätten",
    "förvaltningsrätt", "förvaltningsrätten", "kammarrätt", "kammarrätten", "domstol", "domstolen",
    "tjänst", "tjänsten", "sällskap", "sällskapet", "samfund", "samfundet", "samfällighet",
    "samfälligheten", "klubb", "klubben", "byrå", "byrån", "förlag", "förlaget", "bank", "banken",
    "fond", "fonden", "sjukhus", "sjukhuset", "vårdcentral", "vårdcentralen", "apotek", "apoteket",
    "bibliotek", "biblioteket", "museum", "museet", "partiet", "organisation", "organisationen",
    "företag", "företaget", "firma", "firman", "kontor", "kontoret", "enhet", "enheten", "centrum", "center",
    "avdelning", "avdelningen", "sektion", "sektionen", "kansli", "kansliet", "staben", "fullmäktige",
    "utskott", "utskottet", "beredning", "beredningen", "rådet", "revisionen", "revisorerna",
    # plurals: "samtliga nämnder", "berörda förvaltningar"
    "bolagen", "föreningar", "föreningarna", "förbunden", "stiftelser", "myndigheter", "myndigheterna",
    "nämnder", "nämnderna", "styrelser", "styrelserna", "förvaltningar", "förvaltningarna", "skolor", "skolorna",
    "kyrkor", "församlingar", "organisationer", "organisationerna", "företagen", "kommunerna", "partier",
    "partierna", "avdelningar", "avdelningarna", "enheter", "enheterna",
)

_WORD = re.compile(r"\w+")
# "ek. för." / "ek.för." (ekonomisk förening), "A/S", "& Co", "& Söner": more than one word
# or with punctuation, so read from the text rather than from its words. "ek" alone is a
# surname (Karin Ek).
_PHRASES = re.compile(r"\bek\.\s*för\b|\ba/s\b|&\s*(?:co|son|söner)\b", re.IGNORECASE)
# A Swedish organisation number, 16NNNNNN-NNNN or NNNNNN-NNNN: its first digit is never 0
# and its third is 2–9; a personal identity number has its month (01–12) there.
_ORG_NUMBER = re.compile(r"(?<![\d-])(?:16)?[1-9]\d[2-9]\d{3}-\d{4}(?![\d-])")


def looks_like_organisation(name: str) -> bool:
    """Whether `name` reads as an organisation, company or public body: by a
    company form, an organisation word (whole, or ending a compound) or an
    organisation number. Case is ignored."""
    text = (name or "").casefold()
    if not text.strip():
        return False
    if _PHRASES.search(text) or _ORG_NUMBER.search(text):
        return True
    for word in _WORD.findall(text):
        if word in _WHOLE_WORDS or word.endswith(_ENDINGS):
            return True
    return False
