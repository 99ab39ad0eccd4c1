"""Officer's reports, remiss answers, decision letters and other documents:
what is their own (docs/READING.md).

common.read has filled what every kind has. Here:

    proposals    "Förslag till beslut" and its like, one proposal per organ:
                 the organ it is proposed to ("Förslag till kommunstyrelsen
                 för beslut:", "Kommunstyrelsen föreslås besluta",
                 "Arbetsutskottet föreslår kommunstyrelsen besluta att",
                 "I kommunfullmäktige"), its text (paragraphs and numbered
                 "att"-clauses, a line each) and its condition ("under
                 förutsättning att …", "villkorat av att …")
    remiss       whom the document sends on remiss ("remitteras till …",
                 "Remissinstanser:"), split at commas, "och" and "samt",
                 and the last deadline it gives, after any extension
                 ("remisstiden förlängs till och med den 27 juli 2018")
    recipients   the dispatch list ("Beslutet ska skickas till", "Expedieras
                 till", "Sändlista", "Beslut till")
    organ        a remiss answer: the organ that answers; a decision letter:
                 the organ that decided
    title        a remiss answer: its "Yttrande över …" line

Every rule is a named table or regular expression, to be read and extended.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from .common import ASSOCIATION, OFFICE_ENDINGS, Head, continues_title, head_of
from .dates import find_dates
from .organs import find_organs, organ_name
from .people import clean_name, is_name, is_title, title_score
from .shape import Reading
from .text import Line, Section, collapse, find_section, heading_key, is_known_heading, line_at, lines

# --- proposals -------------------------------------------------------------------

# Headings of the proposed decision. Any "<X>s förslag (till beslut)" is one too.
PROPOSAL_HEADINGS = (
    "Förslag till beslut", "Förvaltningens förslag till beslut", "Förvaltningens förslag",
    "Arbetsutskottets förslag", "Arbetsutskottets förslag till beslut", "Kommunstyrelsens förslag",
    "Kommunstyrelsens förslag till beslut", "Beslutsförslag", "Ordförandens förslag", "Utskottets förslag",
    "Förslag till beslut på sammanträdet", "Kontorets förslag", "Kontorets förslag till beslut",
    "Förslag till kommunfullmäktige", "Förslag till kommunstyrelsen", "Förslag",
)
_PROPOSAL_KEYS = frozenset(heading_key(h) for h in PROPOSAL_HEADINGS)
_PROPOSAL_HEADING = re.compile(r"(?i)^\s*(?:[\wåäö-]+s\s+)?(?:förslag|beslutsförslag)(?:\s+till\s+beslut)?"
                               r"(?:\s+på\s+sammanträdet)?\s*:?\s*$")
# "Arbetsutskottets förslag till kommunstyrelsen", "Förslag till kommunfullmäktige för beslut:"
_PROPOSAL_TO_HEADING = re.compile(r"(?i)^\s*(?:[\wåäö-]+s\s+)?förslag\s+till\s+(?P<organ>[^\n]{3,60}?)"
                                  r"(?:\s+(?:för|att)\s+(?:beslut|besluta))?\s*:?\s*$")


def _proposal_heading(line: str) -> tuple[bool, str | None]:
    """Whether a line heads proposals, and the organ it names."""
    stripped = line.strip()
    if len(stripped) > 80:
        return False, None
    if _PROPOSAL_HEADING.match(stripped) or heading_key(stripped) in _PROPOSAL_KEYS:
        return True, None
    to = _PROPOSAL_TO_HEADING.match(stripped)
    if to:
        name = organ_name(to["organ"])
        if name is not None:
            return True, name
    return False, None
# Verbs of a decision, after the organ that makes it: "Kommunfullmäktige antar …".
DECISION_VERBS = ("antar", "godkänner", "fastställer", "beviljar", "ger", "uppdrar", "avslår", "bifaller",
                  "tillstyrker", "avstyrker", "noterar", "överlämnar", "besvarar", "upphäver", "avsätter",
                  "anvisar", "tilldelar", "väljer", "entledigar", "utser", "lägger", "förklarar", "antog",
                  "godkände", "fastställde")
# Lines that open a proposal to an organ (its "lead"). The proposal goes to the
# organ that is to decide: the last organ the lead names before its verb.
#   Förslag till kommunstyrelsen för beslut:                    → Kommunstyrelsen
#   Kommunstyrelsen föreslås besluta (att)                      → Kommunstyrelsen
#   Arbetsutskottet föreslår kommunstyrelsen besluta att        → Kommunstyrelsen
#   Kommunstyrelsen föreslår kommunfullmäktige besluta          → Kommunfullmäktige
#   KSAU föreslår kommunstyrelsen föreslå kommunfullmäktige
#   besluta att                                                 → Kommunfullmäktige
#   Kommunstyrelsen beslutar (för egen del) (att)               → Kommunstyrelsen
#   I kommunstyrelsen / Till kommunfullmäktige                  → the organ named
# (role, pattern): "to" and "subject" leads must name an organ; the others may
# leave it to the document ("Förvaltningen föreslår nämnden besluta").
LEADS = (
    ("to", re.compile(r"(?i)^\s*förslag\s+till\s+(?P<organ>.+?)\s+(?P<verb>(?:för|att)\s+(?:beslut|besluta|"
                      r"fatta\s+beslut))\b[^\n]*?:?\s*$")),
    ("proposed", re.compile(r"^\s*(?P<organ>[^\n]{3,80}?)\s+föreslås\s+(?:föreslå\s+[^\n]{3,80}?\s+)?"
                            r"(?P<verb>besluta|fatta|att)\b")),
    ("proposed", re.compile(r"^\s*[^\n]{3,80}?\s+föreslår\s+(?P<organ>[^\n]{3,120}?)\s+(?:att\s+)?"
                            r"(?P<verb>besluta|fatta\s+följande\s+beslut|anta|godkänna)\b")),
    ("subject", re.compile(r"^\s*(?P<organ>[^\n]{3,80}?)\s+(?P<verb>beslutar|beslöt|beslutade)\b"
                           r"(?:\s+för\s+egen\s+del)?")),
    # "Kommunfullmäktige antar vattenförsörjningsplan …": the organ that decides, as
    # the sentence's subject (the line is the proposal's text, not a lead alone)
    ("sentence", re.compile(r"^\s*(?:\d{1,2}[.)]\s*)?(?P<organ>[A-ZÅÄÖ][^\n]{1,60}?)\s+(?P<verb>" + "|".join(DECISION_VERBS)
                           + r")\b")),
    ("to", re.compile(r"(?i)^\s*(?:i|till|förslag\s+till)\s+(?P<organ>[^\n]{3,80}?)(?P<verb>)\s*:?\s*$")),
    # "Kommunfullmäktige" or "Kommunstyrelsen:" alone on its line, over its clauses
    ("organ", re.compile(r"^\s*(?P<organ>[A-ZÅÄÖ][^\n.]{1,60}?)(?P<verb>)\s*:?\s*$")),
)
# A lead that is all of its line ("Kommunstyrelsen föreslås besluta att"):
# it is left out of the proposal's text.
_LEAD_ALONE = re.compile(r"(?i)(?:besluta|beslutar|beslut|följande|att|för\s+egen\s+del|föreslå\s+[^\n]+?besluta)"
                         r"\s*(?:att)?\s*:?\s*$|:\s*$")
# A line that begins an item of its own: "1.", "a)", "•", "att …", "- ".
_ITEM_START = re.compile(r"^\s*(?:\d{1,2}[.)]|[a-h][.)]|[•▪●◦·*\-–]|att\s)")
# Conditions of a proposal, from their first word to the end of the sentence or
# of its item (the proposal's text has a line for each item).
CONDITION = re.compile(
    r"(?i)(?<![\w-])(?:under\s+förutsättning\s+(?:att|av)|villkorat\s+av|villkorad\s+av|villkorade\s+av|"
    r"på\s+villkor\s+att|med\s+villkor(?:et)?\s+att|under\s+villkor\s+att|förutsatt\s+att)\b"
    r"(?:[^.\n]|\.(?!\s|$))*")


def _lead(line: str) -> tuple[str | None, bool] | None:
    """The organ a lead line proposes to (None when it names none) and whether
    the line is nothing but the lead; None when the line is no lead."""
    for role, pattern in LEADS:
        match = pattern.match(line)
        if match is None:
            continue
        named = find_organs(line[:match.start("verb")] if match["verb"] else line)
        name = named[-1].value if named else None
        if name is None:
            if role == "to" and line.lower().lstrip().startswith("förslag"):
                pass  # "Förslag till beslut:": a lead to the document's organ
            elif role not in ("proposed", "sentence"):
                continue  # "I samband med …", "Vi beslutade": no lead
        if role == "sentence":
            if name is None:
                continue
            return name, False  # the sentence is the proposal's text
        if role == "organ":
            name = organ_name(match["organ"])
            if name is None:
                continue
            return name, True
        alone = bool(_LEAD_ALONE.search(line)) or role == "to"
        return name, alone
    return None


def _paragraph_text(text: str, start: int, end: int) -> str:
    """A paragraph as the proposal's text: lines wrapped by the PDF joined by a
    space, an item that begins a line ("1.", "att …") on a line of its own."""
    out: list[str] = []
    for line in text[start:end].split("\n"):
        stripped = collapse(line)
        if not stripped or _furniture_line(line):
            continue
        if out and not _ITEM_START.match(line) and not out[-1].endswith(_SENTENCE_ENDS):
            out[-1] = f"{out[-1]} {stripped}"  # a line the PDF wrapped
        else:
            out.append(stripped)
    return "\n".join(out)


# A line that ends a sentence: the next line begins a new one.
_SENTENCE_ENDS = (".", "!", "?", ":", ";")
# Page furniture inside a section: a page's number, or a running header or
# footer with columns ("Kiruna kommun<tab>Sida 2 av 3", "TJÄNSTESKRIVELSE  2018-03-26  Dnr …").
_PAGE_MARK = re.compile(r"(?i)\bsida\s+\d+\s*(?:av|\()\s*\d+|^\s*\d+\s*\(\d+\)\s*$|\t.*\b\d+\s*\(\d+\)\s*$")
_COLUMNS = re.compile(r"\t|\S {2,}\S")


def _furniture_line(line: str) -> bool:
    if _PAGE_MARK.search(line):
        return True
    return bool(_COLUMNS.search(line.strip())) and not _ITEM_START.match(line) \
        and bool(re.search(r"(?i)\b(?:dnr|postadress|besöksadress|telefon|tel|sida)\b|\d{4}-\d\d-\d\d", line))


def _condition(text: str) -> str | None:
    match = CONDITION.search(text)
    if match is None:
        return None
    return collapse(match.group()).rstrip(" .;,") or None


def _proposal_sections(text: str, all_lines: list[Line]) -> Iterator[tuple[Section, str | None]]:
    """The sections under a proposal heading, in order, with the organ the
    heading names (read lazily: the first that holds a proposal is enough)."""
    for index, line in enumerate(all_lines):
        if line.blank:
            continue
        heads, organ = _proposal_heading(line.text)
        if not heads:
            continue
        start = line.end + 1 if line.end < len(text) else line.end
        end = min(len(text), start + SECTION_LONGEST)
        for following in all_lines[index + 1:index + 1 + SECTION_LONGEST // 20]:
            if following.start >= end:
                break
            if not following.blank and is_known_heading(following.text) \
                    and not _proposal_heading(following.text)[0]:
                end = following.start
                break
        yield Section(line.text.strip(), line.start, min(start, end), end), organ


# How many sections of proposals are tried (the first that holds a proposal
# wins), and how long one is read at most (characters).
SECTIONS_TRIED = 4
SECTION_LONGEST = 8000


def read_proposals(reading: Reading, all_lines: list[Line]) -> None:
    text = reading.text
    document_organ = reading.values.get("organ")
    kind = reading.values.get("kind")
    groups: list[dict] = []
    spans: list[tuple[int, int]] = []
    sure = 0.0
    for section, organ in islice(_proposal_sections(text, all_lines), SECTIONS_TRIED):
        found = _read_section(text, section.start, section.end, document_organ, organ)
        if found:
            groups, spans = found
            sure = 0.85 if any(group["led"] for group in groups) else 0.7
            break
    if not groups:
        # No heading: a lead anywhere at a line's start ("Kommunstyrelsen föreslås besluta att").
        tried = 0
        for line in all_lines:
            if line.blank:
                continue
            lead = _lead(line.text)
            if lead is None or lead[0] is None and not re.search(r"föreslås|föreslår", line.text):
                continue
            if not re.search(r"föreslås|föreslår|förslag\s+till", line.text, re.IGNORECASE):
                continue
            tried += 1
            if tried > SECTIONS_TRIED:
                break
            end = min(_section_end(text, all_lines, line.start), line.start + SECTION_LONGEST)
            found = _read_section(text, line.start, end, document_organ)
            if found:
                groups, spans = found
                sure = 0.6
                break
    proposals = []
    for group in groups:
        body = "\n".join(group["texts"]).strip()
        if not body:
            continue
        proposals.append({"organ": group["organ"] or document_organ, "text": body, "condition": _condition(body)})
    if proposals:
        reading.set("proposals", proposals, sure, *spans)
    else:
        reading.set("proposals", [], 0.4 if kind == "officer_report" else 0.75)


def _section_end(text: str, all_lines: list[Line], start: int) -> int:
    index = line_at(all_lines, start)
    for line in all_lines[index + 1:index + 1 + SECTION_LONGEST // 20]:
        if not line.blank and is_known_heading(line.text):
            return line.start
    return len(text)


def _read_section(text: str, start: int, end: int, document_organ: str | None, organ: str | None = None
                  ) -> tuple[list[dict], list[tuple[int, int]]] | None:
    """The proposals of one section: groups of paragraphs, each under its lead
    (the first under the organ its heading names, if it names one)."""
    groups: list[dict] = []
    spans: list[tuple[int, int]] = []
    current: dict | None = None
    if organ is not None:
        current = _group(groups, organ)
        current["led"] = True
    block_lines = lines(text[start:end])
    paragraph: list[Line] = []

    def close(paragraph: list[Line]) -> bool:
        nonlocal current
        if not paragraph:
            return True
        first = paragraph[0]
        if _signature_like(paragraph):
            return False
        lead = _lead(first.text)
        body_lines = paragraph
        if lead is not None:
            organ, alone = lead
            current = _group(groups, organ)
            current["led"] = True
            if alone:
                body_lines = paragraph[1:]
        if not body_lines:
            return True
        if current is None:
            current = _group(groups, None)
        first_start = start + body_lines[0].start
        last_end = start + body_lines[-1].end
        current["texts"].append(_paragraph_text(text, first_start, last_end))
        spans.append((first_start, last_end))
        return True

    for position, line in enumerate(block_lines):
        if line.blank:
            if not close(paragraph):
                break
            paragraph = []
            continue
        if _furniture_line(line.text):
            continue
        if _signature_starts(block_lines, position):
            close(paragraph)  # the signatures follow the proposals without a blank line
            paragraph = []
            break
        if _heading_like(block_lines, position):
            close(paragraph)  # a section the table of headings does not know ("Ärendet i sin helhet")
            paragraph = []
            break
        # A lead in the middle of a paragraph opens a new one.
        if paragraph and _lead(line.text) is not None and not _ITEM_START.match(line.text):
            if not close(paragraph):
                paragraph = []
                break
            paragraph = []
        paragraph.append(line)
    else:
        close(paragraph)
    groups = [group for group in groups if group["texts"]]
    if not groups:
        return None
    return groups, spans


def _heading_like(block_lines: list[Line], position: int) -> bool:
    """A short line without a full stop, after a finished sentence or a blank
    line and before a line in capitals, that is no lead and no item: a heading."""
    line = block_lines[position].text.strip()
    if not line or len(line.split()) > 6 or line.endswith(_SENTENCE_ENDS + (",",)) or not line[0].isupper():
        return False
    if _ITEM_START.match(line) or _lead(line) is not None:
        return False
    previous = next((block_lines[i].text.strip() for i in range(position - 1, -1, -1)
                     if block_lines[i].text.strip()), None)
    if previous is None or not previous.endswith((".", "!", "?")):
        return False
    following = next((block_lines[i].text.strip() for i in range(position + 1, len(block_lines))
                      if block_lines[i].text.strip()), "")
    return following[:1].isupper()


def _signature_starts(block_lines: list[Line], position: int) -> bool:
    """Whether a signature begins at this line: a name over a person's title,
    or an office's name over them ("Bildningsförvaltningen" / "Mats Grönberg" /
    "Förvaltningschef")."""
    def name_over_title(at: int) -> bool:
        return at + 1 < len(block_lines) and is_name(clean_name(block_lines[at].text)) \
            and title_score(block_lines[at + 1].text) >= 0.9
    if name_over_title(position):
        return True
    stripped = block_lines[position].text.strip()
    return " " not in stripped and stripped.casefold().endswith(OFFICE_ENDINGS) and name_over_title(position + 1)


def _group(groups: list[dict], organ: str | None) -> dict:
    """The group of the proposal to `organ`: one per organ."""
    for group in groups:
        if group["organ"] == organ:
            return group
    group = {"organ": organ, "texts": [], "led": False}
    groups.append(group)
    return group


def _signature_like(paragraph: list[Line]) -> bool:
    """A paragraph that is a signature: a name, and a title or nothing after."""
    texts = [collapse(line.text) for line in paragraph]
    if not texts or len(texts) > 3:
        return False
    return is_name(texts[0]) and (len(texts) == 1 or is_title(texts[1]))


# --- remiss ---------------------------------------------------------------------

# Verbs that send something on remiss; the recipients follow "till".
_SENT_ON_REMISS = re.compile(
    r"(?i)(?<![\w-])(?:remitter(?:as|ades|ats|at|ar|a)|(?:skickas|skickades|skickats|sänds|sändes|sänts|"
    r"går|gick|gått|har\s+gått|varit|är|var)\s+(?:ut\s+)?på\s+remiss|"
    r"(?:skicka|skickar|skickat|skickade|sända|sänder|sänt|sände)\s+[^.]{0,80}?\s+på\s+remiss|"
    r"remissen\s+(?:har\s+)?(?:skickats|sänts|gått\s+ut)|remiss(?:en)?\s+(?:har\s+)?(?:skickats|sänts))(?![\w-])")
# "till" right after the verb, or the last "till" of the clause after its object.
_TILL_DIRECT = re.compile(r"(?i)\s*(?:(?:ut|även|också)\s+)?till\s+")
_TILL = re.compile(r"(?i)\s(?:även\s+|också\s+)?till\s+")
# A heading over a list of remiss recipients.
REMISS_LIST_HEADINGS = ("Remissinstanser", "Remissinstanserna", "Remissmottagare", "Remissen skickas till",
                        "Remissen har skickats till", "Förslaget remitteras till", "Remisslista")
# Where a clause of recipients ends: the purpose or the time of the remiss.
_CLAUSE_END = re.compile(
    r"(?i)\s+(?:för\s+(?:yttrande|synpunkter|kännedom|svar|att|eventuella)|med\s+(?:svar|sista|begäran|"
    r"remisstid|önskemål)|senast\b|innan\b|under\s+(?:perioden|tiden)|i\s+syfte|som\s+ska|vilka\s+ska|"
    r"med\s+möjlighet|och\s+svar\b|och\s+remisstiden|och\s+att\b)")
# Names that hold "och" and stay whole.
NAMES_WITH_OCH = (
    "Sveriges Kommuner och Regioner", "Sveriges Kommuner och Landsting", "Myndigheten för samhällsskydd och beredskap",
    "Statens skolverk", "Räddningstjänsten Storgöteborg", "Hälso- och sjukvårdsnämnden",
)
_SPLIT = re.compile(r"\s*[,;]\s*|\s+samt\s+|(?<!-)\s+och\s+|\s+eller\s+")
# Words before a recipient that are not part of it.
_RECIPIENT_LEAD = re.compile(r"(?i)^(?:(?:även|också|dessutom)\s+)?(?:till\s+)+|^(?:följande|nedanstående)\s*"
                             r"(?:remissinstanser|instanser|mottagare)?\s*:?\s*$")
# Deadline words: a date in their sentence, after them, is a deadline.
_DEADLINE_WORDS = re.compile(
    r"(?i)remisstid|svar(?:et|en)?\s+(?:ska\s+|skall\s+|önskas\s+|senast\s+|bör\s+)|senast|sista\s+svarsdag|"
    r"sista\s+dag|svarsdatum|svarsdag|tillhanda|förläng\w*|anstånd|löp(?:te|er)\s+ut|yttra\s+sig\s+(?:senast|före|innan)|"
    r"svara\s+(?:senast|före|innan)|kommit\s+in|lämnas\s+(?:senast|före|innan)")
# Words that tell a paragraph speaks of a remiss or its answer.
_REMISS_WORDS = re.compile(r"(?i)remiss|\byttra|\bsvar(?:et|en)?\b|synpunkter|anstånd")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZÅÄÖ0-9§])|\n[ \t]*\n")


def _split_recipients(clause: str) -> list[str]:
    protected = clause
    keep: dict[str, str] = {}
    for index, name in enumerate(NAMES_WITH_OCH):
        if name.casefold() in protected.casefold():
            at = protected.casefold().index(name.casefold())
            token = f"\x00{index}\x00"
            keep[token] = protected[at:at + len(name)]
            protected = protected[:at] + token + protected[at + len(name):]
    pieces = [p for p in _SPLIT.split(protected) if p is not None]
    out: list[str] = []
    index = 0
    while index < len(pieces):
        piece = pieces[index].strip()
        # "Alingsås och Vårgårda Räddningstjänstförbund": a place alone, then a
        # capitalised name of more words: one name with "och" in it.
        if index + 1 < len(pieces) and re.fullmatch(r"[A-ZÅÄÖ][a-zåäö]+", _strip_lead(piece)) \
                and organ_name(piece) is None and re.match(r"[A-ZÅÄÖ]\w+\s+\S", pieces[index + 1].strip()) \
                and f"{piece} och {pieces[index + 1].strip()}" in clause:
            piece = f"{piece} och {pieces[index + 1].strip()}"
            index += 1
        # "Borås Energi och Miljö AB": capitalised words, "och" and a company's name.
        elif index + 1 < len(pieces) and re.fullmatch(r"[A-ZÅÄÖ][\wåäö-]*(?: [A-ZÅÄÖ][\wåäö-]*)*", _strip_lead(piece)) \
                and not re.search(r"(?:\bAB|nämnden|styrelsen|kommun|förbund\w*)$", piece) \
                and re.fullmatch(r"[A-ZÅÄÖ][\wåäö-]*(?: [A-ZÅÄÖ][\wåäö-]*)* AB", pieces[index + 1].strip()) \
                and f"{piece} och {pieces[index + 1].strip()}" in clause:
            piece = f"{piece} och {pieces[index + 1].strip()}"
            index += 1
        # "Kretslopp och vatten", "Park och natur": a capitalised word, "och" and
        # one word in lower case are one name (an office's), not two recipients.
        elif index + 1 < len(pieces) and re.fullmatch(r"[A-ZÅÄÖ][a-zåäö]+", _strip_lead(piece)) \
                and re.fullmatch(r"[a-zåäö]+", pieces[index + 1].strip()) \
                and f"{piece} och {pieces[index + 1].strip()}" in clause:
            piece = f"{piece} och {pieces[index + 1].strip()}"
            index += 1
        for token, name in keep.items():
            piece = piece.replace(token, name)
        out.append(piece)
        index += 1
    cleaned: list[str] = []
    for piece in out:
        piece = _strip_lead(piece)
        if ":" in piece:
            piece = piece.rsplit(":", 1)[1].strip()  # "de externa intressenterna: föreningen Sambruk"
        piece = re.sub(r"^[•▪●◦·*\-–]\s*", "", piece).strip(" .;:")
        if piece and re.search(r"[^\W\d_]{2}", piece) and piece not in cleaned:
            cleaned.append(collapse(piece))
    return cleaned


def _strip_lead(piece: str) -> str:
    return _RECIPIENT_LEAD.sub("", piece.strip()).strip()


# The longest clause of recipients read (characters): a list longer than this
# is a list under a heading, read by its lines.
CLAUSE_LONGEST = 700
# How many sendings on remiss, and how many dispatch lists, one document is read for.
CLAUSES_READ = 20


def _clause(text: str, start: int) -> tuple[int, int]:
    """The clause of recipients from `start`: to the sentence's end or the
    purpose of the remiss."""
    limit = min(len(text), start + CLAUSE_LONGEST)
    sentence = _SENTENCE_END.search(text, start, limit)
    end = sentence.start() if sentence else limit
    cut = _CLAUSE_END.search(text, start, end)
    if cut:
        end = cut.start()
    return start, end


def read_remiss(reading: Reading, all_lines: list[Line]) -> None:
    text = reading.text
    recipients: list[str] = []
    spans: list[tuple[int, int]] = []
    for match in islice(_SENT_ON_REMISS.finditer(text), CLAUSES_READ):
        start, end = _clause(text, match.end())
        segment = text[start:end]
        direct = _TILL_DIRECT.match(segment)
        if direct:
            start += direct.end()  # "remitteras till X"
        else:
            tills = list(_TILL.finditer(segment))
            if not tills:
                continue
            start += tills[-1].end()  # "har remitterat förslag till avfallsplan till X": the last "till"
        clause = text[start:end]
        is_list = False
        if clause.rstrip().endswith(":") or not clause.strip():
            # "… remitteras till följande:" and a list below
            listed = _list_below(text, all_lines, end)
            if listed:
                start, end = listed
                clause, is_list = text[start:end], True
        for recipient in _split_recipients(clause.replace("\n", ", ") if is_list else collapse(clause)):
            if recipient not in recipients:
                recipients.append(recipient)
        spans.append((start, end))
    section = find_section(text, REMISS_LIST_HEADINGS, all_lines=all_lines)
    if section is not None:
        listed = _list_block(text, section.start, section.end)
        if listed:
            clause = text[listed[0]:listed[1]]
            for recipient in _split_recipients(clause.replace("\n", ", ")):
                if recipient not in recipients:
                    recipients.append(recipient)
            spans.append(listed)
    deadline = None
    deadline_span = None
    for found in find_dates(text, year=_year(reading)):
        sentence_start = max(text.rfind(". ", 0, found.start), text.rfind("\n\n", 0, found.start), 0)
        before = text[max(sentence_start, found.start - 90):found.start]
        if "§" in text[found.end:found.end + 6]:
            continue  # a citation's date ("antogs senast av kommunfullmäktige (KF 2017-06-14 § 64)")
        if _DEADLINE_WORDS.search(before) and _about_remiss(text, found.start):
            deadline, deadline_span = found.value.isoformat(), (found.start, found.end)
    if not recipients and reading.values.get("kind") == "remiss_answer" and reading.values.get("organisation"):
        # A remiss answer: the remiss went to the organisation that answers.
        recipients = [reading.values["organisation"]]
    told = recipients or deadline or (reading.values.get("kind") == "remiss_answer")
    if not told:
        reading.set("remiss", None, 0.7 if "remiss" not in text.lower() else 0.5)
        return
    all_spans = spans + ([deadline_span] if deadline_span else [])
    sure = 0.85 if recipients and deadline else 0.7 if recipients or deadline else 0.5
    reading.set("remiss", {"recipients": recipients, "deadline": deadline}, sure, *all_spans)


def _about_remiss(text: str, offset: int) -> bool:
    """Whether the deadline at `offset` is a remiss's: "remiss" or an answer
    is spoken of within the paragraph around it."""
    start = text.rfind("\n\n", 0, offset)
    end = text.find("\n\n", offset)
    paragraph = text[max(0, start):end if end >= 0 else len(text)]
    return bool(_REMISS_WORDS.search(paragraph))


def _year(reading: Reading) -> int | None:
    date = reading.values.get("date")
    return int(date[:4]) if date else None


def _list_below(text: str, all_lines: list[Line], offset: int) -> tuple[int, int] | None:
    line_end = text.find("\n", offset)
    if line_end < 0:
        return None
    return _list_block(text, line_end + 1, len(text))


def _list_block(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The lines of a list from `start`: consecutive non-blank lines (blank
    lines between bulleted items are stepped over), up to `end`."""
    first = None
    last = None
    blank_run = 0
    for line in lines(text[start:end]):
        if line.blank:
            blank_run += 1
            if first is not None and blank_run >= 1:
                # a blank line ends the list unless a bulleted item follows
                continue
            continue
        stripped = line.text.strip()
        if first is not None and blank_run and not re.match(r"[•▪●◦·*\-–]", stripped):
            break
        if is_known_heading(stripped):
            break
        if len(stripped) > 120 or (stripped.endswith(".") and len(stripped) > 60):
            break
        if first is None:
            first = start + line.start + (len(line.text) - len(line.text.lstrip()))
        last = start + line.start + len(line.text.rstrip())
        blank_run = 0
    if first is None or last is None:
        return None
    return first, last


# --- the dispatch list ---------------------------------------------------------------

DISPATCH_HEADINGS = (
    "Beslutet ska skickas till", "Beslutet skickas till", "Beslutet ska expedieras till", "Beslutet expedieras till",
    "Expedieras till", "Expediering", "Expedieras", "Sändlista", "Beslut till", "Skickas till",
    "Beslutet ska sändas till", "Beslutet sänds till", "Beslutet delges", "Delges", "Beslutet ska delges",
)


def read_recipients(reading: Reading, all_lines: list[Line]) -> None:
    text = reading.text
    recipients: list[str] = []
    spans: list[tuple[int, int]] = []
    after = 0
    for _ in range(CLAUSES_READ * 5):
        section = find_section(text, DISPATCH_HEADINGS, all_lines=all_lines, after=after)
        if section is None:
            break
        after = section.end if section.end > section.heading_start else section.heading_start + 1
        block = _list_block(text, section.start, section.end)
        if block is None:
            if after >= len(text):
                break
            continue
        for line in text[block[0]:block[1]].split("\n"):
            for piece in re.split(r"\s*[,;]\s*", line):
                piece = re.sub(r"^[•▪●◦·*\-–]\s*", "", piece.strip()).strip(" .")
                if not piece or not re.search(r"[^\W\d_]{2}", piece):
                    continue
                if piece not in recipients:
                    recipients.append(collapse(piece))
        spans.append(block)
        if after >= len(text):
            break
    if recipients:
        reading.set("recipients", recipients, 0.85, *spans)
    else:
        reading.set("recipients", [], 0.65)


# --- the organ and the title of a remiss answer or a decision letter ------------------

# The organ that answers a remiss: "Socialnämndens yttrande", "Yttrande från
# socialnämnden", "Socialnämnden beslutar att … som sitt yttrande", "För socialnämnden".
_ANSWERING = (
    re.compile(r"(?i)(?P<organ>[\wåäö-]+(?:\s+[\wåäö-]+){0,3}?)\s+(?:beslutar|beslutade|beslöt)\s+(?:[^.]{0,40}?\s)?"
               r"att\s+(?:[^.]{0,160}?)(?:som\s+sitt\s+(?:eget\s+)?yttrande|översända|lämna|avge|anta)"),
    re.compile(r"(?i)(?:yttrande|remissvar|svar)\s+från\s+(?P<organ>[\wåäö-]+(?:\s+[\wåäö-]+){0,3})"),
    re.compile(r"(?i)^\s*för\s+(?P<organ>[\wåäö-]+(?:\s+[\wåäö-]+){0,3})\s*$", re.MULTILINE),
    re.compile(r"(?P<organ>[A-ZÅÄÖ][\wåäö-]+(?:\s+[\wåäö-]+){0,3}?)s\s+(?:yttrande|remissvar|svar)\b"),
)
# The organ that decided: "Kommunstyrelsen har beslutat", "Utdrag ur socialnämndens
# protokoll", "Meddelande om beslut i kommunstyrelsen".
_DECIDING = (
    re.compile(r"(?i)(?:beslut\s+(?:i|av|från|fattat\s+av)|utdrag\s+ur)\s+(?P<organ>[\wåäö-]+(?:\s+[\wåäö-]+){0,3}?)"
               r"(?:s\s+protokoll|\s*$|\s+(?:den|\d)|[,.:])", re.MULTILINE),
    re.compile(r"(?P<organ>[A-ZÅÄÖ][\wåäö-]+(?:\s+[\wåäö-]+){0,3}?)\s+(?:har\s+)?(?:(?:den|vid\s+sitt\s+sammanträde)"
               r"[^.]{0,48}?\s+)?(?:beslutat|beslutade|beslöt|beslutar|beviljar|avslår|bifaller|godkänner|antar|"
               r"fastställer|har\s+fattat\s+beslut)\b"),
)
_SUBJECT_LINE = re.compile(r"(?i)^\s*(?:yttrande|remissvar|remissyttrande|svar\s+på\s+remiss|remiss)\b\s*[-–:,]?\s*"
                           r"(?:över|avseende|angående|gällande|om|på|från|–|-)?\s*\S.{6,}$")


def _organ_in(text: str, match: re.Match) -> tuple[str, int, int] | None:
    phrase = match["organ"]
    words = phrase.split()
    for first in range(len(words)):
        candidate = " ".join(words[first:])
        name = organ_name(candidate)
        if name is not None:
            start = match.start("organ") + phrase.index(words[first]) if first else match.start("organ")
            return name, start, match.end("organ")
    return None


def read_answering_organ(reading: Reading) -> None:
    text = reading.text
    for pattern in _ANSWERING:
        for match in pattern.finditer(text):
            found = _organ_in(text, match)
            if found:
                reading.spans.pop("organ", None)
                reading.set("organ", found[0], 0.85, (found[1], found[2]))
                return
    organisation = reading.values.get("organisation") or ""
    if ASSOCIATION.search(organisation) and not re.search(r"(?i)kommun|region|landsting|räddningstjänst", organisation):
        reading.spans.pop("organ", None)
        reading.set("organ", None, 0.8)  # a company or an association answers: no organ
        return
    # The organ above the signatures ("Lerums kommun / Kommunstyrelsen") or in a
    # signatory's title ("Ordförande regionstyrelsen", "Kommunstyrelsens ordförande").
    signed = _signing_organ(reading)
    if signed is not None:
        reading.spans.pop("organ", None)
        reading.set("organ", signed[0], 0.8, signed[1])
        return
    # Only the head's own organ line tells the answering organ; what the body
    # names most often is the asker as often as the answerer.
    if reading.confidence.get("organ", 0) < 0.85:
        reading.spans.pop("organ", None)
        reading.set("organ", None, 0.4)


def _signing_organ(reading: Reading) -> tuple[str, tuple[int, int]] | None:
    """The organ that signs: named on a line of its own just above the first
    signature, or in a signatory's title."""
    text = reading.text
    spans = reading.spans.get("signatories") or []
    if not spans:
        return None
    first = min(start for start, _ in spans)
    above = text[max(0, first - 160):first]
    for line in reversed([line for line in above.split("\n") if line.strip()][-3:]):
        name = organ_name(line.strip())
        if name is not None:
            at = text.rfind(line, 0, first)
            return name, (at, at + len(line))
    for signatory in reading.values.get("signatories") or []:
        title = signatory.get("title") or ""
        for found in find_organs(title):
            at = text.find(title, first)
            return found.value, (at + found.start, at + found.end) if at >= 0 else (first, first)
    return None


def read_deciding_organ(reading: Reading, head_text: str) -> None:
    text = reading.text
    for region, sure in ((head_text, 0.85), (text, 0.75)):
        for pattern in _DECIDING:
            for match in pattern.finditer(region):
                found = _organ_in(region, match)
                if found:
                    reading.spans.pop("organ", None)
                    reading.set("organ", found[0], sure, (found[1], found[2]))
                    return


def read_remiss_title(reading: Reading, head: Head) -> None:
    """A remiss answer's subject: its "Yttrande över …" or "Remissvar – …"
    line, with the lines that continue it."""
    cells = head.own()
    for index, cell in enumerate(cells):
        if not _SUBJECT_LINE.match(cell.text) or cell.text.rstrip().endswith("."):
            continue
        run = [cell]
        for following in cells[index + 1:index + 3]:
            if continues_title(following, run, reading.text):
                run.append(following)
            else:
                break
        value = collapse(" ".join(c.text for c in run)).rstrip(":")
        reading.spans.pop("title", None)
        reading.set("title", value, 0.8, (run[0].start, run[-1].end))
        return


# --- all of it ----------------------------------------------------------------------

def read(reading: Reading) -> None:
    """Read what a report, a remiss answer, a decision letter or another
    document has of its own (after common.read)."""
    all_lines = lines(reading.text)
    kind = reading.values.get("kind")
    head = head_of(reading.text, all_lines)
    if kind == "remiss_answer":
        read_answering_organ(reading)
        read_remiss_title(reading, head)
    elif kind == "decision_letter":
        read_deciding_organ(reading, reading.text[:head.end])
    read_proposals(reading, all_lines)
    read_remiss(reading, all_lines)
    read_recipients(reading, all_lines)
    for name in ("items", "adjusters", "paragraphs"):
        reading.set(name, [], 0.8)
    for name in ("attendance", "chair", "posted"):
        reading.set(name, None, 0.8)
    _check_organs(reading)


def _check_organs(reading: Reading) -> None:
    """A proposal's organ must be a name, never a code: resolve what is left."""
    for proposal in reading.values.get("proposals") or []:
        organ = proposal.get("organ")
        if organ:
            proposal["organ"] = organ_name(organ) or organ



