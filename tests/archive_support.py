"""Test data for the records plan and disposal (tests/test_records_plan.py,
tests/test_archive_disposal.py), made through the services users call."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

from diarium.accounts import services as accounts
from diarium.accounts.models import Role
from diarium.archive import services as archive
from diarium.decisions import services as decisions
from diarium.registry import reference
from diarium.registry import services as registry
from diarium.registry.models import Classification

from . import factories as f

_n = itertools.count(1)

SECRET_DESCRIPTION = "Utredning om Kalle Hemligsson och hans skulder"
SECRET_COUNTERPART = "Kalle Hemligsson"
SECRET_FILE_TEXT = "Utredningen gäller Kalle Hemligsson, skuldsanering.\n"
PUBLIC_FILE_TEXT = "Ansökan om bidrag till föreningen Vänersborgs båtklubb.\n"


def process(org, code: str, title: str) -> Classification:
    """A process of the classification scheme. Made as a row: the scheme's own
    services are another part of issue 22; a process is all a rule needs."""
    return Classification.objects.create(organisation=org, code=code, title=title)


def decision(registrar, org, organ, case, *, day: str = "2024-05-20", adjust: bool = True, title="Gallring"):
    """A decision recorded at a meeting of `organ` on `day` on `case`, its minutes adjusted (or only closed)."""
    n = next(_n)
    chair = accounts.person_create(organisation=org, name=f"Ordförande Beslutsson {n}")
    adjuster = accounts.person_create(organisation=org, name=f"Justerare Protokollsson {n}")
    day_ = dt.date.fromisoformat(day)
    with f.on_day(day_):
        meeting = f.meeting(registrar, organ, day_, chair=chair, adjusters=[adjuster],
                            members=[(chair, "chair"), (adjuster, "member")])
        item = decisions.agenda_item_add(actor=registrar, meeting=meeting, case=case, title=title)
        return f.held(registrar, meeting, item, title, adjust=adjust)


def world(org, ks, registrar):
    """Alingsås with a plan in force from 2024-06-01 (adopted by KS 2024-05-20):
    process 1.1.1 disposes of documents 2 years after the case closed, 1.1.2 is kept.
    Case `closed` (1.1.1, closed 2020-02-01) holds a public document and a
    secret one, both with files; case `running` (1.1.1) is open; case `kept`
    (1.1.2) is closed."""
    admin = f.user(org, Role.ADMIN)
    disposing = process(org, "1.1.1", "Ansökningar om bidrag")
    keeping = process(org, "1.1.2", "Styrdokument")
    application = reference.document_type_create(actor=admin, organisation=org, name="Ansökan")
    with f.on_day("2020-01-10"):
        closed = f.case(registrar, ks, title="Bidrag till Vänersborgs båtklubb", classification=disposing)
        public = f.document(registrar, closed, counterpart="Vänersborgs båtklubb", description="Ansökan om bidrag",
                            document_type=application, files=[f.text_file("ansokan.txt", PUBLIC_FILE_TEXT)])
        secret = f.document(registrar, closed, counterpart=SECRET_COUNTERPART, description=SECRET_DESCRIPTION,
                            counterpart_is_private=True,
                            files=[f.text_file("utredning.txt", SECRET_FILE_TEXT)])
        registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 26 kap. 1 §",
                                      masked_fields=["counterpart", "description"])
        running = f.case(registrar, ks, title="Pågående bidragsärende", classification=disposing)
        running_doc = f.document(registrar, running, description="Ansökan", files=[f.text_file("b.txt", "Text b\n")])
        kept = f.case(registrar, ks, title="Policy för bidrag", classification=keeping)
        kept_doc = f.document(registrar, kept, direction="drawn_up", counterpart="", description="Policy",
                              files=[f.text_file("policy.txt", "Policy\n")])
    with f.on_day("2020-02-01"):
        registry.case_close(actor=registrar, case=closed, reason="Beviljat")
        registry.case_close(actor=registrar, case=kept, reason="Antagen")
    with f.on_day("2024-05-10"):
        plan_case = f.case(registrar, ks, title="Dokumenthanteringsplan för kommunstyrelsen", classification=keeping)
    adopting = decision(registrar, org, ks, plan_case, title="Dokumenthanteringsplan")
    with f.on_day("2024-05-21"):
        draft = archive.plan_draft_create(actor=registrar, organisation=org, copy=False)
        archive.retention_rule_save(actor=registrar, version=draft, classification=disposing, action="dispose",
                                    years=2, counted_from="case_closed", form="elektroniskt",
                                    legal_ground="Arkivlagen 10 §")
        archive.retention_rule_save(actor=registrar, version=draft, classification=keeping, action="keep",
                                    form="elektroniskt, PDF/A", legal_ground="Arkivlagen 3 §")
        version = archive.plan_version_adopt(actor=registrar, version=draft, decision=adopting,
                                             effective_from=dt.date(2024, 6, 1))
    return SimpleNamespace(org=org, ks=ks, registrar=registrar, admin=admin, disposing=disposing, keeping=keeping,
                           application=application, closed=closed, public=public, secret=secret, running=running,
                           running_doc=running_doc, kept=kept, kept_doc=kept_doc, plan_case=plan_case,
                           adopting=adopting, version=version)
