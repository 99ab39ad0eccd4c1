"""The officer's desk (issue 21): due dates, the start page after login, the
registrar's overdue lists and notifications by e-mail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diarium.accounts.models import Role
from diarium.core.errors import DomainError, PermissionDenied
from diarium.desk import selectors as desk
from diarium.desk import services as desk_services
from diarium.desk.models import Notification, NotificationKind, NotificationMode
from diarium.registry import services as registry
from diarium.registry.models import DueDate, Event

from . import factories as f
from .api_support import bearer, token_for

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)  # a Tuesday


@pytest.fixture
def officer(org, ks):
    """A case officer with a login and an e-mail address, and the person the cases name."""
    user = f.user(org, Role.CASE_OFFICER, username="anna")
    person = f.person(org, "Anna Handläggare", email="anna@alingsas.se", user=user)
    return user, person


@pytest.fixture
def officer_case(registrar, ks, officer):
    with f.on_day(TODAY):
        return f.case(registrar, ks, title="Digital målbild", case_officer=officer[1])


def login(client, user):
    client.force_login(user)
    return client


# --- due dates ---------------------------------------------------------------------------
def test_a_due_date_is_set_on_a_case_for_its_officer_and_lands_in_the_staff_history(officer, officer_case):
    user, person = officer
    with f.on_day(TODAY):
        due = registry.due_date_set(actor=user, case=officer_case, due_on=TODAY + dt.timedelta(days=7),
                                    reason="Yttrande från miljönämnden ska ha kommit in")
    assert due.person == person
    event = Event.objects.get(kind=Event.Kind.DUE_DATE_SET)
    assert event.actor == user and event.data["reason"].startswith("Yttrande")


def test_bad_due_dates_are_refused_all_at_once_and_nothing_is_written(officer, officer_case, org):
    user, _ = officer
    other_org = f.organisation(name="Vårgårda kommun", slug="vargarda")
    stranger = f.person(other_org, "Utomstående")
    with f.on_day(TODAY), pytest.raises(DomainError) as exc:
        registry.due_date_set(actor=user, case=officer_case, due_on=TODAY - dt.timedelta(days=1), reason="  ",
                              person=stranger)
    assert "har redan passerat" in exc.value.errors["due_on"][0]
    assert set(exc.value.errors) == {"due_on", "reason", "person"}
    assert not DueDate.objects.exists() and not Event.objects.filter(kind=Event.Kind.DUE_DATE_SET).exists()


def test_today_is_a_valid_due_date_but_a_closed_case_takes_none(officer, officer_case):
    user, _ = officer
    with f.on_day(TODAY):
        registry.due_date_set(actor=user, case=officer_case, due_on=TODAY, reason="I dag")
        registry.case_close(actor=user, case=officer_case, reason="Klart")
        with pytest.raises(DomainError, match="avslutat"):
            registry.due_date_set(actor=user, case=officer_case, due_on=TODAY, reason="Igen")


def test_a_reader_may_not_set_due_dates_and_the_public_never_sees_them(org, ks, officer, officer_case, client):
    user, _ = officer
    reader = f.user(org, Role.READER)
    with f.on_day(TODAY):
        with pytest.raises(PermissionDenied):
            registry.due_date_set(actor=reader, case=officer_case, due_on=TODAY, reason="Hemlig anledning")
        registry.due_date_set(actor=user, case=officer_case, due_on=TODAY, reason="Hemlig anledning")
        public = client.get(reverse("registry:case_detail", args=[officer_case.pk]))
        history = client.get(reverse("registry:case_history", args=[officer_case.pk]))
        api = client.get(reverse("api:case_due_dates", args=[officer_case.pk]))
    assert "Hemlig anledning" not in public.content.decode() + history.content.decode()
    assert api.status_code == 401
    assert client.get(reverse("registry:case_due_dates", args=[officer_case.pk])).status_code == 302  # to login


def test_due_dates_through_the_web_form_tell_every_error_and_mark_done(officer, officer_case, client):
    user, _ = officer
    login(client, user)
    url = reverse("registry:case_due_dates", args=[officer_case.pk])
    with f.on_day(TODAY):
        bad = client.post(url, {"due_on": "2026-03-01", "reason": ""})
        assert bad.status_code == 400
        page = bad.content.decode()
        assert "har redan passerat" in page and "Ange vad som ska bevakas" in page
        ok = client.post(url, {"due_on": "2026-03-20", "reason": "Svar från bolagen"}, follow=True)
        assert "Bevakningen till 2026-03-20 har lagts in" in ok.content.decode()
        due = DueDate.objects.get()
        case_page = client.get(reverse("registry:case_detail", args=[officer_case.pk])).content.decode()
        assert "Svar från bolagen" in case_page
        done = client.post(reverse("registry:due_date_done", args=[due.pk]), {"next": url}, follow=True)
    assert "är avslutad" in done.content.decode()
    due.refresh_from_db()
    assert due.done_at is not None and due.done_by == user
    assert Event.objects.filter(kind=Event.Kind.DUE_DATE_DONE).count() == 1


def test_due_dates_over_the_api(officer, officer_case, client):
    user, person = officer
    auth = bearer(token_for(user))
    with f.on_day(TODAY):
        refused = client.post(reverse("api:due_date_set", args=[officer_case.pk]),
                              {"due_on": "2026-01-01", "reason": ""}, content_type="application/json", **auth)
        assert refused.status_code == 400
        assert set(refused.json()["errors"]) == {"due_on", "reason"}
        made = client.post(reverse("api:due_date_set", args=[officer_case.pk]),
                           {"due_on": "2026-03-12", "reason": "Komplettering"}, content_type="application/json",
                           **auth)
        assert made.status_code == 201 and made.json()["person_id"] == person.pk
        mine = client.get(reverse("api:due_date_list") + "?mine=true", **auth).json()
        assert mine["count"] == 1 and mine["items"][0]["reason"] == "Komplettering"
        done = client.post(reverse("api:due_date_done", args=[made.json()["id"]]), **auth)
        assert done.status_code == 200 and done.json()["done_at"]
        again = client.post(reverse("api:due_date_done", args=[made.json()["id"]]), **auth)
    assert again.status_code == 400 and "redan avslutad" in again.json()["detail"]


# --- the start page ----------------------------------------------------------------------
def test_staff_land_on_their_desk_after_login(officer, client):
    user, _ = officer
    response = client.post(reverse("accounts:login"), {"username": "anna", "password": f.PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("desk:start")


def test_the_desk_lists_my_cases_due_dates_and_new_documents_with_counts(officer, officer_case, registrar, ks,
                                                                         client):
    user, person = officer
    with f.on_day(TODAY):
        f.case(registrar, ks, title="Någon annans ärende")
        registry.due_date_set(actor=user, case=officer_case, due_on=TODAY + dt.timedelta(days=2),
                              reason="Påminn bolagen")
        f.document(registrar, officer_case, description="Yttrande från Alingsåshem", document_date=TODAY)
        f.document(user, officer_case, description="Mitt eget utkast", direction="drawn_up", counterpart="",
                   document_date=TODAY)
    with f.on_day(TODAY + dt.timedelta(days=3)):
        page = login(client, user).get(reverse("desk:start")).content.decode()
        view = desk.desk(user=user)
    assert "Digital målbild" in page and "Någon annans ärende" not in page
    assert "Påminn bolagen" in page and "1 försenad" in page
    assert "Yttrande från Alingsåshem" in page and "Mitt eget utkast" not in page
    assert (view.cases.count, view.due_dates.count, view.overdue, view.documents.count) == (1, 1, 1, 1)


def test_the_desk_shows_a_secret_documents_description_only_to_those_who_may_read_it(org, ks, registrar, client):
    reader = f.user(org, Role.READER, username="lasare")
    person = f.person(org, "Läsande Handläggare", user=reader)
    with f.on_day(TODAY):
        case = f.case(registrar, ks, title="Personalärende", case_officer=person)
        doc = f.document(registrar, case, description="Läkarintyg för NN", document_date=TODAY)
        registry.document_mark_secret(actor=registrar, document=doc, ground="OSL 39 kap. 2 §",
                                      masked_fields=["description"])
        page = login(client, reader).get(reverse("desk:start")).content.decode()
    assert "Läkarintyg" not in page and "Sekretessmarkerad uppgift" in page


def test_the_desk_is_served_in_few_queries_however_full_it_is(officer, registrar, ks, client):
    user, person = officer
    with f.on_day(TODAY):
        for i in range(15):
            c = f.case(registrar, ks, title=f"Ärende {i}", case_officer=person)
            registry.due_date_set(actor=user, case=c, due_on=TODAY + dt.timedelta(days=i), reason=f"Bevakning {i}")
            f.document(registrar, c, description=f"Handling {i}", document_date=TODAY)
        login(client, user)
        client.get(reverse("desk:start"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("desk:start"))
    assert response.status_code == 200
    assert len(queries) <= 12, [q["sql"] for q in queries]
    assert "Visa alla 15 ärenden" in response.content.decode()


def test_a_member_without_a_role_and_nothing_on_the_desk_goes_on_to_their_meetings(org, client):
    member = f.user(username="ledamot")
    f.person(org, "Ledamot Lind", user=member)
    response = login(client, member).get(reverse("desk:start"))
    assert response.status_code == 302 and response["Location"] == reverse("decisions:my_meetings")


# --- the registrar's overdue lists ---------------------------------------------------------
def test_the_registrar_sees_overdue_due_dates_per_organ_and_officer(org, ks, registrar, officer, client):
    user, person = officer
    bun = f.organ(org, code="BUN", name="Barn- och ungdomsnämnden", kind="board")
    with f.on_day(TODAY):
        a = f.case(registrar, ks, case_officer=person)
        b = f.case(registrar, bun, case_officer=person)
        registry.due_date_set(actor=registrar, case=a, due_on=TODAY, reason="Försenad i KS")
        registry.due_date_set(actor=registrar, case=b, due_on=TODAY, reason="Försenad i BUN")
        registry.due_date_set(actor=registrar, case=b, due_on=TODAY + dt.timedelta(days=30), reason="Inte än")
    with f.on_day(TODAY + dt.timedelta(days=1)):
        view = desk.overdue(user=registrar, organisation_id=org.pk)
        page = login(client, registrar).get(reverse("desk:overdue")).content.decode()
        assert login(client, user).get(reverse("desk:overdue")).status_code == 403
    assert view.count == 2
    assert sorted((g.label, g.count) for g in view.by_organ) == [
        ("Barn- och ungdomsnämnden (BUN)", 1), ("Kommunstyrelsen (KS)", 1)]
    assert [(g.label, g.count) for g in view.by_person] == [("Anna Handläggare", 2)]
    assert "Försenad i BUN" in page and "Inte än" not in page


# --- notifications -----------------------------------------------------------------------
def test_the_officer_is_mailed_when_someone_registers_a_document_on_their_case(
        officer, officer_case, registrar, django_capture_on_commit_callbacks):
    with f.on_day(TODAY), django_capture_on_commit_callbacks(execute=True):
        f.document(registrar, officer_case, description="Yttrande från Alingsås Energi", document_date=TODAY)
    sent = [m for m in mail.outbox if "anna@alingsas.se" in m.to]
    assert len(sent) == 1
    assert "Yttrande från Alingsås Energi" in sent[0].body and officer_case.diary_number in sent[0].body
    assert Notification.objects.get().sent_at is not None


def test_no_one_is_told_of_what_they_did_themselves_and_off_means_off(
        officer, officer_case, registrar, django_capture_on_commit_callbacks):
    user, _ = officer
    desk_services.notification_settings_save(user=user, modes={NotificationKind.DECISION: NotificationMode.OFF})
    with f.on_day(TODAY), django_capture_on_commit_callbacks(execute=True):
        f.document(user, officer_case, description="Eget", document_date=TODAY)
    assert not Notification.objects.exists() and not mail.outbox


def test_a_remiss_answer_is_one_notification_not_two(officer, org, registrar, ks,
                                                     django_capture_on_commit_callbacks):
    from diarium.remiss import services as remiss

    user, person = officer
    with f.on_day(TODAY):
        round_, organs = f.remiss_setup(registrar, org, ks, boards=1)
        round_.case.case_officer = person
        round_.case.save(update_fields=["case_officer"])
        remiss.remiss_send(actor=registrar, round=round_)
        recipient = round_.recipients.get()
        with django_capture_on_commit_callbacks(execute=True):
            remiss.remiss_answer_inside(actor=registrar, recipient=recipient, text="Vi tillstyrker förslaget.")
        page_desk = desk.desk(user=user)
    answers = [m for m in mail.outbox if "anna@alingsas.se" in m.to and "Remissvar:" in m.body]
    assert len(answers) == 1 and "Remissvar kom in" in answers[0].body
    recipient.refresh_from_db()
    about_answer = Notification.objects.filter(event__document=recipient.answer_document)
    assert list(about_answer.values_list("kind", flat=True)) == [NotificationKind.ANSWER]
    assert page_desk.answers.count == 1 and page_desk.answers.rows[0].name == "Nämnd 1"


def test_a_daily_digest_gathers_the_days_notifications_into_one_mail_sent_once(
        officer, officer_case, registrar, django_capture_on_commit_callbacks):
    user, _ = officer
    desk_services.notification_settings_save(user=user, modes={NotificationKind.DOCUMENT: NotificationMode.DIGEST})
    with f.on_day(TODAY), django_capture_on_commit_callbacks(execute=True):
        f.document(registrar, officer_case, description="Första", document_date=TODAY)
        f.document(registrar, officer_case, description="Andra", document_date=TODAY)
    assert not mail.outbox
    with f.on_day(TODAY + dt.timedelta(days=1), hour=5):
        assert desk_services.notifications_flush() == 0  # before the digest hour
    with f.on_day(TODAY + dt.timedelta(days=1), hour=8):
        assert desk_services.notifications_flush() == 2
        assert desk_services.notifications_flush() == 0
    assert len(mail.outbox) == 1
    assert "Första" in mail.outbox[0].body and "Andra" in mail.outbox[0].body


def test_a_mail_server_that_fails_loses_nothing_and_the_next_round_sends_it_once(
        officer, officer_case, registrar, settings, django_capture_on_commit_callbacks):
    from .mail_support import FLAKY_BACKEND

    person = officer[1]
    person.email = "trasig@alingsas.se"  # the flaky mail server refuses it
    person.save(update_fields=["email"])
    settings.EMAIL_BACKEND = FLAKY_BACKEND
    with f.on_day(TODAY), django_capture_on_commit_callbacks(execute=True):
        f.document(registrar, officer_case, description="Viktig handling", document_date=TODAY)
    assert Notification.objects.get().sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with f.on_day(TODAY, hour=13):
        assert desk_services.notifications_flush() == 1
        assert desk_services.notifications_flush() == 0
    assert len(mail.outbox) == 1 and "Viktig handling" in mail.outbox[0].body


def test_a_due_date_near_is_reminded_once(officer, officer_case, django_capture_on_commit_callbacks):
    user, _ = officer
    with f.on_day(TODAY):
        registry.due_date_set(actor=user, case=officer_case, due_on=TODAY + dt.timedelta(days=10), reason="Långt bort")
        registry.due_date_set(actor=user, case=officer_case, due_on=TODAY + dt.timedelta(days=2), reason="Snart")
    with f.on_day(TODAY + dt.timedelta(days=1)), django_capture_on_commit_callbacks(execute=True):
        assert desk_services.due_dates_remind() == 1
        assert desk_services.due_dates_remind() == 0
    reminders = [m for m in mail.outbox if "Snart" in m.body]
    assert len(reminders) == 1 and "Långt bort" not in reminders[0].body


def test_notification_settings_page_saves_each_choice(officer, client):
    user, _ = officer
    login(client, user)
    url = reverse("desk:notification_settings")
    data = {kind: NotificationMode.IMMEDIATE for kind in NotificationKind.values}
    data[NotificationKind.DOCUMENT] = NotificationMode.DIGEST
    assert client.post(url, data).status_code == 302
    assert desk.notification_modes(user=user)[NotificationKind.DOCUMENT] == NotificationMode.DIGEST
    bad = client.post(url, {**data, NotificationKind.ANSWER: "ibland"})
    assert bad.status_code == 400
    assert desk.notification_modes(user=user)[NotificationKind.DOCUMENT] == NotificationMode.DIGEST
    assert "anna@alingsas.se" in client.get(url).content.decode()


def test_a_notification_mail_shows_a_secret_documents_description_only_to_those_who_may_read_it(
        org, ks, registrar, django_capture_on_commit_callbacks):
    reader = f.user(org, Role.READER, username="lasare")
    person = f.person(org, "Läsande Handläggare", email="lasare@alingsas.se", user=reader)
    with f.on_day(TODAY):
        case = f.case(registrar, ks, title="Personalärende", case_officer=person)
        with django_capture_on_commit_callbacks(execute=True):
            doc = f.document(registrar, case, description="Läkarintyg för NN", document_date=TODAY)
            registry.document_mark_secret(actor=registrar, document=doc, ground="OSL 39 kap. 2 §",
                                          masked_fields=["description"])
    (message,) = mail.outbox
    assert message.to == ["lasare@alingsas.se"]
    assert "Läkarintyg" not in message.body and "Sekretessmarkerad uppgift" in message.body


def test_the_desk_counts_every_overdue_due_date_not_only_those_shown(officer, officer_case):
    user, _ = officer
    with f.on_day(TODAY):
        for i in range(14):  # twelve due today or tomorrow, two in five days
            registry.due_date_set(actor=user, case=officer_case, due_on=TODAY + dt.timedelta(days=i % 2 if i < 12 else 5),
                                  reason=f"Bevakning {i}")
    with f.on_day(TODAY + dt.timedelta(days=2)):
        view = desk.desk(user=user)
    assert (len(view.due_dates.rows), view.due_dates.count, view.overdue) == (desk.SHOWN, 14, 12)


def test_the_officer_given_a_request_for_a_public_document_is_told(
        officer, officer_case, registrar, django_capture_on_commit_callbacks):
    from diarium.registry import selectors as registry_selectors

    user, person = officer
    with f.on_day(TODAY):
        document = f.document(registrar, officer_case, description="Ansökan om bygglov", document_date=TODAY)
        event = registry.copy_request_record(document=document, format="email", contact="journalist@example.se")
        request = registry_selectors.copy_request_for_write(pk=event.data["copy_request"])
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            registry.copy_request_assign(actor=registrar, request=request, person=person)
    (message,) = [m for m in mail.outbox if m.to == ["anna@alingsas.se"]]
    assert "Begäran om allmän handling fördelades" in message.body
    assert Notification.objects.get(kind=NotificationKind.COPY_REQUEST).user == user
