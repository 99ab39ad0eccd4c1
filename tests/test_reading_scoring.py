"""Issue 23: the scoring of readings against the corpus (bench/migration/scoring.py),
on small hand-made readings. Pure Python: no database, no reader."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parent.parent / "bench" / "migration" / "scoring.py"
_spec = importlib.util.spec_from_file_location("reading_scoring", PATH)
scoring = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scoring)
score = scoring.score

LISTS = {"diary_numbers", "officers", "references", "proposals", "recipients", "signatories", "items", "adjusters",
         "paragraphs"}
SHAPE = ("kind", "organisation", "organ", "date", "title", "diary_numbers", "officers", "references", "proposals",
         "remiss", "recipients", "signatories", "items", "attendance", "chair", "adjusters", "paragraphs", "posted")


def reading(file: str = "a.txt", **values) -> dict:
    out = {"file": file}
    for name in SHAPE:
        out[name] = [] if name in LISTS else None
    out.update(values)
    return out


def ref(organ, date, paragraph, text="", diary_number=None):
    return {"organ": organ, "date": date, "paragraph": paragraph, "diary_number": diary_number, "text": text}


def item(title, number=None, paragraph=None, diary_number=None):
    return {"number": number, "paragraph": paragraph, "diary_number": diary_number, "title": title}


def counts(result, field):
    row = result[field]
    return row["tp"], row["fp"], row["fn"]


FULL = reading(
    "full.txt", kind="officer_report", organisation="Alingsås kommun", organ="Kommunstyrelsen", date="2018-08-23",
    title="Digital målbild – öppen och smart", diary_numbers=["2017.676 KS"], officers=["Göran Westerlund"],
    references=[ref("Kommunfullmäktige", "2015-11-25", 180, "den 25 november 2015, § 180")],
    proposals=[{"organ": "Kommunstyrelsen", "text": "Handlingsplanen godkänns under förutsättning att KF antar målbilden.",
                "condition": "under förutsättning att KF antar målbilden"}],
    remiss={"recipients": ["samtliga nämnder", "Internetstiftelsen i Sverige"], "deadline": "2018-07-27"},
    recipients=["Samtliga nämnder", "FABS AB"],
    signatories=[{"name": "Anneli Schwartz", "title": "Tf. Kommundirektör"}],
    items=[item("Val av justerare", number="1", paragraph=55)],
    attendance={"members": ["Helena Malm"], "substitutes": [{"name": "Per Ek", "for": "Eva Ström"}], "others": ["Lisa Strand"]},
    chair="Helena Malm", adjusters=["Dan Nyberg"], paragraphs=[55, 56], posted={"from": "2019-05-14", "to": "2019-06-05"},
)


def test_a_reading_scored_against_itself_is_right_in_every_field():
    result = score([FULL], [dict(FULL, confidence={"kind": 0.9})])
    for field in scoring.FIELDS:
        tp, fp, fn = counts(result, field)
        assert fp == fn == 0 and tp >= 1, field
        assert result[field]["precision"] == result[field]["recall"] == 1.0
    assert result["overall"]["precision"] == result["overall"]["recall"] == 1.0
    assert set(result) == set(scoring.FIELDS) | {"overall"}


def test_scalars_compare_after_casefold_blanks_dashes_and_trailing_punctuation():
    expected = reading(title="Digital målbild – öppen och smart", organ="Kommunstyrelsen", organisation="Alingsås kommun")
    actual = reading(title="digital  målbild - öppen\noch smart.", organ="KOMMUNSTYRELSEN", organisation="Alingsås kommun,")
    result = score([expected], [actual])
    assert counts(result, "title") == (1, 0, 0)
    assert counts(result, "organ") == (1, 0, 0)
    assert counts(result, "organisation") == (1, 0, 0)
    # a dash is not a blank: words joined by a hyphen are not the words apart
    result = score([reading(title="kommun – öppen")], [reading(title="kommun-öppen")])
    assert counts(result, "title") == (0, 1, 1)


def test_a_wrong_scalar_is_a_false_positive_and_a_false_negative_and_null_only_a_false_negative():
    expected = reading(kind="notice", date="2019-03-05", chair="Ulla Bergman")
    result = score([expected], [reading(kind="minutes", date=None, chair="Ulla Bergman")])
    assert counts(result, "kind") == (0, 1, 1)
    assert counts(result, "date") == (0, 0, 1)
    assert counts(result, "chair") == (1, 0, 0)
    assert result["kind"]["precision"] == 0.0 and result["date"]["precision"] is None
    # a value read where none was expected is a false positive only
    result = score([reading(organ=None)], [reading(organ="Kommunstyrelsen")])
    assert counts(result, "organ") == (0, 1, 0)
    assert result["organ"]["recall"] is None


def test_lists_are_multisets_of_normalised_items():
    expected = reading(diary_numbers=["KS 2014/742", "KS-2014/742.912"], officers=["Anna Berg", "Anna Berg", "Per Ek"])
    actual = reading(diary_numbers=["ks  2014/742", "KS–2014/742.912", "2019-03-05"], officers=["Anna Berg", "Lisa Ek"])
    result = score([expected], [actual])
    assert counts(result, "diary_numbers") == (2, 1, 0)
    assert counts(result, "officers") == (1, 1, 2)
    assert result["officers"]["precision"] == 0.5
    assert result["officers"]["recall"] == pytest.approx(0.3333, abs=1e-4)


def test_paragraphs_compare_as_numbers_whatever_their_form():
    result = score([reading(paragraphs=[101, 102, 103])], [reading(paragraphs=["101", "§ 102", 104])])
    assert counts(result, "paragraphs") == (2, 1, 1)


def test_signatories_need_name_and_title():
    expected = reading(signatories=[{"name": "Anneli Schwartz", "title": "Tf. Kommundirektör"},
                                    {"name": "Göran Westerlund", "title": None}])
    actual = reading(signatories=[{"name": "Anneli Schwartz", "title": "Kommundirektör"},
                                  {"name": "göran westerlund", "title": None}])
    assert counts(score([expected], [actual]), "signatories") == (1, 1, 1)


def test_references_match_on_organ_date_and_paragraph_not_on_the_text():
    expected = reading(references=[ref("Kommunfullmäktige", "2011-10-11", 202, "protokoll den 11 oktober 2011, 202"),
                                   ref("Kommunstyrelsens arbetsutskott", "2018-04-25", 53, "den 25 april, § 53")])
    actual = reading(references=[ref("kommunfullmäktige", "2011-10-11", "202", "KF 2011-10-11 § 202"),
                                 ref("Kommunstyrelsens arbetsutskott", "2025-04-25", 53, "den 25 april, § 53"),
                                 ref(None, "2018-04-25", 53)])
    result = score([expected], [actual])
    assert counts(result, "references") == (1, 2, 1)


def test_proposals_need_the_organ_the_condition_or_none_and_alike_texts():
    text = ("Handlingsplan Digital målbild för Alingsås kommun – öppen och smart godkänns under förutsättning att "
            "kommunfullmäktige antar Digital målbild för Alingsås kommun – öppen och smart.")
    condition = "under förutsättning att kommunfullmäktige antar Digital målbild för Alingsås kommun – öppen och smart"
    expected = reading(proposals=[{"organ": "Kommunstyrelsen", "text": text, "condition": condition},
                                  {"organ": "Kommunfullmäktige", "text": "Digital målbild antas.", "condition": None}])
    # the same proposal, line-wrapped and with another dash: a match
    wrapped = text.replace(" – ", " - ").replace("godkänns ", "godkänns\n")
    actual = reading(proposals=[{"organ": "Kommunstyrelsen", "text": wrapped, "condition": condition},
                                {"organ": "Kommunstyrelsen", "text": "Digital målbild antas.", "condition": None}])
    assert counts(score([expected], [actual]), "proposals") == (1, 1, 1)
    # the condition missed: no match, though the text is the same
    actual = reading(proposals=[{"organ": "Kommunstyrelsen", "text": text, "condition": None}])
    assert counts(score([expected], [actual]), "proposals") == (0, 1, 2)
    # the text followed by the signatures and a heading: below 85 % alike
    padded = text + " Anneli Schwartz Tf. Kommundirektör Göran Westerlund Digitaliseringsansvarig Beslutet ska skickas till"
    actual = reading(proposals=[{"organ": "Kommunstyrelsen", "text": padded, "condition": condition}])
    assert scoring.similarity(scoring.norm(text), scoring.norm(padded)) < scoring.SIMILARITY
    assert counts(score([expected], [actual]), "proposals") == (0, 1, 2)


def test_items_match_on_paragraph_or_number_title_and_expected_diary_number():
    expected = reading(items=[
        item("Årsredovisning 2018 för Lerums kommun", number="4", diary_number="KS.2019.37"),
        item("Allmänhetens frågestund", number="2"),
        item("Regional cykelstrategi för Skåne – antagande", number="14", paragraph=212, diary_number="RS 2019/1377"),
        item("Meddelanden", paragraph=61),
    ])
    actual = reading(items=[
        item("Årsredovisning 2018 för Lerums kommun", number="4.", diary_number="KS.2019.38"),  # wrong diary number
        item("Allmänhetens frågestund", number="2", diary_number="KS.2019.1"),  # none expected: not held against it
        item("Regional cykelstrategi för Skåne - antagande", number="14", diary_number="RS 2019/1377"),  # no paragraph read
        item("Meddelanden", number="61"),  # expected a paragraph, read only a number: no match
    ])
    result = score([expected], [actual])
    assert counts(result, "items") == (2, 2, 2)


def test_items_titles_must_be_alike():
    expected = reading(items=[item("Detaljplan för Hindås station, uppdrag om planläggning", paragraph=64)])
    close = reading(items=[item("Detaljplan för Hindås station, uppdrag om planlägg-ning", paragraph=64)])
    far = reading(items=[item("Detaljplan", paragraph=64)])
    assert counts(score([expected], [close]), "items") == (1, 0, 0)
    assert counts(score([expected], [far]), "items") == (0, 1, 1)


def test_structured_items_are_paired_best_first_and_used_once():
    expected = reading(items=[item("Budget 2019", paragraph=49), item("Budget 2019", paragraph=49)])
    actual = reading(items=[item("Budget 2019", paragraph=49)])
    assert counts(score([expected], [actual]), "items") == (1, 0, 1)


def test_nested_fields_remiss_attendance_and_posted():
    expected = reading(
        remiss={"recipients": ["samtliga nämnder", "Alingsås och Vårgårda Räddningstjänstförbund"], "deadline": "2018-07-27"},
        attendance={"members": ["Helena Malm", "Dan Nyberg"],
                    "substitutes": [{"name": "Jonas Wik", "for": "Kristina Lund"}, {"name": "Sara Al-Amin", "for": "Eva Persson"}],
                    "others": ["Lisa Strand"]},
        posted={"from": "2019-05-14", "to": "2019-06-05"})
    actual = reading(
        remiss={"recipients": ["samtliga nämnder", "Alingsås", "Vårgårda Räddningstjänstförbund"], "deadline": "2018-05-31"},
        attendance={"members": ["Helena Malm", "Dan Nyberg", "Jonas Wik"],
                    "substitutes": [{"name": "Jonas Wik", "for": "Kristina Lund"}, {"name": "Sara Al-Amin", "for": None}],
                    "others": []},
        posted={"from": "2019-05-14", "to": None})
    result = score([expected], [actual])
    assert counts(result, "remiss.recipients") == (1, 2, 1)
    assert counts(result, "remiss.deadline") == (0, 1, 1)
    assert counts(result, "attendance.members") == (2, 1, 0)
    assert counts(result, "attendance.substitutes") == (1, 1, 1)
    assert counts(result, "attendance.others") == (0, 0, 1)
    assert counts(result, "posted.from") == (1, 0, 0)
    assert counts(result, "posted.to") == (0, 0, 1)
    # null objects are no values at all
    result = score([reading()], [reading(remiss=None, attendance=None, posted=None)])
    assert all(counts(result, field) == (0, 0, 0) for field in scoring.FIELDS if field != "kind")


def test_files_are_paired_by_name_and_an_unread_file_counts_as_nothing_found():
    first = reading("one.txt", kind="notice", diary_numbers=["KS 2018/00051", "KS 2018/00088"])
    second = reading("two.pdf", kind="minutes", diary_numbers=["KS 2017/00512"])
    stray = reading("three.docx", kind="other", diary_numbers=["X 1"])
    result = score([first, second], [stray, dict(second), reading("one.txt", kind="notice", diary_numbers=["KS 2018/00051"])])
    assert counts(result, "kind") == (2, 0, 0)
    assert counts(result, "diary_numbers") == (2, 0, 1)
    result = score([first, second], [dict(second)])
    assert counts(result, "kind") == (1, 0, 1)
    assert counts(result, "diary_numbers") == (1, 0, 2)


def test_overall_sums_every_field():
    expected = reading(kind="notice", organ="Byggnadsnämnden", diary_numbers=["BN-2020/00012"])
    actual = reading(kind="notice", organ="Kommunstyrelsen", diary_numbers=["BN-2020/00012", "BN-2020/00013"])
    result = score([expected], [actual])
    assert counts(result, "overall") == (2, 2, 1)
    assert result["overall"]["precision"] == 0.5
    assert result["overall"]["recall"] == pytest.approx(0.6667, abs=1e-4)


def test_a_reading_of_the_wrong_types_is_scored_not_crashed_on():
    expected = reading(kind="minutes", items=[item("Val av justerare", paragraph=9)], attendance={"members": ["A B"],
                       "substitutes": [], "others": []}, references=[ref("Kommunstyrelsen", "2019-01-01", 1)])
    actual = {"file": "a.txt", "kind": 7, "items": "Val av justerare", "attendance": ["A B"], "references": [None, 3],
              "signatories": [{"title": "Ordförande"}], "proposals": [{"text": None}]}
    result = score([expected], [actual])
    assert counts(result, "kind") == (0, 1, 1)
    assert counts(result, "items") == (0, 0, 1)
    assert counts(result, "attendance.members") == (0, 0, 1)
    assert counts(result, "references")[0] == 0


def test_f1_of_a_row():
    assert scoring.f1({"precision": 0.5, "recall": 1.0}) == pytest.approx(0.6667, abs=1e-4)
    assert scoring.f1({"precision": None, "recall": 1.0}) is None
