"""Saved searches and e-mail alerts, as a signed-in registrar and an anonymous
journalist meet them: saving and deleting, following a search by e-mail with
double opt-in, the daily mail of new hits (each hit once, never what the
reader may not read), unsubscribing without logging in, and the schedule."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from diarium.accounts import services as accounts
from diarium.accounts.models import Role
from diarium.core import tasks as core_tasks
from diarium.core.errors import DomainError
from diarium.registry import services as registry
from diarium.search import alerts
from diarium.search.models import SavedSearch, SavedSearchSeen

from . import factories as f
from .mail_support import FLAKY_BACKEND
from .search_support import tantivy_engine_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

SECRET_WORD = "hemligordet"
SECRET_NAME = "Kalle Ankasson"
JOURNALIST = "journalist@tidningen.example"


@pytest.fixture
def staff(org, ks):
    registrar = accounts.user_create(username="registrator", password=f.PASSWORD, email="registrator@alingsas.se",
                                     first_name="Rut", last_name="Registrator")
    accounts.role_grant(user=registrar, organisation=org, role=Role.REGISTRAR)
    return registrar


@pytest.fixture
def world(tantivy_engine, staff, ks):
    case = f.case(staff, ks, title="Hemtjänst i Alingsås")
    old = f.document(staff, case, counterpart="Pensionärsföreningen", description="Synpunkt på hemtjänsten")
    return SimpleNamespace(case=case, old=old, registrar=staff)


def new_document(world, description, **kw):
    return f.document(world.registrar, world.case, counterpart=kw.pop("counterpart", "Socialstyrelsen"),
                      description=description, document_date=kw.pop("document_date", timezone.localdate()), **kw)


def secret_document(world, description):
    document = new_document(world, description, counterpart=SECRET_NAME)
    return registry.document_mark_secret(actor=world.registrar, document=document, ground="OSL 26 kap. 1 §",
                                         masked_fields=["counterpart", "description"])


def run(days: float = 1) -> int:
    """The daily run, `days` after now (a search runs at most once in 20 hours)."""
    return alerts.alerts_run_due(now=timezone.now() + dt.timedelta(days=days))


def alert_mails(to: str) -> list:
    return [m for m in mail.outbox if to in m.to and "Bekräfta" not in m.subject]


def link(message, path: str) -> str:
    found = re.search(rf"http://testserver({re.escape(path)}[^\s]+)", message.body)
    assert found, message.body
    return found.group(1)


def subscribe(client, q: str, email: str = JOURNALIST, **filters) -> SavedSearch:
    """Follow a search as an anonymous visitor and confirm it from the mail."""
    response = client.post("/sok/bevaka/", {"email": email, "q": q, **filters})
    assert response.status_code == 302
    confirm = link(mail.outbox[-1], "/sok/bevaka/bekrafta/")
    assert client.post(confirm).status_code == 200
    return SavedSearch.objects.filter(email=email).latest("pk")


# --- saved searches of signed-in users --------------------------------------------------------
def test_a_registrar_saves_a_search_finds_it_again_and_deletes_it(client, world):
    client.force_login(world.registrar)
    form = client.get("/sok/spara/", {"q": "hemtjänsten", "kind": "document"})
    assert form.status_code == 200
    page = form.content.decode()
    assert 'value="hemtjänsten"' in page  # the name proposed is the query
    assert '<input type="hidden" name="kind" value="document">' in page
    assert "<dt>Typ</dt><dd>Handling</dd>" in page

    response = client.post("/sok/spara/", {"q": "hemtjänsten", "kind": "document", "name": "Hemtjänsten",
                                           "alerts": "on"})
    saved = SavedSearch.objects.get()
    assert response.status_code == 302 and response.url == f"/sok/sparade/{saved.pk}/"
    assert saved.owner == world.registrar and saved.email == "" and saved.alerts and saved.confirmed_at
    assert saved.params == {"q": "hemtjänsten", "kind": "document"}

    detail = client.get(response.url).content.decode()
    assert "Sökningen ”Hemtjänsten” har sparats." in detail
    assert 'href="/sok/?q=hemtj%C3%A4nsten&amp;kind=document"' in detail  # back to the search
    listing = client.get("/sok/sparade/").content.decode()
    assert "Hemtjänsten" in listing and "E-postbevakning: på" in listing

    client.post(f"/sok/sparade/{saved.pk}/e-post/", {})
    saved.refresh_from_db()
    assert not saved.alerts
    assert "Du får inte längre e-post om sökningen." in client.get(f"/sok/sparade/{saved.pk}/").content.decode()

    response = client.post(f"/sok/sparade/{saved.pk}/ta-bort/")
    assert response.status_code == 302 and response.url == "/sok/sparade/"
    assert "Den sparade sökningen ”Hemtjänsten” har tagits bort." in client.get("/sok/sparade/").content.decode()
    assert not SavedSearch.objects.exists() and not SavedSearchSeen.objects.exists()


def test_the_list_of_saved_searches_names_their_organs_in_one_query(client, world, org, ks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from diarium.accounts.models import Organ

    organs = [ks] + [f.organ(org, code=f"N{n}", name=f"Nämnd {n}", kind=Organ.Kind.BOARD) for n in range(3)]

    def listing():
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/sok/sparade/").content.decode()
        return page, len(queries)

    client.force_login(world.registrar)
    for organ in organs[:2]:
        alerts.saved_search_create(owner=world.registrar, name=organ.name, params={"q": "hemtjänsten",
                                                                                   "organ": str(organ.pk)})
    _page, two = listing()
    for organ in organs[2:]:
        alerts.saved_search_create(owner=world.registrar, name=organ.name, params={"q": "hemtjänsten",
                                                                                   "organ": str(organ.pk)})
    page, four = listing()
    assert four == two
    assert "Kommunstyrelsen (KS)" in page and "Nämnd 2 (N2)" in page


def test_turning_the_email_on_again_starts_from_what_is_there_now(client, world):
    saved = alerts.saved_search_create(owner=world.registrar, name="Hemtjänsten", params={"q": "hemtjänsten"})
    new_document(world, "Tillsynsrapport om hemtjänsten")  # while the e-mail was off
    client.force_login(world.registrar)
    client.post(f"/sok/sparade/{saved.pk}/e-post/", {"alerts": "on"})
    saved.refresh_from_db()
    assert saved.alerts
    run()
    assert alert_mails("registrator@alingsas.se") == []
    new_document(world, "Uppföljning av hemtjänsten")
    run(days=2)
    [alert] = alert_mails("registrator@alingsas.se")
    assert "Uppföljning av hemtjänsten" in alert.body and "Tillsynsrapport" not in alert.body


def test_saved_searches_need_a_login_and_are_private(client, world, org):
    assert client.get("/sok/spara/?q=hemtj%C3%A4nsten").status_code == 302
    assert client.get("/sok/sparade/").url.startswith("/konto/")
    saved = alerts.saved_search_create(owner=world.registrar, name="Min bevakning", params={"q": "hemtjänsten"})
    other = f.user(org, Role.READER)
    client.force_login(other)
    assert client.get(f"/sok/sparade/{saved.pk}/").status_code == 404
    assert client.post(f"/sok/sparade/{saved.pk}/ta-bort/").status_code == 404
    assert "Min bevakning" not in client.get("/sok/sparade/").content.decode()
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


@pytest.mark.parametrize(("post", "message"), [
    ({"q": "hemtjänsten", "name": ""}, "Ge sökningen ett namn."),
    ({"q": "", "name": "Tom"}, "Skriv minst ett sökord innan du sparar sökningen."),
    ({"q": "-hemtjänsten", "name": "Bara minus"}, "Skriv minst ett sökord som ska finnas med"),
    ({"q": "hemtjänsten", "name": "Baklänges", "date_from": "2019-06-30", "date_to": "2019-06-01"},
     "Slutdatumet kan inte vara före startdatumet."),
    ({"q": "hemtjänsten", "name": "Fel typ", "kind": "hemligt"}, "Okänd typ av träff."),
    ({"q": "x" * 501, "name": "Lång"}, "Sökningen är för lång för att sparas (högst 500 tecken per fält)."),
    ({"q": "hemtjänsten", "name": "Hem\x1btjänst"}, "Texten får inte innehålla styrtecken (till exempel NUL)."),
])
def test_a_search_that_cannot_be_saved_says_why_and_writes_nothing(client, world, post, message):
    client.force_login(world.registrar)
    response = client.post("/sok/spara/", post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SavedSearch.objects.exists() and not SavedSearchSeen.objects.exists()


def test_alerts_need_an_address_on_the_account(client, world, org):
    nobody = f.user(org, Role.READER)  # no e-mail address
    client.force_login(nobody)
    response = client.post("/sok/spara/", {"q": "hemtjänsten", "name": "Utan adress", "alerts": "on"})
    assert response.status_code == 400
    assert "Ditt konto har ingen e-postadress" in response.content.decode()
    assert client.post("/sok/spara/", {"q": "hemtjänsten", "name": "Utan adress"}).status_code == 302


def test_a_save_that_fails_halfway_leaves_nothing(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disken är full")

    monkeypatch.setattr(alerts, "_remember", broken)
    with pytest.raises(RuntimeError):
        alerts.saved_search_create(owner=world.registrar, name="Hemtjänsten", params={"q": "hemtjänsten"})
    assert not SavedSearch.objects.exists()


# --- following a search by e-mail, without an account --------------------------------------
def test_an_anonymous_visitor_follows_a_search_with_double_opt_in(client, world):
    page = client.get("/sok/bevaka/", {"q": "hemtjänsten"}).content.decode()
    assert '<input type="hidden" name="q" value="hemtjänsten">' in page and "Din e-postadress" in page

    response = client.post("/sok/bevaka/", {"email": JOURNALIST, "q": "hemtjänsten"})
    assert response.status_code == 302 and response.url.startswith("/sok/bevaka/skickad/")
    sent = client.get(response.url).content.decode()
    assert "Bekräfta bevakningen i din e-post" in sent and JOURNALIST not in sent
    saved = SavedSearch.objects.get()
    assert saved.owner is None and saved.email == JOURNALIST and saved.confirmed_at is None

    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == [JOURNALIST] and confirmation.subject.startswith("Bekräfta bevakningen")
    confirm = link(confirmation, "/sok/bevaka/bekrafta/")

    # Nothing is mailed about the search before it is confirmed, whatever turns up.
    new_document(world, "Tillsynsrapport om hemtjänsten")
    assert run() == 0 and len(mail.outbox) == 1

    # The link shows a button (a mail scanner opening it confirms nothing); the button confirms.
    page = client.get(confirm)
    assert page.status_code == 200 and "Bekräfta bevakningen" in page.content.decode()
    assert JOURNALIST not in page.content.decode()
    saved.refresh_from_db()
    assert saved.confirmed_at is None
    done = client.post(confirm)
    assert done.status_code == 200 and "Bevakningen är bekräftad" in done.content.decode()
    saved.refresh_from_db()
    assert saved.confirmed_at is not None

    assert run(days=2) == 1
    [alert] = alert_mails(JOURNALIST)
    assert "Tillsynsrapport om hemtjänsten" in alert.body
    assert "Synpunkt på hemtjänsten" not in alert.body  # it was there before the search was followed


def test_the_address_is_never_shown_publicly(client, world):
    subscribe(client, "hemtjänsten")
    for path in ("/sok/?q=hemt%C3%A4nsten", "/sok/bevaka/?q=hemtj%C3%A4nsten", "/arenden/",
                 "/api/search?q=hemtj%C3%A4nsten", "/sok/sparade/"):
        assert JOURNALIST not in Client().get(path).content.decode()


def test_asking_again_neither_duplicates_nor_floods_the_inbox(client, world):
    for _ in range(3):
        assert client.post("/sok/bevaka/", {"email": JOURNALIST, "q": "hemtjänsten"}).status_code == 302
    assert SavedSearch.objects.count() == 1 and len(mail.outbox) == 1
    # An hour later a new link may be sent, to the same subscription.
    SavedSearch.objects.update(confirmation_sent_at=timezone.now() - dt.timedelta(hours=1))
    client.post("/sok/bevaka/", {"email": JOURNALIST.upper(), "q": "hemtjänsten"})
    assert SavedSearch.objects.count() == 1 and len(mail.outbox) == 2
    # Once confirmed, asking again sends nothing.
    client.post(link(mail.outbox[-1], "/sok/bevaka/bekrafta/"))
    SavedSearch.objects.update(confirmation_sent_at=timezone.now() - dt.timedelta(hours=2))
    client.post("/sok/bevaka/", {"email": JOURNALIST, "q": "hemtjänsten"})
    assert len(mail.outbox) == 2


def test_the_forms_show_any_search_in_the_query_string_without_failing(client, world):
    odd = {"q": "hemtjänsten", "organ": "9" * 40, "kind": "<b>x</b>", "status": "'; --"}
    page = client.get("/sok/bevaka/", odd)
    assert page.status_code == 200 and "&lt;b&gt;x&lt;/b&gt;" in page.content.decode()
    client.force_login(world.registrar)
    assert client.get("/sok/spara/", odd).status_code == 200
    response = client.post("/sok/spara/", {**odd, "name": "Konstig"})
    assert response.status_code == 400 and "Okänt organ." in response.content.decode()


def test_a_bad_address_or_search_is_refused_with_a_message(client, world):
    response = client.post("/sok/bevaka/", {"email": "inte en adress", "q": "hemtjänsten"})
    assert response.status_code == 400
    assert "Skriv en giltig e-postadress" in response.content.decode()
    response = client.post("/sok/bevaka/", {"email": JOURNALIST, "q": "hemtjänsten", "year": "förra året"})
    assert response.status_code == 400 and "Ogiltigt år." in response.content.decode()
    assert not SavedSearch.objects.exists() and mail.outbox == []


def test_many_subscriptions_from_one_connection_are_slowed_down(client, world, settings, limiter_clock):
    settings.DIARIUM_SEARCH_SUBSCRIBE_LIMIT = 2
    statuses = [client.post("/sok/bevaka/", {"email": f"person{n}@example.se", "q": "hemtjänsten"},
                            REMOTE_ADDR="192.0.2.77").status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert SavedSearch.objects.count() == 2


def test_a_broken_confirmation_link_is_not_found_and_confirming_twice_is_fine(client, world):
    client.post("/sok/bevaka/", {"email": JOURNALIST, "q": "hemtjänsten"})
    confirm = link(mail.outbox[-1], "/sok/bevaka/bekrafta/")
    forged = client.get(confirm[:-4] + "xyz/")
    assert forged.status_code == 404 and "Länken är inte giltig." in forged.content.decode()
    # A link signed for unsubscribing does not confirm.
    saved = SavedSearch.objects.get()
    other = client.post(f"/sok/bevaka/bekrafta/{alerts.unsubscribe_token(saved)}/")
    assert other.status_code == 404
    assert client.post(confirm).status_code == 200 and client.post(confirm).status_code == 200
    assert "Bevakningen är redan bekräftad." in client.get(confirm).content.decode()


def test_an_expired_confirmation_link_is_gone_and_the_subscription_forgotten(client, world, monkeypatch):
    client.post("/sok/bevaka/", {"email": JOURNALIST, "q": "hemtjänsten"})
    confirm = link(mail.outbox[-1], "/sok/bevaka/bekrafta/")
    later = timezone.now() + dt.timedelta(days=alerts.CONFIRM_DAYS, minutes=1)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    response = client.post(confirm)
    assert response.status_code == 410 and "Länken är för gammal." in response.content.decode()
    assert SavedSearch.objects.get().confirmed_at is None
    monkeypatch.undo()
    alerts.alerts_run_due(now=later)
    assert not SavedSearch.objects.exists()


# --- the daily alert ------------------------------------------------------------------------
def test_a_public_subscriber_gets_only_new_public_hits_and_never_a_secret(client, world):
    subscribe(client, "hemtjänsten")
    subscribe(client, SECRET_WORD, email="granskare@example.se")
    new_document(world, "Tillsynsrapport om hemtjänsten")
    secret_document(world, f"Läkarintyg om hemtjänsten och {SECRET_WORD}")
    assert run() >= 1

    mails = alert_mails(JOURNALIST)
    assert len(mails) == 1
    body = mails[0].body
    assert "Tillsynsrapport om hemtjänsten" in body
    assert SECRET_WORD not in body and "Läkarintyg" not in body and "Ankasson" not in body
    assert "Synpunkt på hemtjänsten" not in body
    # Following the secret word itself gives nothing at all.
    assert alert_mails("granskare@example.se") == []


def test_the_registrars_alert_includes_what_the_registrar_may_read(client, world):
    alerts.saved_search_create(owner=world.registrar, name="Hemligt", params={"q": SECRET_WORD}, alerts=True)
    secret = secret_document(world, f"Läkarintyg om {SECRET_WORD}")
    run()
    [alert] = alert_mails("registrator@alingsas.se")
    assert f"Läkarintyg om {SECRET_WORD}" in alert.body
    assert f"http://testserver/handlingar/{secret.pk}/" in alert.body
    assert alert.subject == "1 ny träff för ”Hemligt”"


def test_nothing_is_mailed_twice_and_nothing_new_means_no_mail(client, world):
    saved = subscribe(client, "hemtjänsten")
    assert run(days=1) == 1 and alert_mails(JOURNALIST) == []  # nothing new yet: no mail
    first = new_document(world, "Tillsynsrapport om hemtjänsten")
    run(days=2)
    assert len(alert_mails(JOURNALIST)) == 1
    run(days=3)
    assert len(alert_mails(JOURNALIST)) == 1  # the same hit is not mailed again
    second = new_document(world, "Uppföljning av hemtjänsten")
    run(days=4)
    mails = alert_mails(JOURNALIST)
    assert len(mails) == 2
    assert "Uppföljning av hemtjänsten" in mails[1].body and "Tillsynsrapport" not in mails[1].body
    assert set(SavedSearchSeen.objects.filter(saved_search=saved, mailed=True).values_list("key", flat=True)) == {
        f"document:{first.pk}", f"document:{second.pk}"}
    # Within the same day the search is not run again.
    assert run(days=4.1) == 0


def test_a_document_registered_late_with_an_older_date_is_still_mailed(client, world):
    subscribe(client, "hemtjänsten")
    run(days=1)
    late = new_document(world, "Brev om hemtjänsten", document_date=timezone.localdate() - dt.timedelta(days=40))
    run(days=2)
    [alert] = alert_mails(JOURNALIST)
    assert f"/handlingar/{late.pk}/" in alert.body


def test_a_mail_lists_at_most_n_hits_and_links_to_the_whole_search(client, world, settings):
    settings.DIARIUM_SEARCH_ALERT_MAX_HITS = 2
    subscribe(client, "hemtjänsten")
    for n in range(3):
        new_document(world, f"Yttrande {n} om hemtjänsten")
    run()
    [alert] = alert_mails(JOURNALIST)
    assert alert.subject == "3 nya träffar för ”hemtjänsten”"
    assert alert.body.count("http://testserver/handlingar/") == 2
    assert "… och 1 träff till." in alert.body
    assert "http://testserver/sok/?q=hemtj%C3%A4nsten&sort=date" in alert.body
    run(days=2)
    assert len(alert_mails(JOURNALIST)) == 1  # the third counts as told, by the link


def test_when_the_mail_server_fails_the_hits_come_in_the_next_mail(client, world, settings):
    saved = subscribe(client, "hemtjänsten", email="trasig@example.se")
    new_document(world, "Tillsynsrapport om hemtjänsten")
    settings.EMAIL_BACKEND = FLAKY_BACKEND
    run()
    assert alert_mails("trasig@example.se") == []
    assert not SavedSearchSeen.objects.filter(saved_search=saved, mailed=True).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run(days=2)
    [alert] = alert_mails("trasig@example.se")
    assert "Tillsynsrapport om hemtjänsten" in alert.body


def test_alerts_follow_the_owners_rights_when_they_run(client, world, org):
    reader = accounts.user_create(username="lasare", password=f.PASSWORD, email="lasare@alingsas.se")
    grant = accounts.role_grant(user=reader, organisation=org, role=Role.REGISTRAR)
    alerts.saved_search_create(owner=reader, name="Hemligt", params={"q": SECRET_WORD}, alerts=True)
    grant.delete()  # rights are taken away in the admin
    secret_document(world, f"Läkarintyg om {SECRET_WORD}")
    run()
    assert alert_mails("lasare@alingsas.se") == []


# --- ending the e-mails ---------------------------------------------------------------------
def test_the_unsubscribe_link_works_without_logging_in(client, world):
    subscribe(client, "hemtjänsten")
    new_document(world, "Tillsynsrapport om hemtjänsten")
    run()
    [alert] = alert_mails(JOURNALIST)
    assert alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = link(alert, "/sok/bevaka/avsluta/")
    assert alert.extra_headers["List-Unsubscribe"] == f"<http://testserver{unsubscribe}>"

    visitor = Client(enforce_csrf_checks=True)  # a mail client's one-click POST has no CSRF token
    page = visitor.get(unsubscribe)
    assert page.status_code == 200 and JOURNALIST not in page.content.decode()
    assert SavedSearch.objects.exists()
    done = visitor.post(unsubscribe)
    assert done.status_code == 200 and "Bevakningen är avslutad" in done.content.decode()
    assert not SavedSearch.objects.exists()  # and the address with it
    again = visitor.post(unsubscribe)
    assert again.status_code == 200 and "Bevakningen är avslutad" in again.content.decode()

    new_document(world, "Uppföljning av hemtjänsten")
    run(days=2)
    assert len(alert_mails(JOURNALIST)) == 1
    assert visitor.get("/sok/bevaka/avsluta/forfalskad:token/").status_code == 404


def test_unsubscribing_from_a_saved_search_keeps_it_without_mail(client, world):
    saved = alerts.saved_search_create(owner=world.registrar, name="Hemtjänsten", params={"q": "hemtjänsten"},
                                       alerts=True)
    new_document(world, "Tillsynsrapport om hemtjänsten")
    run()
    [alert] = alert_mails("registrator@alingsas.se")
    assert f"http://testserver/sok/sparade/{saved.pk}/" in alert.body
    Client().post(link(alert, "/sok/bevaka/avsluta/"))
    saved.refresh_from_db()
    assert not saved.alerts


# --- the schedule ---------------------------------------------------------------------------
def test_the_daily_run_is_on_the_periodic_schedule(client, world):
    job = next(j for j in core_tasks.PERIODIC if j.name == "search.alerts")
    assert job.task == "diarium.search.tasks_alerts.send_search_alerts" and job.every == dt.timedelta(days=1)
    subscribe(client, "hemtjänsten")
    new_document(world, "Tillsynsrapport om hemtjänsten")
    assert "search.alerts" in core_tasks.schedule_due()  # tasks run at once in the tests
    assert len(alert_mails(JOURNALIST)) == 1
    assert "search.alerts" not in core_tasks.schedule_due()  # not again within the day


def test_service_errors_are_domain_errors_with_swedish_messages(world):
    with pytest.raises(DomainError) as exc:
        alerts.subscription_create(email="x@", params={"q": "hemtjänsten"})
    assert exc.value.errors == {"email": ["Skriv en giltig e-postadress, till exempel namn@example.se."]}
    with pytest.raises(DomainError) as exc:
        alerts.saved_search_create(owner=world.registrar, name="Ok", params={"q": "hemtjänsten", "organ": "x"})
    assert exc.value.errors == {"organ": ["Okänt organ."]}
