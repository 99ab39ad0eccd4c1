"""Swedish documents only: a text clearly in another language is refused."""

from __future__ import annotations

import re
from collections import Counter

from django.utils.translation import gettext as _

# Short, frequent words of each language that the others do not use, or
# seldom. Swedish words shared with Norwegian or Danish (som, det, med, på,
# av, om, eller, efter, sig, mig) count for no language: the distinctive
# ones (och, är, inte, att, för, från) tell Swedish from its neighbours.
_SWEDISH = frozenset("""
och att är inte för från också även enligt samt detta dessa när där här vilket vilka vilken bör finns mellan
utan än till ett hade vara varit skall ska genom sedan dock både bara själv göra varje vad hur därför gäller
angående avseende kronor förslag beslut beslutar beslutade föreslås ärendet ärende över nämnden nämnd
kommunstyrelsen kommunfullmäktige förvaltningen skulle kunna vidare gällande ifrån bland ordförande ledamot
ledamöter ersättare justerare justerande sekreterare kommun kommunens kommunstyrelsens nämndens protokoll
paragraf sammanträde beslutande närvarande dnr diarienummer handläggare tjänsteskrivelse bilaga bilagor
""".split())
_ENGLISH = frozenset("""
the and of to is that with this are which has have not will was from been would should there their it on
an or we you they these those our its were shall into also such other can may must than what when who
""".split())
# Norwegian (bokmål and nynorsk) and Danish, and the words of each alone.
_NORDIC = frozenset("""
og ikke fra også være hvis hvor hva hvad skal til dette disse denne hver hvert hvilke hvilken selv bli blir
blive bliver kroner jeg dere jer deres nå når etter ble mellom uten seg noe mye enn gjennom meg deg ikkje eg
frå berre dei kva korleis kommunestyret vedtak vedtatt fylkeskommune af mellem uden noget meget mod gennem
kommunalbestyrelsen vedtaget at der vil ved fordi derfor mange flere nogle kommune havde hadde formannskapet
rådmannen søknad ansøgning tilskud tilskudd budsjettet budgettet innstilling indstilling sagen udvalget kun
""".split())
_NORWEGIAN = frozenset("etter ble mellom uten seg noe mye enn gjennom meg deg dere ikkje eg frå berre dei kva "
                       "korleis hva kommunestyret vedtak vedtatt fylkeskommune bli blir hadde formannskapet "
                       "rådmannen søknad tilskudd budsjettet innstilling".split())
_DANISH = frozenset("af mellem uden noget meget mod gennem jer hvad kommunalbestyrelsen blive bliver vedtaget "
                    "havde nogle ansøgning tilskud budgettet indstilling sagen udvalget".split())
_GERMAN = frozenset("""
und der die das ist nicht mit von zu ein eine auf für sich auch wird werden wurde dass daß oder bei nach aus
über sind wir ich zum zur vom im es nur noch wie einer eines des sie haben hat wenn aber gemeinde
""".split())
_FINNISH = frozenset("""
ja ei että ovat oli tai kun jos mukaan sekä myös tämä joka jotka kanssa mutta niin ole olla ollut voi tulee
kunnan kaupungin hallitus vuonna vuoden hänen heidän kuin mitä kunta on vain vielä nyt koska vaan eli eikä
jälkeen ennen aikana vuoksi takia osalta kautta välillä ilman lisäksi kunnanhallitus kunnanvaltuusto päättää
mikäli sitä siitä tämän nämä näiden kun kuitenkin
""".split())
_WORD = re.compile(r"[^\W\d_]+")
# Words needed before a text's language is judged: a short letter is not.
_LANGUAGE_MIN_WORDS = 40


def _language_problem(text: str) -> tuple[str, str] | None:
    """Why the text is not read as Swedish ("foreign" or "unknown", and the
    message), or None. Refused when another
    language's typical words are many (at least 10, and 4 % of the words) and
    three times as many as the Swedish ones: a Swedish document quoting an
    English sentence passes, an English or Norwegian one does not. A long
    text with hardly a Swedish word in it (a scan read as nonsense, a text
    layer of wrong letters) is refused too."""
    words = _WORD.findall(text[:300_000].lower())
    letters = sum(len(word) for word in words)
    if len(words) < _LANGUAGE_MIN_WORDS and letters < 1000:
        return None
    counts = Counter(words)
    swedish = sum(n for w, n in counts.items() if w in _SWEDISH)
    scores = {
        "en": sum(n for w, n in counts.items() if w in _ENGLISH),
        "nordic": sum(n for w, n in counts.items() if w in _NORDIC),
        "de": sum(n for w, n in counts.items() if w in _GERMAN),
        "fi": sum(n for w, n in counts.items() if w in _FINNISH),
    }
    language, score = max(scores.items(), key=lambda item: item[1])
    if score >= max(10, 0.04 * len(words)) and score >= 3 * swedish:
        if language == "nordic":
            norwegian = sum(n for w, n in counts.items() if w in _NORWEGIAN)
            danish = sum(n for w, n in counts.items() if w in _DANISH)
            language = "no" if norwegian > 1.5 * danish else "da" if danish > 1.5 * norwegian else "no/da"
        typical = {"en": _ENGLISH, "no": _NORDIC, "da": _NORDIC, "no/da": _NORDIC, "de": _GERMAN,
                   "fi": _FINNISH}[language]
        examples = [w for w, _n in counts.most_common() if w in typical][:3]
        names = {"en": _("engelska"), "no": _("norska"), "da": _("danska"), "no/da": _("norska eller danska"),
                 "de": _("tyska"), "fi": _("finska")}
        return "foreign", (_("Texten verkar vara på %(language)s, inte på svenska (vanliga ord i den: %(words)s). "
                             "Inläsningen tolkar bara svenska handlingar.")
                           % {"language": names[language], "words": ", ".join(examples)})
    # Many letters in few "words" are no language either: a text layer whose spaces are letters too.
    if (len(words) >= 200 or letters >= 1000) and swedish < max(3, 0.01 * len(words)):
        return "unknown", _("Texten verkar inte vara på svenska: den har nästan inga vanliga svenska ord. Om filen "
                            "är en skanning kan den vara för otydlig för teckentolkningen (OCR).")
    return None
