"""The Alingsås demo as a visitor meets it after `diarium demo`."""

import io
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from diarium.accounts import services as accounts_services
from diarium.accounts.models import Organ, Organisation, Person, User
from diarium.core.errors import DomainError, PermissionDenied
from diarium.registry import selectors
from diarium.registry import services as registry_services
from diarium.registry.files import blob_open
from diarium.registry.models import Case, Document, DocumentFile, Event

PASSWORD = "Demo-Lösen-Alingsås-2017"


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setenv("DIARIUM_DEMO_PASSWORD", PASSWORD)
    call_command("demo", "--no-serve", verbosity=0)


def _main_case():
    return selectors.case_get_by_number(organisation=Case.objects.first().organisation, diary_number="2017.676 KS")


@pytest.mark.django_db
def test_case_2017_676_ks_has_its_title_and_officer(demo):
    case = _main_case()
    assert case is not None
    assert case.title == "Digital målbild för Alingsås kommun – öppen och smart samt tillhörande handlingsplan"
    assert case.case_officer.name == "Göran Westerlund"
    assert case.case_officer.title == "Digitaliseringsansvarig"
    assert case.organisation.name == "Alingsås kommun"
    assert case.registered_at.year == 2017


@pytest.mark.django_db
def test_organs_have_their_codes_and_ksau_belongs_to_ks(demo):
    organs = {o.code: o for o in Organ.objects.filter(organisation__slug="alingsas")}
    assert {"KF", "KS", "KSAU", "BUN", "KFN", "SN", "ÄN", "BMN", "SBN"} <= set(organs)
    assert organs["KF"].kind == Organ.Kind.COUNCIL
    assert organs["KS"].kind == Organ.Kind.EXECUTIVE_BOARD
    assert organs["KSAU"].parent == organs["KS"]
    assert organs["SAMBRUK"].kind == Organ.Kind.EXTERNAL
    assert Organ.objects.get(name="Alingsåshem AB").kind == Organ.Kind.COMPANY


@pytest.mark.django_db
def test_the_officers_report_is_attached_as_text(demo):
    entries = selectors.document_entries(user=AnonymousUser(), case=_main_case())
    report = next(e for e in entries if (e.description or "").startswith("Tjänsteskrivelse"))
    assert report.direction == Document.Direction.DRAWN_UP
    assert str(report.document_date) == "2018-08-23"
    current = report.files[0].current
    assert current.content_type == "text/plain"
    with blob_open(DocumentFile.objects.get(pk=current.id).blob) as fh:
        text = fh.read().decode("utf-8")
    assert "Förslag till kommunstyrelsen för beslut" in text
    assert "Diariernr: 2017.676 KS" in text


@pytest.mark.django_db
def test_secret_document_is_masked_for_the_public_but_not_for_the_registrar(demo):
    case = _main_case()
    public = [e for e in selectors.document_entries(user=AnonymousUser(), case=case) if e.is_secret]
    assert len(public) == 1
    assert public[0].secrecy_ground == "OSL 18 kap. 8 §"
    assert public[0].description is None and public[0].description_masked
    assert public[0].files == []
    registrar = User.objects.get(username="registrator")
    inside = next(e for e in selectors.document_entries(user=registrar, case=case) if e.is_secret)
    assert "Säkerhetsbedömning" in inside.description


@pytest.mark.django_db
def test_private_sender_is_hidden_from_the_public(demo):
    entries = selectors.document_entries(user=AnonymousUser(), case=_main_case())
    letter = next(e for e in entries if (e.description or "").startswith("Synpunkter"))
    assert letter.counterpart is None and letter.counterpart_masked


@pytest.mark.django_db
def test_cited_decisions_are_cases_and_one_is_closed(demo):
    e_strategy = Case.objects.get(title="E-strategi för Alingsås kommun")
    assert e_strategy.status == Case.Status.CLOSED
    assert e_strategy.documents.filter(description__contains="2015-11-25 § 180").exists()
    assert Case.objects.filter(title__startswith="Flerårsstrategi 2018–2020").exists()
    assert set(Case.objects.values_list("year", flat=True)) >= {2015, 2017, 2018, 2019}


@pytest.mark.django_db
def test_demo_users_can_log_in_with_the_demo_password(demo):
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(PASSWORD)
    assert User.objects.get(username="registrator").check_password(PASSWORD)
    officer = User.objects.get(username="handlaggare")
    assert officer.check_password(PASSWORD)
    assert Person.objects.get(user=officer).name == "Göran Westerlund"


@pytest.mark.django_db
def test_running_the_demo_twice_adds_nothing(demo, monkeypatch):
    models = (Case, Document, DocumentFile, Event, Organ, Person, User)
    before = {m.__name__: m.objects.count() for m in models}
    monkeypatch.setenv("DIARIUM_DEMO_PASSWORD", "Ett-annat-lösen-2018")
    call_command("demo", "--no-serve", verbosity=0)
    assert {m.__name__: m.objects.count() for m in models} == before
    assert User.objects.get(username="admin").check_password("Ett-annat-lösen-2018")
    assert User.objects.get(username="handlaggare").check_password("Ett-annat-lösen-2018")


@pytest.mark.django_db
def test_generated_password_is_printed_with_the_url(monkeypatch):
    monkeypatch.delenv("DIARIUM_DEMO_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("demo", "--no-serve", "--port", "8123", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8123/" in text
    password = re.search(r"Password: (\S+)", text).group(1)
    assert User.objects.get(username="admin").check_password(password)
    assert User.objects.get(username="registrator").check_password(password)


# --- services the demo added ------------------------------------------------------------
@pytest.mark.django_db
def test_only_an_admin_adds_classifications_and_codes_are_unique(demo):
    organisation = Organisation.objects.get(slug="alingsas")
    registrar = User.objects.get(username="registrator")
    with pytest.raises(PermissionDenied):
        registry_services.classification_create(actor=registrar, organisation=organisation, code="9.9", title="X")
    admin = User.objects.get(username="admin")
    with pytest.raises(DomainError) as exc:
        registry_services.classification_create(actor=admin, organisation=organisation, code="1.2.1",
                                                title="Dubblett")
    assert "1.2.1" in exc.value.errors["code"][0]


@pytest.mark.django_db
def test_a_weak_demo_password_is_refused_with_a_message(demo):
    with pytest.raises(DomainError) as exc:
        accounts_services.user_set_password(user=User.objects.get(username="admin"), password="12345678")
    assert exc.value.errors["password"]
    assert User.objects.get(username="admin").check_password(PASSWORD)
