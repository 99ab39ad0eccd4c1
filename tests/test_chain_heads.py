"""Issue 22, item 6: the heads of the history in the published open data. Once
a day each organisation's chain head (length, hash, last event, the day) is
published and kept, so the `chain-heads` files list every day's heads.
`diarium verify` checks that each head ever published is still a prefix of
the chain (a chain rewritten and sealed again from the start is caught), and
`--heads FILE` checks a file a third party kept."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from diarium.core import tasks as core_tasks
from diarium.opendata import tasks
from diarium.opendata.models import PublishedHead
from diarium.registry import chain
from diarium.registry import services as registry
from diarium.registry.models import Event, HistoryChain

from . import factories as f

pytestmark = pytest.mark.django_db

DAY1, DAY2 = dt.date(2026, 5, 4), dt.date(2026, 5, 5)


def verify(*args) -> tuple[str, bool]:
    out = io.StringIO()
    try:
        call_command("verify", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue() + str(exc), False
    return out.getvalue(), True


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def publish(day: dt.date) -> int:
    with f.on_day(day, hour=3):
        return tasks.chain_heads_publish.enqueue().return_value


def rewrite_from_genesis(org) -> None:
    """What someone with the database can do: change an event, then throw the
    seals away and seal the whole history again. The chain holds afterwards."""
    first = Event.objects.filter(organisation=org).order_by("pk").first()
    sql("UPDATE registry_event SET actor_name = %s WHERE id = %s", ["Någon annan", first.pk])
    sql("DELETE FROM registry_eventseal WHERE organisation_id = %s", [org.pk])
    sql("UPDATE registry_historychain SET length = 0, head = '', last_event_id = 0 WHERE organisation_id = %s",
        [org.pk])
    registry.history_seal(everything=True)
    assert chain.chain_verify(org.pk).ok  # undetectable from the chain alone


@pytest.fixture
def two_days(client, registrar, org, ks):
    """Heads published on two days, with cases registered before each."""
    with f.on_day(DAY1, hour=2):
        case = f.case(registrar, ks, title="Första ärendet")
        f.document(registrar, case)
    assert publish(DAY1) == 1
    assert publish(DAY1) == 0  # once a day: the day's head is kept as first published
    first = HistoryChain.objects.get(organisation=org)
    with f.on_day(DAY2, hour=2):
        f.case(registrar, ks, title="Andra ärendet")
    assert publish(DAY2) == 1
    second = HistoryChain.objects.get(organisation=org)
    return first, second


def test_the_daily_dataset_lists_every_days_heads(client, org, two_days):
    first, second = two_days
    assert (first.length, second.length) == (2, 3)
    assert any(job.name == "opendata.chain_heads" and job.task == "diarium.opendata.tasks.chain_heads_publish"
               and job.every == dt.timedelta(days=1) for job in core_tasks.PERIODIC)

    response = client.get("/datasets/chain-heads.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "Last-Modified" in response  # the stored file the job wrote
    lines = b"".join(response.streaming_content).decode().splitlines()
    last_event = timezone.localtime(Event.objects.get(seal__seq=3, organisation=org).at).isoformat()
    assert lines == [
        "published_on,organisation,organisation_slug,length,head,last_event_at",
        f"2026-05-04,Alingsås kommun,alingsas,2,{first.head},"
        f"{timezone.localtime(Event.objects.get(seal__seq=2, organisation=org).at).isoformat()}",
        f"2026-05-05,Alingsås kommun,alingsas,3,{second.head},{last_event}",
    ]
    rows = json.loads(b"".join(client.get("/datasets/chain-heads.json").streaming_content))
    assert [(r["published_on"], r["length"], r["head"]) for r in rows] == [
        ("2026-05-04", 2, first.head), ("2026-05-05", 3, second.head)]

    # Linked from the catalogue and the open-data page, as the other datasets.
    catalogue = client.get("/datasets/dcat").content.decode()
    assert "http://testserver/datasets/chain-heads.csv" in catalogue and "#dataset-chain-heads" in catalogue
    page = client.get("/floden/").content.decode()
    assert 'href="/datasets/chain-heads.csv"' in page and 'href="/datasets/chain-heads.json"' in page

    # Published heads are never changed or removed through the application.
    head = PublishedHead.objects.first()
    with pytest.raises(TypeError):
        head.save()
    with pytest.raises(TypeError):
        PublishedHead.objects.all().delete()


def test_a_chain_rewritten_from_genesis_after_publication_is_caught(org, two_days):
    out, ok = verify()
    assert ok and "alla 2 publicerade huvuden ingår i kedjan" in out

    rewrite_from_genesis(org)
    out, ok = verify()
    assert not ok
    assert "kedjan håller" in out  # the chain alone holds: only the published heads tell
    assert "FEL i huvudet publicerat 2026-05-04" in out and "FEL i huvudet publicerat 2026-05-05" in out
    assert "Händelse nummer 2 i kedjan har hashen" in out and "har skrivits om" in out


def test_a_chain_cut_short_and_sealed_again_is_caught(registrar, org, two_days):
    last = Event.objects.filter(organisation=org).order_by("-pk").first()
    sql("DELETE FROM registry_eventseal WHERE organisation_id = %s", [org.pk])
    sql("DELETE FROM registry_event WHERE id = %s", [last.pk])
    sql("UPDATE registry_historychain SET length = 0, head = '', last_event_id = 0 WHERE organisation_id = %s",
        [org.pk])
    registry.history_seal(everything=True)
    out, ok = verify()
    assert not ok and "Kedjan har färre än 3 händelser" in out
    assert "FEL i huvudet publicerat 2026-05-04" not in out  # the first two events are still as published


def test_verify_heads_checks_a_file_a_third_party_kept(client, org, two_days, tmp_path):
    kept_csv, kept_json = tmp_path / "chain-heads.csv", tmp_path / "chain-heads.json"
    kept_csv.write_bytes(b"".join(client.get("/datasets/chain-heads.csv").streaming_content))
    kept_json.write_bytes(b"".join(client.get("/datasets/chain-heads.json").streaming_content))
    for kept in (kept_csv, kept_json):
        out, ok = verify("--heads", str(kept))
        assert ok, out
        assert "Rad 1 (Alingsås kommun, 2026-05-04): 2 händelser, huvudet ingår i kedjan." in out
        assert "Rad 2 (Alingsås kommun, 2026-05-05): 3 händelser, huvudet ingår i kedjan." in out

    # Someone rewrites the history and the published heads alike: only the kept file tells.
    rewrite_from_genesis(org)
    sql("DELETE FROM opendata_publishedhead")
    assert verify()[1]
    for kept in (kept_csv, kept_json):
        out, ok = verify("--heads", str(kept))
        assert not ok
        assert "Rad 1 (Alingsås kommun, 2026-05-04): FEL. Händelse nummer 2 i kedjan har hashen" in out
        assert "2 av 2 huvuden i filen ingår inte i kedjan" in out


def test_verify_heads_reports_every_problem_of_a_bad_file(org, tmp_path):
    bad = tmp_path / "heads.csv"
    bad.write_text("published_on,organisation,organisation_slug,length,head,last_event_at\n"
                   "2026-05-04,Alingsås kommun,alingsas,två,abc,\n"
                   "2026-05-04,Vårgårda kommun,vargarda,3," + "a" * 64 + ",\n", encoding="utf-8")
    out, ok = verify("--heads", str(bad))
    assert not ok
    assert "Filen med huvuden kunde inte läsas." in out
    assert "Rad 1: längden ”två” är inte ett heltal från 0 och uppåt." in out
    assert "Rad 1: huvudet ”abc” är inte en SHA-256-hash (64 hexadecimala tecken)." in out
    assert "Rad 2: organisationen ”vargarda” finns inte här." in out
    assert not verify("--heads", str(tmp_path / "saknas.csv"))[1]
    (tmp_path / "broken.json").write_text("[{", encoding="utf-8")
    out, ok = verify("--heads", str(tmp_path / "broken.json"))
    assert not ok and "Filen är inte giltig JSON" in out
