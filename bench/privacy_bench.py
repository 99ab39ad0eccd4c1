"""Privacy benchmark: the masking assistant's detector over 100,000 register titles.

    .venv/bin/python bench/privacy_bench.py [--titles 100000] [--rounds 3] [--seed 18]

Needs no database: Django is set up only for the settings (the installation's
sensitive words, DIARIUM_PRIVACY_SENSITIVE_WORDS). Results go to
bench/out/privacy.json.

1. Titles: half are the texts of the labelled corpus
   (tests/data/privacy_corpus.jsonl) with random variations (a diary number,
   an organ, a date, a word in capitals, a person's data appended), half are
   synthetic: a subject and a place as registers write them, one in four with a
   private person's name, identity number, phone number, e-mail or street
   address planted in it.
2. Speed: the default scanner (shipped lists, as `diarium.core.privacy.scan`)
   over every title, `--rounds` times after a warm-up: titles per second of
   the median round. Target: at least 20,000 titles/s in one process.
3. Planted data: the share of what was planted in the synthetic titles that is
   found, by kind (a check that the speed was not bought by finding nothing).
4. The corpus: precision and recall per kind (a hit is right when its kind and
   text equal a labelled hit), as tests/test_privacy_detect.py asserts them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CORPUS = ROOT / "tests" / "data" / "privacy_corpus.jsonl"
TARGET_TITLES_PER_S = 20_000

SUBJECTS = [
    "Ansökan om bygglov för nybyggnad av enbostadshus", "Ansökan om bygglov för tillbyggnad", "Detaljplan för",
    "Samråd om detaljplanen för", "Handlingsplan för digitalisering", "Revidering av handlingsplanen för",
    "Medborgarförslag om", "Motion om", "Ansökan om skolskjuts", "Tillsyn enligt miljöbalken",
    "Livsmedelskontroll", "Upphandling av", "Avtal om", "Yttrande över remissen om", "Budget och verksamhetsplan",
    "Trafiksäkerhetsåtgärder", "Utbyggnad av bredband", "Överklagande av beslut om", "Begäran om allmän handling",
    "Delårsrapport", "Klimatstrategi", "Riktlinjer för", "Synpunkt om", "Klagomål på", "Anmälan om buller från",
    "Strandskyddsdispens", "Serveringstillstånd", "Ansökan om bostadsanpassning", "Färdtjänst", "Orosanmälan",
    "Utredning enligt LVU", "Ansökan om ekonomiskt bistånd", "Polisanmälan om skadegörelse",
]
PLACES = ["Stadsskogen", "Noltorp", "Sollebrunn", "Ingared", "centrum", "Hemsjö", "Bjärke", "Långared",
          "Gräfsnäs", "Östlyckan", "Nolhaga", "Brogården", "Kavlås", "Stora Mellby 3:12", "Magra", "Bälinge",
          "Anna Lindhs plats", "Carl Malmstens väg", "Alingsås 4:1", "Mjörn"]
TOPICS = ["gång- och cykelväg", "förskola", "skola", "vattenledning", "parkering", "lekplats", "idrottshall",
          "äldreboende", "bostäder", "e-tjänster", "öppna data", "belysning", "snöröjning", "kollektivtrafik"]
ORGANS = ["KS", "KF", "BMN", "SN", "BUN", "KFN", "TN"]
FIRST = ["Anna", "Erik", "Karin", "Lars", "Maria", "Mohammed", "Fatima", "Åsa", "Björn", "Ebba", "Per", "Elif"]
LAST = ["Andersson", "Ek", "Berg", "Åberg-Lind", "von Lancken", "Yilmaz", "Nguyen", "Hussein", "Öberg", "Lund"]
STREETS = ["Storgatan", "Kungsgatan", "Björkstigen", "Gräfsnäsvägen", "Södra Ringvägen", "Lilla torget"]


def luhn_digit(nine: str) -> int:
    total = 0
    for position, char in enumerate(nine):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def planted(rng: random.Random) -> tuple[str, str]:
    """(kind, text) of a random piece of personal data."""
    kind = rng.choice(["name", "pnr", "phone", "email", "address"])
    if kind == "name":
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        return kind, name.upper() if rng.random() < 0.1 else name
    if kind == "pnr":
        date = f"{rng.randint(30, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        serial = f"{rng.randint(0, 999):03d}"
        number = f"{date}{serial}{luhn_digit(date + serial)}"
        return kind, rng.choice([f"{number[:6]}-{number[6:]}", number, f"19{number[:6]}-{number[6:]}"])
    if kind == "phone":
        return kind, rng.choice([f"070-{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                                 f"0322-{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                                 f"+46 70 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"])
    if kind == "email":
        domain = rng.choice(["gmail.com", "telia.com"])
        return kind, f"{rng.choice(FIRST).lower()}.{rng.choice(['ek', 'berg', 'lund'])}@{domain}"
    return kind, f"{rng.choice(STREETS)} {rng.randint(1, 150)}, {rng.randint(411, 449)} {rng.randint(10, 99)} Alingsås"


def synthetic(rng: random.Random) -> tuple[str, tuple[str, str] | None]:
    title = f"{rng.choice(SUBJECTS)} {rng.choice(TOPICS)}, {rng.choice(PLACES)}"
    if rng.random() < 0.3:
        title += f", dnr {rng.randint(2016, 2026)}.{rng.randint(1, 999)} {rng.choice(ORGANS)}"
    if rng.random() < 0.25:
        item = planted(rng)
        return f"{title}, {rng.choice(['från', 'gällande', 'sökande'])} {item[1]}", item
    return title, None


def varied(rng: random.Random, text: str) -> str:
    choice = rng.random()
    if choice < 0.2:
        return f"{text} (dnr {rng.randint(2016, 2026)}.{rng.randint(1, 999)} {rng.choice(ORGANS)})"
    if choice < 0.35:
        return f"{rng.choice(ORGANS)}: {text}"
    if choice < 0.5:
        return f"{text}, inkom {rng.randint(2016, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if choice < 0.6:
        words = text.split(" ")
        position = rng.randrange(len(words))
        words[position] = words[position].upper()
        return " ".join(words)
    if choice < 0.7:
        return f"{text}; {planted(rng)[1]}"
    return text


def titles_make(count: int, seed: int, corpus: list[dict]) -> tuple[list[str], list[tuple[str, tuple[str, str]]]]:
    rng = random.Random(seed)
    texts = [record["text"] for record in corpus]
    titles: list[str] = []
    plants: list[tuple[str, tuple[str, str]]] = []
    for index in range(count):
        if index % 2 == 0:
            titles.append(varied(rng, rng.choice(texts)))
        else:
            title, item = synthetic(rng)
            titles.append(title)
            if item is not None:
                plants.append((title, item))
    return titles, plants


def setup_django() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ["DIARIUM_VAR_DIR"] = str(OUT / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DIARIUM_SECRET_KEY_CREATE", "1")  # a key of its own under var/, as `make bench`
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--titles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    setup_django()
    from diarium.core.privacy import scan, scoring

    corpus = scoring.load(CORPUS)
    titles, plants = titles_make(args.titles, args.seed, corpus)
    characters = sum(len(title) for title in titles)
    print(f"{len(titles):,} titles, {characters / len(titles):.0f} characters on average "
          f"({len(plants):,} synthetic ones with planted personal data)")

    for title in titles[:2000]:  # warm-up: lists loaded, regexes compiled
        scan(title)
    seconds: list[float] = []
    found_kinds: Counter[str] = Counter()
    for round_number in range(args.rounds):
        started = time.perf_counter()
        for title in titles:
            scan(title)
        seconds.append(time.perf_counter() - started)
    for title in titles:
        found_kinds.update(hit.kind for hit in scan(title))
    median = statistics.median(seconds)
    rate = len(titles) / median
    met = rate >= TARGET_TITLES_PER_S
    print(f"\nSpeed: {rate:,.0f} titles/s (median of {args.rounds} rounds: "
          + ", ".join(f"{s:.2f} s" for s in seconds) + f"); target {TARGET_TITLES_PER_S:,} titles/s: "
          + ("MET" if met else "NOT MET"))
    print("Hits in the 100,000 titles by kind: " + ", ".join(f"{kind} {count:,}" for kind, count in
                                                            sorted(found_kinds.items())))

    planted_found: Counter[str] = Counter()
    planted_all: Counter[str] = Counter()
    for title, (kind, text) in plants:
        planted_all[kind] += 1
        planted_found[kind] += any(hit.kind == kind and hit.text == text for hit in scan(title))
    print("\nPlanted personal data found (synthetic titles):")
    for kind in sorted(planted_all):
        print(f"  {kind:<10} {planted_found[kind]:>6,} of {planted_all[kind]:>6,} "
              f"({planted_found[kind] / planted_all[kind]:.1%})")

    scores = scoring.score(corpus)
    print(f"\nCorpus ({len(corpus)} labelled titles and descriptions, {CORPUS.relative_to(ROOT)}):")
    print(scoring.table(scores))

    results = {
        "titles": len(titles), "rounds_s": seconds, "titles_per_s": round(rate), "target_titles_per_s":
        TARGET_TITLES_PER_S, "target_met": met, "load_average": os.getloadavg(),
        "planted_found": {kind: [planted_found[kind], planted_all[kind]] for kind in planted_all},
        "corpus": {kind: {"precision": round(score.precision, 4), "recall": round(score.recall, 4),
                          "right": score.true_positives, "false_positives": score.false_positives,
                          "false_negatives": score.false_negatives} for kind, score in scores.items()},
    }
    path = OUT / "privacy.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\n{'PASS' if met else 'FAIL'}; results in {path.relative_to(ROOT)}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
