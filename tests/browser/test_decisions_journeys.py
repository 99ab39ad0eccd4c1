"""Meeting and decision journeys in the browser, each page scanned by axe-core:
the board secretary builds an agenda and publishes the notice, records a
conditional decision with a reservation and recipients, has the minutes
adjusted (after which the decision cannot be edited), and dispatches it, where
a recipient whose mail fails stays unsent and can be retried."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from diarium.accounts.models import Organ
from diarium.decisions import services as decisions
from diarium.decisions.models import AgendaItem, Decision, DecisionRecipient, Meeting
from diarium.registry import services as registry
from tests import factories as f
from tests.mail_support import FLAKY_BACKEND
from tests.test_web_decisions import PLAN_TEXT, SECRET_DESCRIPTION

from .conftest import axe_scan, follow, screenshot
from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def status_text(page) -> str:
    return page.locator("[role=status]").inner_text()


@pytest.fixture
def alingsas():
    """Alingsås with KS and KF, the KS seats (chair, two members, a substitute),
    a registrar who runs the meetings, and the case with its documents."""
    org = f.organisation()
    ks = f.organ(org)
    kf = f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL, email="kf@alingsas.se")
    registrar = f.user(org, "registrar", username="registrator")
    chair = f.person(org, "Daniel Filipsson", email="daniel.filipsson@alingsas.se")
    adjuster = f.person(org, "Simon Waern", email="simon.waern@alingsas.se")
    member = f.person(org, "Anna Ek", email="anna.ek@alingsas.se")
    substitute = f.person(org, "Bo Berg")
    for person, role in ((chair, "chair"), (adjuster, "member"), (member, "member"), (substitute, "substitute")):
        decisions.membership_add(actor=registrar, organ=ks, person=person, role=role, start=dt.date(2018, 1, 1))
    case = f.case(registrar, ks, title="Digital målbild för Alingsås kommun – öppen och smart")
    plan = f.document(registrar, case, direction="drawn_up", counterpart="", description="Förslag till handlingsplan",
                      files=[f.text_file("handlingsplan.txt", "Handlingsplan\n")])
    secret = f.document(registrar, case, counterpart="Säkerhetskonsult AB", description=SECRET_DESCRIPTION,
                        files=[f.text_file("analys.txt", "Hemligt\n")])
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 18 kap. 8 §",
                                  masked_fields=["description"])
    report = decisions.officer_report_create(
        actor=registrar, case=case, title="Digital målbild och handlingsplan", addressed_to=ks,
        background="Kommunfullmäktige antog den 25 november 2015, § 180 e-strategi för Alingsås kommun.",
        proposals=[decisions.ProposalInput(organ=ks, text=PLAN_TEXT, condition_organ=kf,
                                           condition_text="att KF antar Digital målbild"),
                   decisions.ProposalInput(organ=kf, text="Digital målbild för Alingsås kommun antas.")],
        dispatch_to=["Kommunfullmäktige", "FABS AB"], report_date=dt.date(2018, 8, 23),
    )
    return {"org": org, "ks": ks, "kf": kf, "registrar": registrar, "chair": chair, "adjuster": adjuster,
            "case": case, "plan": plan, "secret": secret, "report": report}


def _meeting_with_item(a, date=dt.date(2018, 9, 24)):
    meeting = decisions.meeting_create(actor=a["registrar"], organ=a["ks"], date=date, start_time=dt.time(13),
                                       place="KS-salen", adjusters=[a["adjuster"]])
    proposal = a["report"].proposals.get(organ=a["ks"])
    decisions.proposal_to_agenda(actor=a["registrar"], proposal=proposal, meeting=meeting)
    return meeting


def _adjusted_decision(a, recipients):
    meeting = _meeting_with_item(a)
    decisions.meeting_open(actor=a["registrar"], meeting=meeting)
    item = meeting.items.get()
    decision = decisions.decision_record(actor=a["registrar"], meeting=meeting, agenda_item=item,
                                         title="Handlingsplan för digital målbild", text=PLAN_TEXT,
                                         recipients=recipients)
    with f.on_day(dt.date(2018, 9, 27)):  # adjusted and posted three days after the meeting
        f.adjust(a["registrar"], meeting, posted_on=dt.date(2018, 9, 27))
    return decision


def test_the_secretary_builds_an_agenda_and_publishes_the_notice(page, alingsas):
    a = alingsas
    case, plan, secret = a["case"], a["plan"], a["secret"]
    day = dt.date.today() + dt.timedelta(days=14)  # a meeting to come: the notice is e-mailed
    log_in(page)

    # Plan the meeting from the list in the main menu.
    follow(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Sammanträden", exact=True))
    assert page.title().startswith("Sammanträden")
    axe_scan(page)
    follow(page.get_by_role("link", name="Nytt sammanträde"))
    assert page.title().startswith("Nytt sammanträde")
    axe_scan(page)
    # Without date and adjuster: the errors are announced and tied to their fields.
    page.select_option("#id_organ", label="Kommunstyrelsen (KS)")
    follow(page.get_by_role("button", name="Planera sammanträdet"))
    summary = page.locator("[role=alert]").inner_text()
    assert "Ange datum för sammanträdet (ÅÅÅÅ-MM-DD)." in summary and "Välj minst en justerare." in summary
    assert page.locator("#id_date").get_attribute("aria-invalid") == "true"
    axe_scan(page)
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start_time", "13:00")
    page.fill("#id_place", "KS-salen")
    page.get_by_label("Simon Waern", exact=True).check()
    follow(page.get_by_role("button", name="Planera sammanträdet"))
    meeting = Meeting.objects.get()
    assert page.title().startswith(f"Sammanträde: Kommunstyrelsen {day.isoformat()}")
    assert "Sammanträdet är planerat." in status_text(page)
    meta = page.locator(".meta-list").inner_text()
    assert "Daniel Filipsson" in meta and "Simon Waern" in meta and "KS-salen" in meta
    members = page.get_by_role("table", name=re.compile("^Ledamöter och ersättare"))
    assert members.locator("tbody tr").count() == 4
    axe_scan(page)

    # Item 1: the case by diary number, with the documents chosen on the same page.
    follow(page.get_by_role("link", name="Lägg till punkt"))
    assert page.title().startswith("Lägg till punkt")
    axe_scan(page)
    page.fill("#id_diary_number", case.diary_number)
    follow(page.get_by_role("button", name="Visa ärendets handlingar"))
    plan_box = page.get_by_label(f"{case.diary_number}-{plan.number} Förslag till handlingsplan")
    secret_box = page.get_by_label(f"{case.diary_number}-{secret.number} {SECRET_DESCRIPTION}")
    assert page.locator("#id_diary_number").input_value() == case.diary_number
    axe_scan(page)
    plan_box.check()
    secret_box.check()
    page.fill("#id_title", "Digital målbild – information")
    follow(page.get_by_role("button", name="Lägg till punkt"))
    # The secret one goes out with the notice only after a secrecy review, with a reason.
    warning = page.locator(".secrecy-review[role=alert]")
    expect(warning).to_contain_text("Sekretessprövning krävs")
    expect(warning).to_contain_text(f"{case.diary_number}-{secret.number}: Handlingen är sekretessmarkerad")
    axe_scan(page)
    page.get_by_label("Skäl för att lämna ut (sekretessprövning)").fill("Visas bara för ledamöterna.")
    follow(page.get_by_role("button", name="Lägg till punkt"))
    assert "Punkt 1, Digital målbild – information, är tillagd." in status_text(page)

    # Item 2: the office's proposal to KS, put on the meeting from the case page.
    page.goto(f"/arenden/{case.pk}/")
    chain = page.locator("#beslutsgang ~ ol.chain").inner_text()
    assert "På föredragningslistan, punkt 1" in chain and "Förslag till Kommunfullmäktige" in chain
    axe_scan(page)
    screenshot(page, "decisions-case-section")
    follow(page.get_by_role("link", name="Sätt upp på sammanträde (förslag till Kommunstyrelsen)"))
    assert page.title().startswith("Sätt upp förslag till KS på sammanträde")
    expect(page.get_by_label(f"KS {day.isoformat()} kl. 13:00, KS-salen")).to_be_checked()
    expect(page.get_by_label("Tjänsteskrivelse: Digital målbild och handlingsplan")).to_be_checked()
    axe_scan(page)
    follow(page.get_by_role("button", name="Sätt upp på sammanträdet"))
    assert "Förslaget är punkt 2 på föredragningslistan" in status_text(page)
    agenda = page.get_by_role("table", name=re.compile("^Föredragningslista för KS"))
    assert agenda.locator("tbody tr").count() == 2

    # Move the proposal first.
    follow(agenda.get_by_role("button", name="Flytta upp punkt 2, Digital målbild och handlingsplan"))
    assert "Digital målbild och handlingsplan är nu punkt 1." in status_text(page)
    rows = page.get_by_role("table", name=re.compile("^Föredragningslista")).locator("tbody tr")
    assert "Digital målbild och handlingsplan" in rows.nth(0).inner_text()
    assert "Digital målbild – information" in rows.nth(1).inner_text()
    assert list(AgendaItem.objects.order_by("position").values_list("title", flat=True)) == [
        "Digital målbild och handlingsplan", "Digital målbild – information"]
    axe_scan(page)
    screenshot(page, "decisions-agenda")

    # Publish the notice: the members with an address get it.
    follow(page.get_by_role("group", name="Åtgärder för sammanträdet").get_by_role("button", name="Skicka kallelse"))
    assert "Kallelsen är utskickad till 3 ledamöter och ersättare." in status_text(page)
    assert sorted(m.to[0] for m in mail.outbox) == ["anna.ek@alingsas.se", "daniel.filipsson@alingsas.se",
                                                    "simon.waern@alingsas.se"]
    assert "Digital målbild och handlingsplan" in mail.outbox[0].body
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.NOTICE_PUBLISHED
    assert page.get_by_role("button", name="Skicka kallelse").count() == 0
    # The meeting's own history, for the secretary: planned, the agenda, the notice.
    history = page.get_by_role("table", name=f"Händelser för sammanträdet KS {day.isoformat()}")
    expect(history).to_contain_text("Sammanträdet planerades")
    expect(history).to_contain_text("Kallelsen till sammanträdet skickades ut")
    axe_scan(page)

    # The public sees the agenda and the public documents; never the secret one, nor the history.
    follow(page.get_by_role("button", name="Logga ut"))
    page.goto(f"/sammantraden/{meeting.pk}/")
    assert page.get_by_role("heading", name="Händelser").count() == 0
    content = page.locator("main").inner_text()
    assert "Digital målbild och handlingsplan" in content and "Förslag till handlingsplan" in content
    assert SECRET_DESCRIPTION not in page.content() and f"{case.diary_number}-{secret.number}" not in content
    assert page.get_by_role("button", name=re.compile("Flytta")).count() == 0
    axe_scan(page)
    screenshot(page, "decisions-agenda-public")


def test_the_secretary_records_a_conditional_decision(page, alingsas):
    a = alingsas
    meeting = _meeting_with_item(a)
    item = meeting.items.get()
    log_in(page)
    page.goto(f"/sammantraden/{meeting.pk}/")
    follow(page.get_by_role("button", name="Öppna sammanträdet"))
    assert "Sammanträdet är öppnat." in status_text(page)
    assert page.locator(".meta-list").get_by_text("Pågår").count() == 1
    axe_scan(page)

    # Record from the agenda item: the form starts from the office's proposal.
    follow(page.get_by_role("link", name=f"Protokollför beslut för punkt 1, {item.title}"))
    assert page.title().startswith("Protokollför beslut: KS 2018-09-24")
    assert page.locator("#id_text").input_value() == PLAN_TEXT
    expect(page.locator("#id_condition_organ")).to_have_value(str(a["kf"].pk))
    expect(page.get_by_label("Kommunfullmäktige – kf@alingsas.se")).to_be_checked()
    assert page.locator("#id_recipient_other").input_value() == "FABS AB"
    axe_scan(page)
    screenshot(page, "decisions-record-form")

    # An empty decision text and a bad recipient line are refused, next to their fields.
    page.fill("#id_text", "")
    page.fill("#id_recipient_other", "FABS AB; inte-en-adress")
    follow(page.get_by_role("button", name="Protokollför beslutet"))
    summary = page.locator("[role=alert]").inner_text()
    assert "Rad 1: inte-en-adress är inte en giltig e-postadress." in summary
    assert page.locator("#id_recipient_other").get_attribute("aria-invalid") == "true"
    assert not Decision.objects.exists()
    axe_scan(page)

    page.fill("#id_text", PLAN_TEXT + "\n\nBeslutet fattas med stöd av KF 2017-12-13 § 251.")
    reservation = page.get_by_role("group", name="Anteckning 1")
    reservation.get_by_label("Slag").select_option(label="Reservation")
    reservation.get_by_label("Text").fill("Anna Ek (M) reserverar sig mot beslutet.")
    motion = page.get_by_role("group", name="Anteckning 2")
    motion.get_by_label("Slag").select_option(label="Yrkande")
    motion.get_by_label("Text").fill("Anna Ek (M) yrkar avslag.")
    page.fill("#id_recipient_other", "FABS AB; info@fabs.se\nAlingsåshem AB")
    follow(page.get_by_role("button", name="Protokollför beslutet"))

    # The decision: § 1, pending until KF decides, with its notes and recipients.
    assert page.title().startswith("Beslut KS 2018-09-24 § 1: Digital målbild och handlingsplan")
    assert "Beslutet är protokollfört som KS 2018-09-24 § 1." in status_text(page)
    assert page.locator(".meta-list .tag").inner_text() == "Villkorat, väntar"
    explanation = page.locator("#status").inner_text()
    assert "det gäller först när Kommunfullmäktige har fattat beslut i ärendet" in explanation
    notes = page.locator("dl.notes").inner_text()
    assert "Reservation" in notes and "Anna Ek (M) reserverar sig mot beslutet." in notes
    recipients = page.get_by_role("table", name="Mottagare av KS 2018-09-24 § 1")
    assert recipients.locator("tbody tr").count() == 3
    assert recipients.get_by_text("Ej expedierad").count() == 3
    assert "Beslutet expedieras när protokollet är justerat." in page.locator("main").inner_text()
    decision = Decision.objects.get()
    assert decision.status == Decision.Status.PENDING and decision.condition_organ == a["kf"]
    axe_scan(page)
    screenshot(page, "decisions-conditional-decision")

    # Back on the meeting page: the decision is listed with its paragraph and status.
    follow(page.get_by_role("link", name="Sammanträde: Kommunstyrelsen 2018-09-24"))
    table = page.get_by_role("table", name="Beslut vid KS 2018-09-24")
    assert "§ 1" in table.inner_text() and "Villkorat, väntar" in table.inner_text()
    axe_scan(page)


def test_the_minutes_are_adjusted_and_the_decision_can_no_longer_be_edited(page, alingsas):
    a = alingsas
    meeting = _meeting_with_item(a)
    decisions.meeting_open(actor=a["registrar"], meeting=meeting)
    decision = decisions.decision_record(actor=a["registrar"], meeting=meeting, agenda_item=meeting.items.get(),
                                         title="Handlingsplan för digital målbild", text="Handlingsplanen godkänns.")
    log_in(page)
    page.goto(f"/sammantraden/{meeting.pk}/")
    follow(page.get_by_role("button", name="Avsluta sammanträdet"))
    assert "Sammanträdet är avslutat. Protokollet kan nu justeras." in status_text(page)
    axe_scan(page)

    follow(page.get_by_role("link", name="Justera protokollet"))
    assert page.title().startswith("Protokoll: Kommunstyrelsen 2018-09-24")
    assert "Utkast: protokollet är inte justerat." in page.locator("main").inner_text()
    assert "Handlingsplanen godkänns." in page.locator("section.paragraph").inner_text()
    axe_scan(page)
    follow(page.get_by_role("button", name="Registrera godkännande på papper från Daniel Filipsson"))
    assert "Godkännandet från Daniel Filipsson är registrerat." in status_text(page)
    # Posted on the notice board tomorrow (never before the adjustment, which is today).
    posted, ends = dt.date.today() + dt.timedelta(days=1), dt.date.today() + dt.timedelta(days=22)
    page.fill("#id_posted_on", posted.isoformat())
    follow(page.get_by_role("button", name="Registrera godkännande på papper från Simon Waern"))
    assert (f"Protokollet är justerat. Det anslås {posted.isoformat()}; överklagandetiden går ut "
            f"{ends.isoformat()}.") in status_text(page)
    adjustment = page.locator("dl.adjustment").inner_text()
    for label, day in (("Anslaget på anslagstavlan", posted.isoformat()), ("Anslaget tas ned", ends.isoformat()),
                       ("Överklagandetiden går ut", ends.isoformat())):
        assert label in adjustment and day in adjustment
    signed = page.get_by_role("table", name="Godkännanden av protokollet").inner_text()
    assert "Daniel Filipsson" in signed and "Justerare" in signed
    assert page.get_by_role("button", name=re.compile("Registrera godkännande")).count() == 0
    axe_scan(page)
    screenshot(page, "decisions-minutes-adjusted")

    # The decision is final: no edit button, and the edit page refuses clearly.
    follow(page.get_by_role("link", name=re.compile("§ 1 Handlingsplan för digital målbild")))
    assert page.get_by_role("link", name="Ändra beslutet").count() == 0
    assert "Justerat" in page.locator(".meta-list").inner_text()
    axe_scan(page)
    page.goto(f"/beslut/{decision.pk}/andra/")
    alert = page.locator("[role=alert]").inner_text()
    assert "Protokollet är justerat. Beslutet kan inte ändras, bara rättas med en protokollförd rättelse." in alert
    assert page.locator("#id_text").count() == 0
    axe_scan(page)
    screenshot(page, "decisions-edit-refused")

    # A correction is recorded beside the decision instead.
    follow(page.get_by_role("link", name="Protokollför en rättelse i stället"))
    correction = page.get_by_role("group", name="Protokollför en rättelse")
    correction.get_by_label("Rättelse").fill("Handlingsplanen godkänns i sin reviderade lydelse.")
    correction.get_by_label("Skäl").fill("Skrivfel")
    follow(page.get_by_role("button", name="Protokollför rättelsen"))
    assert "Rättelsen av KS 2018-09-24 § 1 är protokollförd." in status_text(page)
    assert "Handlingsplanen godkänns i sin reviderade lydelse." in page.locator(".correction").inner_text()
    decision.refresh_from_db()
    assert decision.text == "Handlingsplanen godkänns."
    axe_scan(page)

    # The public reads the adjusted minutes.
    follow(page.get_by_role("button", name="Logga ut"))
    page.goto(f"/sammantraden/{meeting.pk}/protokoll/")
    assert "Handlingsplanen godkänns." in page.locator("main").inner_text()
    assert ends.isoformat() in page.locator("dl.adjustment").inner_text()
    axe_scan(page)


def test_the_secretary_dispatches_and_retries_what_failed(page, alingsas, settings):
    a = alingsas
    decision = _adjusted_decision(a, recipients=[
        decisions.RecipientInput(organ=a["kf"]),
        decisions.RecipientInput(name="FABS AB", email="info@fabs.se"),
        decisions.RecipientInput(name="Alingsåshem AB", email="trasig@alingsashem.se"),
        decisions.RecipientInput(name="Alingsås Energi AB"),
    ])
    mail.outbox.clear()
    settings.EMAIL_BACKEND = FLAKY_BACKEND
    log_in(page)
    page.goto(f"/beslut/{decision.pk}/")
    assert page.get_by_role("table", name=re.compile("^Mottagare av")).get_by_text("Ej expedierad").count() == 4
    axe_scan(page)

    follow(page.get_by_role("button", name="Expediera beslutet"))
    case = a["case"]
    assert f"registrerat som {case.diary_number}-" in status_text(page)
    assert "och expedieras till 4 mottagare" in status_text(page)
    assert sorted(m.to[0] for m in mail.outbox) == ["info@fabs.se", "kf@alingsas.se"]
    assert all(m.attachments and m.attachments[0][0] == "protokollsutdrag.pdf" for m in mail.outbox)
    table = page.get_by_role("table", name=re.compile("^Mottagare av"))

    def state(name):
        row = table.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=re.compile(name)))
        return row.locator(".tag").inner_text()

    assert state("Kommunfullmäktige") == "Expedierad" and state("FABS AB") == "Expedierad"
    assert state("Alingsås Energi AB") == "Expedierad"  # no address: dispatched by hand
    assert state("Alingsåshem AB") == "Kunde inte skickas"
    assert "Mailservern svarar inte" in table.inner_text()
    assert "1 utskick kunde inte skickas." in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Expediera beslutet").count() == 0
    axe_scan(page)
    screenshot(page, "decisions-dispatch-failed")

    # The excerpt is an outgoing document on the case.
    excerpt_link = table.get_by_role("link", name="Visa protokollsutdraget till FABS AB")
    follow(excerpt_link)
    assert "Protokollsutdrag KS 2018-09-24 § 1" in page.locator("main").inner_text()
    axe_scan(page)
    page.go_back()

    # The mail server is back: retry sends the one that failed.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    page.goto(f"/beslut/{decision.pk}/")
    follow(page.get_by_role("button", name="Försök skicka igen"))
    assert "1 utskick har lagts i kö igen." in status_text(page)
    assert [m.to[0] for m in mail.outbox] == ["trasig@alingsashem.se"]
    assert state("Alingsåshem AB") == "Expedierad"
    assert not decision.recipients.exclude(state=DecisionRecipient.State.SENT).exists()
    assert page.get_by_role("button", name="Försök skicka igen").count() == 0
    axe_scan(page)
    screenshot(page, "decisions-dispatched")


def test_the_secretary_reads_in_the_members_for_a_new_term_and_the_public_sees_them(page, alingsas):
    """Issue 19: members and substitutes managed in the web, a list read in
    from a spreadsheet with its errors by line, at laptop and phone widths."""
    a = alingsas
    log_in(page)
    page.goto(f"/organ/{a['ks'].pk}/ledamoter/")
    assert page.title().startswith("Ledamöter och ersättare: Kommunstyrelsen")
    expect(page.get_by_role("table", name="Ersättare")).to_contain_text("Bo Berg")
    axe_scan(page)
    # A list with a bad line: nothing is added, the line's problem is tied to the field.
    page.fill("#id_csv", "namn;uppdrag;parti;från;till;turordning\n"
                         "Olle Lind;ersättare;S;2027-01-01;2030-12-31;1\nEva Lund;kassör;M;2027-01-01;;\n")
    follow(page.get_by_role("button", name="Läs in listan"))
    summary = page.locator("[role=alert]").inner_text()
    assert "Rad 3: uppdraget ”kassör” är inte ordförande, vice ordförande, ledamot eller ersättare." in summary
    assert page.locator("#id_csv").get_attribute("aria-invalid") == "true"
    axe_scan(page)
    page.fill("#id_csv", "namn;uppdrag;parti;från;till;turordning\n"
                         "Olle Lind;ersättare;S;2027-01-01;2030-12-31;1\nEva Lund;ledamot;M;2027-01-01;;\n")
    follow(page.get_by_role("button", name="Läs in listan"))
    assert "2 ledamotskap är inlästa; 2 personer är nya i registret." in page.locator("[role=status]").inner_text()
    substitutes = page.get_by_role("table", name="Ersättare")
    expect(substitutes).to_contain_text("Olle Lind")
    expect(page.get_by_role("table", name="Ledamot")).to_contain_text("Eva Lund")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        axe_scan(page)
    screenshot(page, "decisions-organ-members")


def test_the_meeting_votes_on_an_item_and_the_loser_reserves(page, alingsas):
    """Motions, the chair's proposition, the roll call and the count on the
    item's page; the decision follows the motion that won; the member who lost
    reserves. Phone and laptop widths, axe on each state."""
    a = alingsas
    meeting = _meeting_with_item(a, date=dt.date.today())
    decisions.meeting_open(actor=a["registrar"], meeting=meeting)
    item = meeting.items.get()
    log_in(page)
    page.goto(f"/sammantraden/{meeting.pk}/")
    follow(page.get_by_role("link", name=f"Yrkanden och omröstning för punkt 1, {item.title}"))
    axe_scan(page)
    # The first motion starts as the item's proposal.
    follow(page.get_by_role("button", name="Anteckna yrkandet"))
    assert "Yrkandet är antecknat." in status_text(page)
    page.get_by_label("Yrkande av").select_option(label="Anna Ek")
    page.get_by_label("Yrkande", exact=True).fill("Ärendet återremitteras för en kostnadsberäkning.")
    follow(page.get_by_role("button", name="Anteckna yrkandet"))
    follow(page.get_by_role("button", name="Ställ yrkandena mot varandra"))
    assert "Omröstningen är öppnad." in status_text(page)
    axe_scan(page)
    page.set_viewport_size({"width": 390, "height": 844})
    for name, choice in (("Daniel Filipsson", "Ja"), ("Simon Waern", "Ja"), ("Anna Ek", "Nej")):
        page.get_by_role("group", name=name).get_by_label(choice).check()
    axe_scan(page)
    follow(page.get_by_role("button", name="Anteckna rösterna"))
    follow(page.get_by_role("button", name="Räkna rösterna"))
    assert "Rösterna är räknade: 2 ja, 1 nej, 0 avstår. Yrkande 1 har bifallits." in status_text(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    axe_scan(page)
    follow(page.get_by_role("link", name="Protokollför beslut"))
    assert page.locator("#id_text").input_value() == PLAN_TEXT
    follow(page.get_by_role("button", name="Protokollför beslutet"))
    page.get_by_label("Ledamot som reserverar sig").select_option(label="Anna Ek")
    follow(page.get_by_role("button", name="Anteckna reservationen"))
    assert "Anna Ek reserverar sig mot beslutet till förmån för eget yrkande." in status_text(page)
    main = page.locator("main").inner_text()
    assert "Resultat: 2 ja, 1 nej, 0 avstår." in main and "Anna Ek: Ärendet återremitteras" in main
    axe_scan(page)
    screenshot(page, "decisions-vote")


def test_a_member_reads_the_papers_on_a_tablet_and_keeps_a_note(page, alingsas):
    """The members' own view at tablet and phone widths: their meetings, the
    agenda with the papers they may read, and a private note on a paper."""
    a = alingsas
    member_user = f.user(username="simon")
    a["adjuster"].user = member_user
    a["adjuster"].save(update_fields=["user"])
    meeting = _meeting_with_item(a, date=dt.date.today() + dt.timedelta(days=5))
    item = meeting.items.get()
    decisions.agenda_item_add(actor=a["registrar"], meeting=meeting, case=a["case"], title="Handlingsplan, bilaga",
                              documents=[a["plan"]])
    decisions.meeting_publish_notice(actor=a["registrar"], meeting=meeting)
    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet, upright
    page.goto("/konto/logga-in/")
    page.fill("#id_username", "simon")
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    follow(page.get_by_role("link", name="Mina sammanträden"))
    assert "Du är ledamot." in page.locator("main").inner_text()
    axe_scan(page)
    follow(page.get_by_role("link", name=f"Kommunstyrelsen {meeting.date:%Y-%m-%d}"))
    main = page.locator("main").inner_text()
    assert item.title in main and "Förslag till handlingsplan" in main
    assert SECRET_DESCRIPTION not in main
    axe_scan(page)
    reference = f"{a['case'].diary_number}-{a['plan'].number}"
    page.get_by_label(f"Min anteckning om {reference}").fill("Fråga om kostnaden för den digitala målbilden.")
    follow(page.get_by_role("button", name=f"Spara anteckningen om {reference}"))
    assert "Din anteckning är sparad." in status_text(page)
    assert page.get_by_label(f"Min anteckning om {reference}").input_value() == \
        "Fråga om kostnaden för den digitala målbilden."
    page.set_viewport_size({"width": 390, "height": 844})
    axe_scan(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
    screenshot(page, "decisions-member-view")


def _log_in_as(page, username):
    page.goto("/konto/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_whole_meeting_from_the_notice_to_signed_and_posted_minutes(page, alingsas, settings, tmp_path):
    """The secretary sends the notice, holds the meeting, records the decision
    and draws the minutes up for adjustment; the chair and the adjuster each log
    in and sign; the public reads the posted minutes and the posting certificate."""
    from diarium.core import signing
    from diarium.decisions.models import Minutes
    from diarium.registry import files as file_store
    from tests.signing_support import signing_setup

    a = alingsas
    settings.DIARIUM_SIGNING, root = signing_setup(tmp_path, common_name="Alingsås kommun, justering")
    for person, username in ((a["chair"], "daniel"), (a["adjuster"], "simon")):
        person.user = f.user(username=username)
        person.save(update_fields=["user"])
    meeting = _meeting_with_item(a, date=dt.date.today())
    item = meeting.items.get()
    log_in(page)
    page.goto(f"/sammantraden/{meeting.pk}/")
    actions = page.get_by_role("group", name="Åtgärder för sammanträdet")
    follow(actions.get_by_role("button", name="Skicka kallelse"))
    assert "Kallelsen är utskickad" in status_text(page)
    follow(page.get_by_role("group", name="Åtgärder för sammanträdet").get_by_role("button", name="Öppna sammanträdet"))
    axe_scan(page)
    follow(page.get_by_role("link", name=f"Protokollför beslut för punkt 1, {item.title}"))
    follow(page.get_by_role("button", name="Protokollför beslutet"))
    assert "Beslutet är protokollfört" in status_text(page)
    page.goto(f"/sammantraden/{meeting.pk}/")
    follow(page.get_by_role("button", name="Avsluta sammanträdet"))
    follow(page.get_by_role("link", name="Justera protokollet"))
    follow(page.get_by_role("button", name="Upprätta för digital justering"))
    assert "Protokollet är upprättat för justering (version 1)." in status_text(page)
    axe_scan(page)
    follow(page.get_by_role("button", name="Logga ut"))

    for username, name, last in (("daniel", "Daniel Filipsson", False), ("simon", "Simon Waern", True)):
        _log_in_as(page, username)
        page.goto("/mina-sammantraden/")
        axe_scan(page)
        follow(page.get_by_role("link", name=f"Protokollet från Kommunstyrelsen {meeting.date:%Y-%m-%d}"))
        assert page.get_by_role("link", name="Läs protokollet").count() == 1
        axe_scan(page)
        follow(page.get_by_role("button", name="Signera protokollet"))
        if last:
            assert f"Protokollet är justerat och anslås {dt.date.today():%Y-%m-%d}." in status_text(page)
        else:
            assert "Du har signerat protokollet." in status_text(page) and "Väntar på: Simon Waern" in \
                page.locator("main").inner_text()
        axe_scan(page)
        follow(page.get_by_role("button", name="Logga ut"))

    # The public: on the notice board, and the signed minutes with the posting certificate on the meeting page.
    page.goto("/anslagstavla/")
    assert f"{meeting.date:%Y-%m-%d}" in page.locator("main").inner_text()
    axe_scan(page)
    page.goto(f"/sammantraden/{meeting.pk}/")
    documents = page.get_by_role("list", name="Sammanträdets handlingar")
    assert documents.get_by_role("link", name="Protokoll").count() == 1
    assert documents.get_by_role("link", name="Bevis om anslag").count() == 1
    axe_scan(page)
    minutes = Minutes.objects.get(meeting=meeting)
    with file_store.blob_open(minutes.blob) as fh:
        checks = signing.signatures_validate(fh.read(), trust_roots=[root])
    assert [(c.name, c.bottom_line) for c in checks] == [("Daniel Filipsson", True), ("Simon Waern", True)]


def test_the_secretary_registers_a_motion_and_the_public_sees_the_deadline(page, alingsas):
    a = alingsas
    for person, role in ((a["chair"], "chair"), (a["adjuster"], "member")):
        decisions.membership_add(actor=a["registrar"], organ=a["kf"], person=person, role=role,
                                 start=dt.date(2018, 1, 1))
    log_in(page)
    page.goto("/sammantraden/")
    follow(page.get_by_role("link", name="Motioner och medborgarförslag"))
    axe_scan(page)
    page.locator("#id_kind").select_option(label="Motion")
    page.get_by_label("Ärendemening").fill("Motion om fler laddstolpar vid Stadshuset")
    follow(page.get_by_role("button", name="Registrera", exact=True))
    assert "Ange vilken ledamot som väcker den." in page.locator("[role=alert]").inner_text()
    axe_scan(page)
    page.get_by_label("Väckt av (motion, interpellation, fråga)").select_option(label="Simon Waern")
    follow(page.get_by_role("button", name="Registrera", exact=True))
    assert "Motion är registrerad som ärende" in status_text(page)
    due = dt.date.today().replace(year=dt.date.today().year + 1)
    assert f"{due:%Y-%m-%d}" in page.get_by_role("table", name="Obesvarade").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    axe_scan(page)
    follow(page.get_by_role("button", name="Logga ut"))
    page.goto(f"/organ/{a['kf'].pk}/motioner/")
    assert "Motion om fler laddstolpar vid Stadshuset" in page.locator("main").inner_text()
    axe_scan(page)
