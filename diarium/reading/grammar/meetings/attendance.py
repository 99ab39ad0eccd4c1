"""Attendance: members, serving substitutes (and whom they replace) and
others, from the labelled blocks of the head and from an attendance list."""

from __future__ import annotations

import re

from .layout import _I, MINUTES, _Doc, _line_rx, _put, _rx
from .names import _people

# --------------------------------------------------------------------------
# Attendance.
# --------------------------------------------------------------------------

MEMBERS, SUBSTITUTES, OTHERS, MIXED, IGNORE = "members", "substitutes", "others", "mixed", "ignore"

# The labels of the attendance blocks, at a line's start, the most specific
# first: (pattern, the block they open). MIXED: people with a party are
# members, the others (officials) others.
ATTENDANCE_LABELS = tuple((_rx(r"^(?:" + pattern + r")(?![\wåäö])[ \t]*:?[ \t]*"), block) for pattern, block in (
    (r"tjänstgörande\s+ersättare|ersättare\s+som\s+tjänstgör\w*|tjänstgörande\s+suppleanter|"
     r"tjänstgörande\s+ersättare\s+och\s+ledamöter|tjänstgörande(?=\t|[ ]{2,}|$)", SUBSTITUTES),
    (r"(?:ej|icke|inte)\s+tjänstgörande\s+ersättare|närvarande\s+(?:ej\s+tjänstgörande\s+)?ersättare|"
     r"övriga\s+ersättare|ersättare|suppleanter|närvarande\s+suppleanter", OTHERS),
    (r"beslutande(?:\s+ledamöter)?|närvarande\s+(?:beslutande|ledamöter)|tjänstgörande\s+ledamöter|"
     r"ordinarie\s+ledamöter|ledamöter", MEMBERS),
    (r"övriga\s+(?:närvarande|deltagare|deltagande|som\s+deltog)|övriga|närvarande\s+tjänste\w+|närvarande\s+övriga|"
     r"tjänste(?:män|personer)|insynsplats(?:er)?|adjungerade?|föredragande|sekreterare|protokollförare|"
     r"(?:nämnd|kommun)sekreterare|insyn", OTHERS),
    (r"närvarande", MIXED),
    # Not present: their names are no one's attendance.
    (r"frånvarande(?:\s+\w+)?|ej\s+närvarande|anmält\s+förhinder|förhinder", IGNORE),
))
# Labels that end the attendance blocks for a while (the next attendance
# label opens one again) ...
ATTENDANCE_PAUSE = _rx(r"^(?:utses\s+att\s+justera|justerare|justerande(?!s)|justering\w*|plats\s+och\s+tid|"
                       r"tid\s+och\s+plats|plats|tid|lokal|datum|sammanträdesdatum|organ|ärenden|innehåll|"
                       r"förvaringsplats|protokollet|sekreterare\s*[._…]{3,}|ordförande\s*[._…]{3,})(?![\wåäö])")
# ... and these end them for good.
ATTENDANCE_END = _rx(r"^(?:underskrifter|underskrift|anslag|bevis|paragrafer|§|"
                     r"(?:sekreterare|ordförande|justerare|justerande)\s*[._…]{3,})")

# Role words before or after a name in an attendance list ("Ordförande Katrin
# Stjernfeldt Jammeh (S)", "Dennis Bergqvist (M), ordförande").
CHAIR_ROLE = _rx(r"(?<!vice\s)(?<!vice)\b(?:ordförande|ordf\.?)(?![\wåäö])")
VICE = _rx(r"\b(?:vice|1:e|2:e|3:e|förste|andre|tredje)\s+(?:vice\s+)?(?:ordförande|ordf\.?)")


# --------------------------------------------------------------------------
# Attendance.
# --------------------------------------------------------------------------

def _attendance_label(text: str):
    for pattern, block in ATTENDANCE_LABELS:
        match = pattern.match(text)
        if match:
            return match, block
    return None, None


def _read_attendance(doc: _Doc):
    members: list[str] = []
    substitutes: list[dict] = []
    others: list[str] = []
    chair: list[tuple[str, tuple[int, int]]] = []
    spans: list[tuple[int, int]] = []
    block = None
    seen_label = labelled_before = False
    for index in range(min(doc.body, len(doc.lines))):
        if index in doc.furniture:
            continue
        line = doc.lines[index]
        text = line.text.strip()
        if not text:
            continue
        if seen_label and ATTENDANCE_END.match(text):
            break
        at = line.start + len(line.text) - len(line.text.lstrip())
        for _ in range(3):  # "Beslutande Ledamöter …": labels after labels
            match, opened = _attendance_label(text)
            if match is None:
                break
            # A label's second line in a column ("Tjänstgörande" / "ersättare")
            # is in lower case: it keeps the block its first line opened.
            if not (text[:1].islower() and labelled_before):
                block = opened
            seen_label = True
            at += match.end()
            text = text[match.end():]
        labelled_before = at > line.start + len(line.text) - len(line.text.lstrip())
        if block is None or not text.strip():
            continue
        if ATTENDANCE_PAUSE.match(text):
            block = None
            continue
        if block == IGNORE:
            continue
        for person in _people(text, at, doc.known_names):
            role = f"{person.before} {person.after}"
            doc.known_names.add(person.name)
            if person.replaces is not None:
                substitutes.append({"name": person.name, "for": person.replaces.name})
                doc.known_names.add(person.replaces.name)
                spans.append((person.start, person.replaces.end))
                continue
            spans.append((person.start, person.end))
            if block == SUBSTITUTES or re.search(r"\btjänstgörande\s+ersättare\b|\btjg\b", role, _I):
                substitutes.append({"name": person.name, "for": None})
            elif block == MEMBERS or (block == MIXED and person.party):
                members.append(person.name)
                if CHAIR_ROLE.search(role) and not VICE.search(role):
                    chair.append((person.name, (person.start, person.end)))
            else:
                others.append(person.name)
    listed = _read_attendance_list(doc)
    if listed is not None:
        # "Beslutande: enligt bifogad närvarolista": the list tells who decided.
        listed_members, listed_substitutes, listed_chair, listed_spans = listed
        members += listed_members
        substitutes += listed_substitutes
        chair += listed_chair
        spans += listed_spans
    if not (members or substitutes or others):
        _put(doc.reading, "attendance", None, 0.3 if doc.kind == MINUTES else 0.7)
        return None
    members = _distinct(members)
    serving, distinct_substitutes = set(members), []
    for substitute in substitutes:
        if substitute["name"] not in serving:
            serving.add(substitute["name"])
            distinct_substitutes.append(substitute)
    others = [name for name in _distinct(others) if name not in serving]
    attendance = {"members": members, "substitutes": distinct_substitutes, "others": others}
    _put(doc.reading, "attendance", attendance, 0.85 if members else 0.5, *spans)
    doc.chair_in_attendance = chair[0] if chair else None
    return attendance


def _distinct(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


# The attendance list of a council's minutes ("Närvarolista", "Närvaro- och
# omröstningslista"): a table of members, each marked present or with the
# substitute who served for them. Its heading, and its header row.
ATTENDANCE_LIST = _line_rx(r"^\s*(?:bilaga\s*\d*\s*[:.–-]?\s*)?(?:närvarolista|närvaro-?\s*och\s+(?:omröstnings|voterings)lista|"
                           r"närvaro-?\s*och\s+voteringsprotokoll|omröstningslista|närvaroförteckning)\b")
ATTENDANCE_LIST_HEADER = _line_rx(r"^\s*(?:ordinarie\s+)?(?:ledamot|ledamöter|namn)\b.*\b(?:närv\w*|tjänstgörande|"
                                  r"ersättare|tjg)\b")
# A mark that the member was present: "x", "✓", "1", "ja", "N".
PRESENT_MARK = _rx(r"(?<![\wåäö])(?:x|✓|✔|☑|1|ja|n|närv\w*)(?![\wåäö])")
# A row that ends the list: "Summa 31 3", "Totalt".
LIST_END = _rx(r"^\s*(?:summa|totalt|antal|sammanlagt)\b")


def _read_attendance_list(doc: _Doc):
    """Members and serving substitutes from an attendance list, or None when
    the document has none."""
    heading = ATTENDANCE_LIST.search(doc.text)
    header = ATTENDANCE_LIST_HEADER.search(doc.text, heading.end()) if heading else None
    if header is None or (heading and header.start() - heading.end() > 400):
        return None
    index = doc.index_at(header.start())
    substitute_column = bool(re.search(r"tjänstgörande|ersättare|tjg", header.group(), _I))
    members, substitutes, chair, spans = [], [], [], []
    misses = 0
    for follow in range(index + 1, len(doc.lines)):
        if follow in doc.furniture or not doc.stripped(follow):
            continue
        line = doc.lines[follow]
        if LIST_END.match(line.text) or ATTENDANCE_LIST_HEADER.match(line.text):
            break
        found = _people(line.text, line.start, doc.known_names)
        if not found:
            misses += 1
            if misses >= 3:
                break
            continue
        misses = 0
        member = found[0]
        role = f"{member.before} {member.after}"
        marks = CHAIR_ROLE.sub(" ", VICE.sub(" ", member.after))
        present = bool(PRESENT_MARK.search(marks)) or (len(found) == 1 and not re.search(r"[–—-]", marks))
        if len(found) > 1 and substitute_column:
            substitutes.append({"name": found[1].name, "for": member.name})
            spans.append((found[1].start, found[1].end))
        if present:
            members.append(member.name)
            spans.append((member.start, member.end))
            if CHAIR_ROLE.search(role) and not VICE.search(role):
                chair.append((member.name, (member.start, member.end)))
    if not members and not substitutes:
        return None
    return members, substitutes, chair, spans
