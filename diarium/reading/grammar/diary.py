"""Diary numbers (diarienummer) in running text, in the forms registers write them.

A diary number is a year, a running number and often a code of the organ or
series, in an order and with separators that differ between registers:

    2017.676 KS          Diarium's own, and Alingsås' (year.number code)
    2017/676             year/number without a code
    KS 2014/742          code year/number (also "KS2014/742", "KS 2014.742", "KS 2014:742")
    KS-2014/742.912      with the classification after a full stop
    KS/2018:298 - 001    with a part number after a dash
    SBN-2020-456         code-year-number (Malmö, Västra Götaland: "RS 2019-01234")
    BUN 2019/00123       with leading zeros
    2015/KS 0246 11      year/code number part
    2016KSM1221.042      year, code and number written together
    Dnr 0123/19          number/two-digit year (Göteborg), only after a label
    Dnr 1900123          a bare number, only after a label

Beside a label ("Dnr", "Diarienr", "Diarienummer", "Ärendenr", "Vår
referens", "Vår beteckning/Diarienummer:") a number is surer, and looser forms
are read. Never a diary number: a date ("2018-08-23", "KS 2018-02-28"), a span
of years ("2018–2020", "2018/2019", "2016/17"), a law's number ("SFS 2017:725",
"kommunallagen (2017:725)", "prop. 2016/17:180", "(EU) 2016/679"), a sum
("2017.676 kr"), a phone number, a § or a page ("Sida 2 av 4").

`find_diary_numbers` gives each number's span, the number as written without
its label (blanks collapsed) as value, and how sure the rule is.
"""

from __future__ import annotations

import re

from .dates import find_dates
from .shape import Found
from .text import collapse

# A year in a diary number.
_Y = r"(?:19|20)\d\d"
# A running number: up to seven digits (leading zeros kept as written).
_N = r"\d{1,7}"
# An organ's or a series' code: capital letters ("KS", "BUN", "KSM", "ÄON").
_CODE = r"[A-ZÅÄÖ]{1,6}"
# What may follow the running number: a classification or a part
# (".912", "-3", " - 001", ":2").
_SUFFIX = r"(?:\.\d{1,4}|-\d{1,4}|\s-\s\d{1,4}|:\d{1,4})?"
# Nothing that continues the number may follow.
_END = r"(?![\w/]|[.:,-]\d)"
# Nothing that is part of a longer number or code may come before.
_START = r"(?<![\w/.,:+-])"

# The forms, each a named regular expression: (name, pattern, how sure).
FORMS = (
    # KS 2014/742, KS-2014/742.912, KS/2018:298 - 001, SBN-2020-456, BUN 2019/00123, KS2014/742
    ("code year number", re.compile(
        _START + r"(?P<code>" + _CODE + r")(?:[ ./-]|\s?/\s?|)(?P<y>" + _Y + r")(?P<sep>[/.:-])(?P<n>" + _N + r")"
        + _SUFFIX + _END), 0.85),
    # KS 123/2015: the number before the year, with a code
    ("code number year", re.compile(
        _START + r"(?P<code>" + _CODE + r")[ -](?P<n>" + _N + r")/(?P<y>" + _Y + r")" + _END), 0.75),
    # 2015/KS 0246 11
    ("year code number", re.compile(
        _START + r"(?P<y>" + _Y + r")/(?P<code>" + _CODE + r")[ ]?(?P<n>\d{1,7})(?:[ ]\d{2,3})?" + _END), 0.85),
    # 2016KSM1221.042
    ("year code number joined", re.compile(
        _START + r"(?P<y>" + _Y + r")(?P<code>" + _CODE + r")(?P<n>\d{1,7})(?:\.\d{1,4})?" + _END), 0.85),
    # KS19.123: a code and a two-digit year, a full stop and the number
    ("code short year number", re.compile(
        _START + r"(?P<code>" + _CODE + r")(?P<y>\d\d)\.(?P<n>\d{1,6})" + _END), 0.7),
    # 2017.676 KS, 2017/676, 2017.676
    ("year number", re.compile(
        _START + r"(?P<y>" + _Y + r")(?P<sep>[./])(?P<n>" + _N + r")(?:\.\d{1,4}|-\d{1,4}|\s-\s\d{1,4})?"
        r"(?:[ ](?P<code>" + _CODE + r")(?![\w-]))?" + _END), 0.6),
)

# Labels before a diary number, in any case, possibly two joined by a slash
# ("Vår beteckning/Diarienummer:"), possibly with "vårt", "ert" before them.
LABEL_WORDS = (
    r"dnr", r"d\.nr", r"dnr\.", r"diarienr", r"diarie\s?nr", r"diariernr", r"diarienummer", r"diarie-nummer",
    r"diarieförd\s+under", r"ärendenr", r"ärende\s?nr", r"ärendenummer", r"ärende-id", r"ärendeid",
    r"referens", r"ref", r"beteckning", r"registreringsnummer", r"reg\.?\s?nr",
)
_LABEL_WORD = r"(?:(?:vårt|vår|ert|er|ärendets|tidigare)\s+)?(?:" + "|".join(LABEL_WORDS) + r")\.?"
_LABEL = r"(?i:(?<![\w])" + _LABEL_WORD + r"(?:\s*/\s*" + _LABEL_WORD + r")*)(?:\s*[:.]\s*|\s+)"
LABEL = re.compile(_LABEL)
# A label just before a position (looked for in the few characters before a number).
_LABEL_BEFORE = re.compile(r"(?i:" + _LABEL_WORD + r")\s*[:.]?\s*(?:" + _CODE + r"[ -]?)?$")
# After a label, a looser form: a code, numbers joined by separators, a code.
_LOOSE = re.compile(
    r"(?P<code>[A-ZÅÄÖ][A-ZÅÄÖa-zåäö]{0,5}[ ./:-]{0,2})?\d{1,7}(?:(?:[./:-]|\s-\s|[ ])\d{1,7}){0,3}"
    r"(?:[ ./-][A-ZÅÄÖ]{1,6})?(?![\w])")
_LABELLED = re.compile(_LABEL + r"(?=\S)")

# Codes that are never an organ's or a series': laws, government papers, the
# EU's acts, standards. "SFS 2017:725" is a law, "SOU 2018:12" an inquiry.
NOT_CODES = frozenset({
    "SFS", "SOU", "DS", "PROP", "DIR", "BET", "RSKR", "EU", "EG", "EEG", "EUT", "EES", "ISO", "SS", "EN",
    "SIS", "BFS", "AFS", "HSLF", "SOSFS", "SKOLFS", "NFS", "TSFS", "KIFS", "LIFS", "MSBFS", "ELSÄK",
    "NJA", "HFD", "RÅ", "AD", "MÖD", "MMD", "RH", "KU", "FIU", "COM", "KOM", "CELEX", "ISBN", "ISSN",
    "TEL", "FAX", "MOBIL", "BG", "PG", "ORG", "NR", "SIDA", "SID", "OSL", "LOU", "LOV", "PBL", "SOL",
    "LSS", "LVU", "LVM", "HSL", "YGL", "GDPR", "KAP", "ST", "CA", "KR",
})
# Law codes that name a law in "KL 2017:725" style only with a colon; as a
# series code with another separator they stand ("RF 2019/12" is a region's).
# Words before a number that make it a law's or a government paper's.
_LAW_BEFORE = re.compile(r"(?i)(?:\b(?:prop|dir|bet|rskr|sfs|sou|ds|förordning(?:en)?|lag(?:en)?|"
                         r"direktiv(?:et)?|nr|version|ver|v)\.?|\((?:eu|eg|eeg)\))\s*$")
# Units after a number that make it a sum or a quantity.
_UNIT_AFTER = re.compile(r"\s*(?:kr|kronor|tkr|mkr|mnkr|mdkr|sek|euro|%|procent|st|m2|m²|kvm|ha|km|m|"
                         r"timmar|tim|h|invånare|personer)\b", re.IGNORECASE)
# A line that is an item of an agenda or a paragraph of minutes: "5.", "§ 53"
# (matched at the line's start).
_ITEM_LINE = re.compile(r"[ \t]*(?:§\s*\d{1,4}|\d{1,3}[.)]?)(?:\s|$)")


def _bare_range(year: int, number: str) -> bool:
    """"2018/2019", "2016/17": a span of years, not a diary number."""
    value = int(number)
    if len(number) == 4 and year <= value <= year + 10:
        return True
    return len(number) == 2 and value == (year + 1) % 100


def _is_date(text: str) -> bool:
    for found in find_dates(text):
        if found.end - found.start >= 8:
            return True
    return False


def _label_before(text: str, start: int) -> bool:
    window = text[max(0, start - 48):start]
    return bool(_LABEL_BEFORE.search(window))


def _item_line(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    match = _ITEM_LINE.match(text, line_start)
    return match is not None and match.end() <= start


def _strict(text: str) -> list[Found]:
    found: list[Found] = []
    for _name, form, sure in FORMS:
        for match in form.finditer(text):
            groups = match.groupdict()
            code = groups.get("code")
            if code and code in NOT_CODES:
                continue
            year, number = int(match["y"]), match["n"]
            if year < 100:
                year += 2000 if year < 70 else 1900  # KS19.123
            if int(number) == 0:
                continue
            core = match.group()
            if code and groups.get("sep") == ":" and code in ("KL", "RF", "TF", "FL", "MB"):
                continue
            if _is_date(core):
                continue  # "KS 2018-02-28"
            before = text[max(0, match.start() - 24):match.start()]
            if _LAW_BEFORE.search(before):
                continue  # "prop. 2016/17:180", "(EU) 2016/679", "lag (2017:725)"
            if not code:
                if groups.get("sep") == "/" and _bare_range(year, number):
                    continue
                if _UNIT_AFTER.match(text, match.end()):
                    continue
                if len(number) < 2 and not _label_before(text, match.start()):
                    continue  # "2019.2": a version, not case 2 of 2019
            found.append(Found(match.start(), match.end(), collapse(core), core, sure))
    return found


def _loose(text: str) -> list[Found]:
    """Numbers right after a label, in forms the strict rules do not know."""
    found: list[Found] = []
    for label in _LABELLED.finditer(text):
        match = _LOOSE.match(text, label.end())
        if match is None:
            continue
        core = match.group().rstrip(" ./:-")
        if not core:
            continue
        digits = re.findall(r"\d+", core)
        total = sum(len(d) for d in digits)
        if total < 4 or _is_date(core):
            continue
        years = [d for d in digits if len(d) == 4 and 1900 <= int(d) <= 2099]
        two_digit_year = re.search(r"\d{1,7}/\d\d(?!\d)", core)
        if not years and not two_digit_year and max(len(d) for d in digits) < 5:
            continue
        if re.fullmatch(r"0\d{1,3}[- ]?\d[\d ]{4,}", core):
            continue  # a phone number beside "Ref"
        found.append(Found(match.start(), match.start() + len(core), collapse(core), core, 0.9))
    return found


def find_diary_numbers(text: str) -> list[Found]:
    """Every diary number in the text, in order, with its span, its value
    (as written, blanks collapsed, without a label) and how sure it is."""
    if not text:
        return []
    candidates = _strict(text) + _loose(text)
    # Longest first at each place; a number inside a longer one is part of it.
    candidates.sort(key=lambda item: (item.start, -(item.end - item.start), -item.confidence))
    out: list[Found] = []
    last_end = -1
    for item in candidates:
        if item.start < last_end:
            continue
        sure = item.confidence
        if _label_before(text, item.start):
            sure = max(sure, 0.95)
        elif _item_line(text, item.start):
            sure = min(0.95, sure + 0.1)
        out.append(Found(item.start, item.end, item.value, item.text, round(sure, 2)))
        last_end = item.end
    return out


def distinct(found: list[Found]) -> list[str]:
    """The distinct values, in order of first appearance."""
    seen: dict[str, None] = {}
    for item in found:
        seen.setdefault(item.value, None)
    return list(seen)
