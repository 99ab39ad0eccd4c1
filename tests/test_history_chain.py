"""A history that proves itself (issue 22, item 6): each organisation's events
are sealed into one hash chain, and `diarium verify` names the first event
changed, removed or reordered, even when someone wrote to the database
directly."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from diarium.registry import chain
from diarium.registry import services as registry
from diarium.registry.models import Event, EventSeal, HistoryChain

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(registrar, ks):
    """Three cases with a document each, sealed."""
    for n in range(3):
        case = f.case(registrar, ks, title=f"Ärende {n}")
        f.document(registrar, case, description=f"Handling {n}")
    assert registry.history_seal() == Event.objects.count() == 6
    return list(Event.objects.order_by("pk"))


def verify() -> tuple[str, bool]:
    out = io.StringIO()
    try:
        call_command("verify", stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_events_are_sealed_once_in_order_and_the_chain_holds(history, org, registrar, ks):
    seals = list(EventSeal.objects.order_by("seq"))
    assert [s.seq for s in seals] == [1, 2, 3, 4, 5, 6]
    assert [s.event_id for s in seals] == [e.pk for e in history]
    assert seals[0].previous == chain.GENESIS and all(b.previous == a.hash for a, b in zip(seals, seals[1:], strict=False))
    assert registry.history_seal() == 0  # nothing new: nothing sealed twice
    f.case(registrar, ks, title="Ett till")
    assert registry.history_seal() == 1
    head = HistoryChain.objects.get(organisation=org)
    assert head.length == 7 and head.head == EventSeal.objects.get(seq=7).hash
    out, ok = verify()
    assert ok and "7 händelser, kedjan håller" in out


def test_the_verify_command_tells_the_events_still_waiting_for_their_seal(history, registrar, ks):
    f.case(registrar, ks, title="Ännu inte förseglat")  # one event, not sealed yet
    assert chain.chain_verify(history[0].organisation_id).unsealed == 1
    out, ok = verify()
    assert ok and "6 händelser, kedjan håller" in out and "; 1 ännu inte förseglade." in out
    registry.history_seal()
    assert chain.chain_verify(history[0].organisation_id).unsealed == 0
    assert "ännu inte förseglade" not in verify()[0]


def test_seals_can_be_neither_changed_nor_deleted_through_the_application(history):
    seal = EventSeal.objects.first()
    with pytest.raises(TypeError):
        seal.save()
    with pytest.raises(TypeError):
        EventSeal.objects.filter(pk=seal.pk).update(hash="0" * 64)
    with pytest.raises(TypeError):
        EventSeal.objects.all().delete()


def test_an_event_changed_in_the_database_is_named(history):
    third = history[2]
    sql("UPDATE registry_event SET actor_name = %s WHERE id = %s", ["Någon annan", third.pk])
    out, ok = verify()
    assert not ok
    assert f"händelse {third.pk} ({third.kind}" in out and "har ändrats efter att den skrevs" in out
    assert "FEL efter 2 goda händelser" in out


def test_an_events_data_or_time_changed_is_named_too(history):
    fourth = history[3]
    sql("UPDATE registry_event SET at = %s WHERE id = %s", ["2001-01-01 12:00:00", fourth.pk])
    report = chain.chain_verify(fourth.organisation_id)
    assert not report.ok and report.event_id == fourth.pk


def test_an_event_removed_with_its_seal_is_named(history):
    second = history[1]
    sql("DELETE FROM registry_eventseal WHERE event_id = %s", [second.pk])
    sql("DELETE FROM registry_event WHERE id = %s", [second.pk])
    out, ok = verify()
    assert not ok and "nummer 2–2 i kedjan saknas" in out
    assert f"före händelse {history[2].pk}" in out


def test_the_last_events_removed_are_named_by_the_head(history):
    for event in history[-2:]:
        sql("DELETE FROM registry_eventseal WHERE event_id = %s", [event.pk])
        sql("DELETE FROM registry_event WHERE id = %s", [event.pk])
    out, ok = verify()
    assert not ok and "huvudet säger 6 händelser, 4 finns" in out


def test_events_put_in_another_order_are_named(history):
    # Swap the places of the second and third seals in the chain.
    second, third = EventSeal.objects.get(seq=2), EventSeal.objects.get(seq=3)
    sql("UPDATE registry_eventseal SET seq = 1000 WHERE id = %s", [second.pk])
    sql("UPDATE registry_eventseal SET seq = 2 WHERE id = %s", [third.pk])
    sql("UPDATE registry_eventseal SET seq = 3 WHERE id = %s", [second.pk])
    report = chain.chain_verify(history[0].organisation_id)
    assert not report.ok and "Kedjan är bruten" in report.problem and report.event_id == third.event_id


def test_a_seal_rewritten_to_hide_a_change_breaks_the_next_link(history):
    # Change an event and recompute its own seal: the seal after it still points at the old hash.
    third = history[2]
    sql("UPDATE registry_event SET actor_name = %s WHERE id = %s", ["Någon annan", third.pk])
    third.refresh_from_db()
    seal = EventSeal.objects.get(event=third)
    sql("UPDATE registry_eventseal SET hash = %s WHERE id = %s", [chain.seal_hash(seal.previous, third), seal.pk])
    report = chain.chain_verify(third.organisation_id)
    assert not report.ok and report.event_id == history[3].pk and "Kedjan är bruten" in report.problem


def test_each_organisation_has_its_own_chain(history, registrar):
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    ks2 = f.organ(other, code="KS", name="Kommunstyrelsen")
    f.case(f.registrar(other), ks2, title="Vårgårdas ärende")
    registry.history_seal()
    assert EventSeal.objects.get(organisation=other).seq == 1
    sql("UPDATE registry_event SET actor_name = 'X' WHERE id = %s", [history[0].pk])
    assert chain.chain_verify(other.pk).ok and not chain.chain_verify(history[0].organisation_id).ok


def test_an_event_committed_late_is_still_sealed_after_later_ones(history, registrar, ks):
    # An event whose id is below the highest sealed (its transaction committed after later ones) is found.
    late = history[0]
    sql("DELETE FROM registry_eventseal")
    sql("UPDATE registry_historychain SET length = 0, head = '', last_event_id = %s", [history[-1].pk])
    assert registry.history_seal() == 6
    assert EventSeal.objects.get(seq=1).event_id == late.pk
    assert verify()[1]
