"""The registry at county scale (issue 24, part 5): the documents' denormalised
organisation and the partial index the masking assistant reads its private
counterparts from, the foreign keys' own indexes dropped where a composite one
covers them, and the trigram index of the case list's text filter."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.models import F

from diarium.registry import screening_names
from diarium.registry import services as registry
from diarium.registry.models import Document
from diarium.registry.selectors import case_list
from diarium.registry.services.contacts import contact_save

from . import factories as f

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's indexes")


def _mismatched() -> int:
    return Document.objects.exclude(organisation_id=F("case__organisation_id")).count()


def test_a_document_has_its_cases_organisation_on_every_way_it_is_made(org, ks, registrar):
    other_org = f.organisation(name="Vårgårda kommun", slug="vargarda")
    other_ks = f.organ(other_org)
    other_registrar = f.registrar(other_org)
    case = f.case(registrar, ks)
    other_case = f.case(other_registrar, other_ks)
    registered = f.document(registrar, case)  # document_register
    drawn = registry.document_draw_up(actor=registrar, case=other_case, document=None,  # document_create
                                      description="Sammanställning", filename="s.html", html="<p>Text</p>")
    made = Document(case=case, number=99, direction="internal", document_date=dt.date(2018, 6, 12),
                    description="Intern anteckning", registered_at=case.registered_at)
    made.save()  # a document saved directly takes its case's organisation too
    assert [registered.organisation_id, drawn.organisation_id, made.organisation_id] == [org.pk, other_org.pk, org.pk]
    assert Document.objects.filter(organisation=other_org).get() == drawn
    assert _mismatched() == 0


def _known_before(organisation_id: int) -> list[str]:
    """private_counterparts as it was written before the column: through the case."""
    rows = (Document.objects.filter(case__organisation_id=organisation_id, counterpart_is_private=True)
            .exclude(counterpart="").order_by("-registered_at").values_list("counterpart", flat=True))
    contacts = (screening_names.Contact.objects.filter(organisation_id=organisation_id, is_private=True)
                .order_by("-updated_at").values_list("name", flat=True))
    return list(dict.fromkeys([*rows, *contacts]))


def test_private_counterparts_are_the_organisations_newest_first_then_its_contacts(org, ks, registrar):
    other_org = f.organisation(name="Vårgårda kommun", slug="vargarda")
    other_registrar = f.registrar(other_org)
    other_case = f.case(other_registrar, f.organ(other_org))
    case = f.case(registrar, ks)
    for day, name, private in (("2018-06-01", "Karin Ek", True), ("2018-06-02", "Föreningen Sambruk", False),
                               ("2018-06-03", "Per Lind", True), ("2018-06-04", "Karin Ek", True)):
        with f.on_day(day):
            f.document(registrar, case, counterpart=name, counterpart_is_private=private,
                       document_date=dt.date(2018, 5, 30))
    with f.on_day("2018-06-05"):
        f.document(registrar, case, direction="drawn_up", counterpart="", document_date=dt.date(2018, 5, 30))
    with f.on_day("2018-06-06"):
        f.document(other_registrar, other_case, counterpart="Olle Strand", counterpart_is_private=True,
                   document_date=dt.date(2018, 5, 30))
    contact_save(actor=registrar, organisation_id=org.pk, kind="person", name="Stina Berg")
    contact_save(actor=registrar, organisation_id=org.pk, kind="person", name="Per Lind")
    known = screening_names.private_counterparts(org.pk)
    assert known == ["Karin Ek", "Per Lind", "Stina Berg"]
    assert known == _known_before(org.pk)
    assert screening_names.private_counterparts(other_org.pk) == ["Olle Strand"]


def _plan(queryset, *settings: str) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the tables are tiny: ask whether the index *can* serve
        for setting in settings:
            cursor.execute(setting)
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgresql_only
def test_the_registrations_query_and_the_text_filter_read_their_indexes_on_postgresql(org, ks, registrar):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
                       "('document_private_counterparts', 'case_search_text_trigram')")
        indexes = dict(cursor.fetchall())
    assert "INCLUDE (counterpart) WHERE (counterpart_is_private AND" in indexes["document_private_counterparts"]
    assert "gin (search_text gin_trgm_ops)" in indexes["case_search_text_trigram"]
    f.document(registrar, f.case(registrar, ks), counterpart="Karin Ek", counterpart_is_private=True)
    rows = (Document.objects.filter(organisation_id=org.pk, counterpart_is_private=True).exclude(counterpart="")
            .order_by("-registered_at").values_list("counterpart", flat=True)[:screening_names.KNOWN_NAMES_MAX])
    plan = _plan(rows)
    assert "document_private_counterparts" in plan and "Sort" not in plan and "Join" not in plan
    # The filter alone (the list's order may be read from another index first on a tiny table):
    # with plain index scans off too, only the trigram index can serve the LIKE.
    assert "case_search_text_trigram" in _plan(
        case_list(user=registrar, q="målbild").order_by().values("pk"), "SET LOCAL enable_indexscan = off")


def test_the_text_filter_still_finds_a_part_of_a_word_in_any_case(ks, registrar):
    wanted = f.case(registrar, ks, title="Bygglov för tillbyggnad på Stora Mellby 3:12")
    f.case(registrar, ks, title="Serveringstillstånd")
    for q in ("tillbyggnad", "BYGGNAD", "ora mell", "3:12", wanted.diary_number):
        assert list(case_list(user=registrar, q=q)) == [wanted], q


def test_no_foreign_key_keeps_an_index_a_composite_one_covers():
    """Each field whose own index registry 0032 dropped (and the search record's
    key) is the first column of a whole-table index or unique constraint of its
    model, and has no index of its own in the database: not the plain one, nor
    PostgreSQL's `_like` copy."""
    from django.apps import apps

    dropped = importlib.import_module("diarium.registry.migrations.0032_redundant_indexes").COVERED
    for app_label, model_name, field_name in [*(("registry", *c) for c in dropped), ("search", "searchrecord", "key")]:
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(field_name).column
        covering = [i.name for i in [*model._meta.indexes, *model._meta.constraints]
                    if i.condition is None and getattr(i, "fields", None) and i.fields[0].lstrip("-") == field_name]
        assert covering, (model_name, field_name)
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
        assert set(covering) <= set(constraints), (model_name, covering)
        own = [name for name, info in constraints.items() if info["columns"] == [column] and not info["primary_key"]
               and not info["unique"] and name not in covering and not info["foreign_key"]
               and name not in {i.name for i in model._meta.indexes}]
        assert own == [], (model_name, field_name, own)
