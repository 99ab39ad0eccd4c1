"""Load the Alingsås demo through the same services users call.

The organisation, case 2017.676 KS, its title, officer, the decisions it cites
and the officer's report itself are facts from the report of 2018-08-23 (see
seed/). Everything else (other diary numbers, dates of remiss answers, people
other than the signatories, the extra cases) is invented for illustration and
says so: descriptions carry "exempeldata".
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass, field
from importlib import resources
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from diarium.accounts import services as accounts
from diarium.accounts.models import Organ, Organisation, Person, Role, User
from diarium.core.errors import DomainError
from diarium.registry import services as registry
from diarium.registry.models import Case, Document

ORGANISATION_NAME = "Alingsås kommun"
ORGANISATION_SLUG = "alingsas"
ADMIN_USERNAME = "admin"
REGISTRAR_USERNAME = "registrator"
CASE_OFFICER_USERNAME = "handlaggare"
PASSWORD_ENV = "DIARIUM_DEMO_PASSWORD"

REPORT_SEED = "alingsas-2017-676-ks-tjansteskrivelse.txt"
REPORT_FILENAME = "tjansteskrivelse-2017-676-KS.txt"
EXAMPLE = "exempeldata"
EXAMPLE_CASE = "Exempeldata: ärendet är påhittat för demonstrationen."

STOCKHOLM = ZoneInfo("Europe/Stockholm")

INCOMING = Document.Direction.INCOMING
DRAWN_UP = Document.Direction.DRAWN_UP
OUTGOING = Document.Direction.OUTGOING
INTERNAL = Document.Direction.INTERNAL


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


# --- reference data -------------------------------------------------------------
K = Organ.Kind
ORGANS = [  # code, name, kind, parent code
    ("KF", "Kommunfullmäktige", K.COUNCIL, None),
    ("KS", "Kommunstyrelsen", K.EXECUTIVE_BOARD, None),
    ("KSAU", "Kommunstyrelsens arbetsutskott", K.COMMITTEE, "KS"),
    ("BUN", "Barn- och ungdomsnämnden", K.BOARD, None),
    ("KFN", "Kultur- och fritidsnämnden", K.BOARD, None),
    ("SN", "Socialnämnden", K.BOARD, None),
    ("ÄN", "Äldreomsorgsnämnden", K.BOARD, None),
    ("BMN", "Bygg- och miljönämnden", K.BOARD, None),
    ("SBN", "Samhällsbyggnadsnämnden", K.BOARD, None),
    ("FABS", "FABS AB", K.COMPANY, None),
    ("AHEM", "Alingsåshem AB", K.COMPANY, None),
    ("AEAB", "Alingsås Energi AB", K.COMPANY, None),
    ("AVRF", "Alingsås och Vårgårda Räddningstjänstförbund", K.FEDERATION, None),
    ("SAMBRUK", "Sambruk", K.EXTERNAL, None),
    ("KIVOS", "Kivos", K.EXTERNAL, None),
    ("IIS", "Internetstiftelsen i Sverige", K.EXTERNAL, None),
]

PEOPLE = [  # name, title, organ code (the first two are facts, the rest example data)
    ("Göran Westerlund", "Digitaliseringsansvarig", "KS"),
    ("Anneli Schwartz", "Tf. Kommundirektör", "KS"),
    ("Eva Lundqvist", "Registrator", "KS"),
    ("Sara Lind", "Utredare", "BUN"),
    ("Petra Sjöberg", "Nämndsekreterare", "KFN"),
    ("Johan Ek", "Planarkitekt", "SBN"),
    ("Maria Nilsson", "Verksamhetsutvecklare", "ÄN"),
]

CLASSIFICATIONS = [  # KLASSA-style process codes (example data)
    ("1.1.1", "Organisation och ansvar", "Bevaras"),
    ("1.2.1", "Styrdokument", "Bevaras"),
    ("1.2.2", "Planer och program", "Bevaras"),
    ("1.3.1", "Remisser", "Bevaras"),
    ("1.4.1", "Uppföljning och utvärdering", "Bevaras"),
    ("2.3.1", "Informationssäkerhet", "Bevaras"),
    ("3.1.1", "Skolskjuts", "Gallras 3 år efter ärendets avslut"),
    ("4.2.1", "Detaljplaner", "Bevaras"),
    ("5.1.1", "Tillsyn", "Gallras 10 år efter ärendets avslut"),
    ("6.1.1", "Hemtjänst och trygghetslarm", "Gallras 5 år efter ärendets avslut"),
]


# --- cases ------------------------------------------------------------------------
@dataclass(frozen=True)
class DocumentSpec:
    registered: dt.datetime
    direction: str
    description: str
    counterpart: str = ""
    dated: dt.date | None = None  # day it came in or was drawn up; default: day registered
    private: bool = False
    filename: str | None = None
    secret: tuple[str, tuple[str, ...]] | None = None  # (ground, masked fields)


@dataclass(frozen=True)
class CaseSpec:
    organ: str
    number: int  # the running number the case gets in its series and year
    registered: dt.datetime
    title: str
    description: str
    officer: str | None = None
    classification: str | None = None
    documents: tuple[DocumentSpec, ...] = field(default_factory=tuple)
    close: str | None = None  # closing reason, if the case is closed


D = DocumentSpec
REMISS_RECIPIENTS = (
    "Samtliga nämnder, FABS AB, Alingsåshem AB, Alingsås Energi AB, Alingsås och Vårgårda "
    "Räddningstjänstförbund, föreningen Sambruk, kommunnätverket Kivos, Internetstiftelsen i Sverige"
)
DISPATCH = "Samtliga nämnder, FABS AB, Alingsåshem AB, Alingsås Energi AB"
TITLE_2017_676 = "Digital målbild för Alingsås kommun – öppen och smart samt tillhörande handlingsplan"

CASES = [
    CaseSpec(
        "KS", 412, at(2015, 5, 4), "E-strategi för Alingsås kommun",
        "Kommunfullmäktige antog e-strategin 2015-11-25 § 180. Exempeldata: diarienumret och "
        "handlingarna före beslutet är påhittade.",
        officer="Göran Westerlund", classification="1.2.1",
        documents=(
            D(at(2015, 10, 12), DRAWN_UP, f"Förslag till e-strategi för Alingsås kommun ({EXAMPLE})",
              filename="forslag-e-strategi.txt"),
            D(at(2015, 11, 30), INTERNAL,
              "Protokollsutdrag KF 2015-11-25 § 180: kommunfullmäktige antar e-strategi för Alingsås kommun",
              counterpart="Kommunfullmäktige", dated=dt.date(2015, 11, 25)),
        ),
        close=f"Beslutet är fattat och expedierat ({EXAMPLE}).",
    ),
    CaseSpec(
        "KS", 210, at(2017, 3, 20), "Flerårsstrategi 2018–2020 för Alingsås kommun",
        "Kommunfullmäktige antog flerårsstrategin 2017-12-13 § 251. Exempeldata: diarienumret är påhittat.",
        officer="Anneli Schwartz", classification="1.2.1",
        documents=(
            D(at(2017, 12, 15), INTERNAL,
              "Protokollsutdrag KF 2017-12-13 § 251: kommunfullmäktige antar Flerårsstrategi 2018–2020",
              counterpart="Kommunfullmäktige", dated=dt.date(2017, 12, 13)),
        ),
    ),
    CaseSpec(
        "KS", 676, at(2017, 12, 18), TITLE_2017_676,
        "Ärendet, dess handläggare och de beslut som tjänsteskrivelsen 2018-08-23 hänvisar till är "
        "hämtade ur tjänsteskrivelsen. Handlingar märkta exempeldata är påhittade för demonstrationen.",
        officer="Göran Westerlund", classification="1.2.1",
        documents=(
            D(at(2017, 12, 18, 10, 5), INTERNAL,
              "Protokollsutdrag KF 2017-12-13 § 251: uppdrag till kommunstyrelsen att skyndsamt ta fram "
              "ett program för Alingsås digitala färdriktning med en handlingsplan, och att upprätta en "
              "ny digital enhet under kommunstyrelsen",
              counterpart="Kommunfullmäktige", dated=dt.date(2017, 12, 13)),
            D(at(2018, 2, 20), DRAWN_UP,
              f"Förslag till handlingsplan Digital målbild för Alingsås kommun – öppen och smart ({EXAMPLE})",
              filename="forslag-handlingsplan.txt"),
            D(at(2018, 3, 1), INTERNAL,
              "Protokollsutdrag KSAU 2018-02-28 § 8: förslag till handlingsplan remitteras till samtliga "
              "nämnder, kommunala bolag, Alingsås och Vårgårda Räddningstjänstförbund, föreningen Sambruk, "
              "kommunnätverket Kivos och Internetstiftelsen i Sverige",
              counterpart="Kommunstyrelsens arbetsutskott", dated=dt.date(2018, 2, 28)),
            D(at(2018, 3, 5), OUTGOING,
              f"Remiss av förslag till handlingsplan, svar senast 2018-05-31 ({EXAMPLE})",
              counterpart=REMISS_RECIPIENTS),
            D(at(2018, 4, 9), INCOMING, f"Synpunkter på förslaget om öppna data ({EXAMPLE})",
              counterpart="Karl Andersson", private=True),
            D(at(2018, 4, 26), INTERNAL,
              "Protokollsutdrag KSAU 2018-04-25 § 53: remisstiden förlängs till och med 2018-07-27 för att "
              "samtliga nämnder ska kunna behandla sina remissvar",
              counterpart="Kommunstyrelsens arbetsutskott", dated=dt.date(2018, 4, 25)),
            D(at(2018, 5, 15), INTERNAL,
              f"Säkerhetsbedömning av kommunens IT-infrastruktur inför handlingsplanen ({EXAMPLE})",
              counterpart="IT-enheten", filename="sakerhetsbedomning.txt",
              secret=("OSL 18 kap. 8 §", ("description",))),
            D(at(2018, 5, 22), INCOMING, f"Remissvar från föreningen Sambruk ({EXAMPLE})",
              counterpart="Sambruk", filename="remissvar-sambruk.txt"),
            D(at(2018, 6, 13), INCOMING, f"Remissvar, Kultur- och fritidsnämnden 2018-06-12 § 45 ({EXAMPLE})",
              counterpart="Kultur- och fritidsnämnden", filename="remissvar-kfn.txt"),
            D(at(2018, 6, 15), INCOMING, f"Remissvar, Barn- och ungdomsnämnden 2018-06-14 § 52 ({EXAMPLE})",
              counterpart="Barn- och ungdomsnämnden"),
            D(at(2018, 6, 20), INCOMING, f"Alingsås Energi AB avstår från att yttra sig ({EXAMPLE})",
              counterpart="Alingsås Energi AB"),
            D(at(2018, 6, 21), INCOMING, f"Remissvar, Socialnämnden 2018-06-19 § 61 ({EXAMPLE})",
              counterpart="Socialnämnden"),
            D(at(2018, 7, 2), INCOMING, f"Remissvar från Alingsås och Vårgårda Räddningstjänstförbund ({EXAMPLE})",
              counterpart="Alingsås och Vårgårda Räddningstjänstförbund"),
            D(at(2018, 8, 3), INCOMING,
              f"Remissvar från kommunnätverket Kivos, inkom efter remisstidens slut ({EXAMPLE})",
              counterpart="Kivos"),
            D(at(2018, 8, 23, 14, 0), DRAWN_UP, "Tjänsteskrivelse: " + TITLE_2017_676,
              counterpart="Kommunstyrelsen", filename=REPORT_FILENAME),
            D(at(2018, 9, 25), INTERNAL,
              f"Protokollsutdrag KS 2018-09-24 § 160: handlingsplanen godkänns under förutsättning att "
              f"kommunfullmäktige antar målbilden ({EXAMPLE})",
              counterpart="Kommunstyrelsen", dated=dt.date(2018, 9, 24)),
            D(at(2018, 11, 1), INTERNAL,
              f"Protokollsutdrag KF 2018-10-31 § 190: Digital målbild för Alingsås kommun – öppen och smart "
              f"antas ({EXAMPLE})",
              counterpart="Kommunfullmäktige", dated=dt.date(2018, 10, 31)),
            D(at(2018, 11, 5), OUTGOING, f"Expediering av besluten KS § 160 och KF § 190 ({EXAMPLE})",
              counterpart=DISPATCH),
        ),
    ),
    CaseSpec(
        "KS", 97, at(2018, 1, 22), "Inrättande av en digital enhet under kommunstyrelsen", EXAMPLE_CASE,
        officer="Anneli Schwartz", classification="1.1.1",
        documents=(
            D(at(2018, 3, 28), DRAWN_UP,
              f"Tjänsteskrivelse om den digitala enhetens uppdrag och bemanning ({EXAMPLE})"),
        ),
    ),
    CaseSpec(
        "KFN", 31, at(2018, 3, 6), "Remiss: Handlingsplan Digital målbild för Alingsås kommun – öppen och smart",
        EXAMPLE_CASE, officer="Petra Sjöberg", classification="1.3.1",
        documents=(
            D(at(2018, 3, 6), INCOMING, f"Remiss från kommunstyrelsens arbetsutskott 2018-02-28 § 8 ({EXAMPLE})",
              counterpart="Kommunstyrelsen", dated=dt.date(2018, 3, 5)),
            D(at(2018, 6, 12, 15, 0), INTERNAL,
              f"Protokollsutdrag KFN 2018-06-12 § 45: remissvar antas ({EXAMPLE})",
              counterpart="Kultur- och fritidsnämnden"),
            D(at(2018, 6, 13), OUTGOING, f"Remissvar till kommunstyrelsen ({EXAMPLE})",
              counterpart="Kommunstyrelsen", filename="remissvar-kfn.txt"),
        ),
        close=f"Remissvaret är skickat ({EXAMPLE}).",
    ),
    CaseSpec(
        "BUN", 58, at(2018, 4, 16), "Skolskjutsregler för grundskolan från läsåret 2019/2020", EXAMPLE_CASE,
        officer="Sara Lind", classification="3.1.1",
        documents=(
            D(at(2018, 5, 7), DRAWN_UP, f"Förslag till reviderade skolskjutsregler ({EXAMPLE})",
              filename="skolskjutsregler.txt"),
        ),
    ),
    CaseSpec(
        "SBN", 23, at(2019, 2, 11), "Detaljplan för bostäder i kvarteret Lärkan", EXAMPLE_CASE,
        officer="Johan Ek", classification="4.2.1",
        documents=(
            D(at(2019, 2, 11), INCOMING, f"Begäran om planbesked ({EXAMPLE})", counterpart="Alingsåshem AB",
              dated=dt.date(2019, 2, 8)),
        ),
    ),
    CaseSpec(
        "ÄN", 77, at(2019, 5, 6), "Införande av digitala trygghetslarm i hemtjänsten", EXAMPLE_CASE,
        officer="Maria Nilsson", classification="6.1.1",
        documents=(
            D(at(2019, 5, 20), DRAWN_UP, f"Behovsanalys för digitala trygghetslarm ({EXAMPLE})"),
        ),
    ),
    CaseSpec(
        "BMN", 140, at(2019, 9, 2), "Tillsynsplan för miljö- och livsmedelskontroll 2020", EXAMPLE_CASE,
        classification="5.1.1",
    ),
    CaseSpec(
        "KS", 512, at(2019, 11, 4),
        "Uppföljning 2019 av handlingsplan Digital målbild för Alingsås kommun – öppen och smart",
        EXAMPLE_CASE, officer="Göran Westerlund", classification="1.4.1",
        documents=(
            D(at(2019, 11, 20), DRAWN_UP, f"Uppföljningsrapport 2019 till kommunstyrelsen ({EXAMPLE})",
              counterpart="Kommunstyrelsen", filename="uppfoljning-2019.txt"),
        ),
    ),
]


# --- loading --------------------------------------------------------------------------
@dataclass
class DemoResult:
    organisation: Organisation
    password: str
    loaded: bool  # False when the demo was already there and only passwords were reset
    usernames: tuple[str, ...] = (ADMIN_USERNAME, REGISTRAR_USERNAME, CASE_OFFICER_USERNAME)


def demo_password() -> str:
    """The demo password: from DIARIUM_DEMO_PASSWORD, else a fresh random one."""
    return os.environ.get(PASSWORD_ENV) or secrets.token_urlsafe(12)


def report_text() -> str:
    """The officer's report of 2018-08-23 as shipped with the package."""
    return (resources.files("diarium.demo") / "seed" / REPORT_SEED).read_text(encoding="utf-8")


def _file(filename: str, description: str) -> SimpleUploadedFile:
    if filename == REPORT_FILENAME:
        text = report_text()
    else:
        text = f"Exempeldata: påhittat innehåll för demonstrationen.\n\n{description}\n"
    return SimpleUploadedFile(filename, text.encode("utf-8"), content_type="text/plain")


def _user_ensure(username: str, password: str, *, superuser: bool = False, **names) -> User:
    """Create the user, or give an existing one the demo password."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return accounts.user_create(username=username, password=password, is_superuser=superuser, **names)
    if superuser and not user.is_superuser:
        raise DomainError(f"Användaren {username} finns redan men är inte superanvändare.")
    return accounts.user_set_password(user=user, password=password)


def demo_load(*, password: str | None = None) -> DemoResult:
    """Load the demo once. On later runs nothing is added; the demo users only get
    the (new) password. One transaction: a failure leaves no half demo behind."""
    password = password or demo_password()
    with transaction.atomic():
        admin = _user_ensure(ADMIN_USERNAME, password, superuser=True)
        organisation = Organisation.objects.filter(slug=ORGANISATION_SLUG).first()
        if organisation is not None:
            for username in (REGISTRAR_USERNAME, CASE_OFFICER_USERNAME):
                user = User.objects.filter(username=username).first()
                if user is not None:
                    accounts.user_set_password(user=user, password=password)
            return DemoResult(organisation=organisation, password=password, loaded=False)
        organisation = _load(admin=admin, password=password)
    return DemoResult(organisation=organisation, password=password, loaded=True)


def _load(*, admin: User, password: str) -> Organisation:
    organisation = accounts.organisation_create(name=ORGANISATION_NAME, slug=ORGANISATION_SLUG)
    organs: dict[str, Organ] = {}
    for code, name, kind, parent in ORGANS:
        organs[code] = accounts.organ_create(
            organisation=organisation, name=name, code=code, kind=kind, parent=organs.get(parent)
        )

    registrar = _user_ensure(REGISTRAR_USERNAME, password, first_name="Eva", last_name="Lundqvist")
    officer = _user_ensure(CASE_OFFICER_USERNAME, password, first_name="Göran", last_name="Westerlund")
    accounts.role_grant(user=registrar, organisation=organisation, role=Role.REGISTRAR)
    accounts.role_grant(user=officer, organisation=organisation, role=Role.CASE_OFFICER)
    logins = {"Göran Westerlund": officer, "Eva Lundqvist": registrar}
    people: dict[str, Person] = {
        name: accounts.person_create(organisation=organisation, name=name, title=title, organ=organs[organ],
                                     user=logins.get(name))
        for name, title, organ in PEOPLE
    }
    classifications = {
        code: registry.classification_create(actor=admin, organisation=organisation, code=code, title=title,
                                             retention=retention)
        for code, title, retention in CLASSIFICATIONS
    }
    for spec in CASES:
        _case_load(spec, organs=organs, people=people, classifications=classifications,
                   admin=admin, registrar=registrar, officer=officer)
    return organisation


def _case_load(spec: CaseSpec, *, organs, people, classifications, admin, registrar, officer) -> Case:
    organ = organs[spec.organ]
    series = registry.series_for_organ(organ)
    # The demo continues series of an earlier register: move the counter to just
    # before the case's number (counters only move forward, so CASES is ordered).
    registry.series_counter_set(series=series, year=spec.registered.year, last_seq=spec.number - 1, actor=admin)
    case = registry.case_register(
        actor=registrar, organ=organ, title=spec.title, description=spec.description,
        case_officer=people.get(spec.officer), classification=classifications.get(spec.classification),
        registered_at=spec.registered,
    )
    if case.seq != spec.number:
        raise RuntimeError(f"Demo case {spec.title!r} got number {case.diary_number}, expected seq {spec.number}")
    for doc in sorted(spec.documents, key=lambda d: d.registered):
        if doc.registered < spec.registered:
            raise RuntimeError(f"Demo document {doc.description!r} is registered before its case")
        files = [_file(doc.filename, doc.description)] if doc.filename else []
        document = registry.document_register(
            actor=registrar, case=case, direction=doc.direction, document_date=doc.dated or doc.registered.date(),
            description=doc.description, counterpart=doc.counterpart, counterpart_is_private=doc.private,
            files=files, registered_at=doc.registered,
        )
        if doc.secret:
            ground, masked = doc.secret
            registry.document_mark_secret(actor=registrar, document=document, ground=ground, masked_fields=masked)
    if spec.close:
        registry.case_close(actor=officer, case=case, reason=spec.close)
    return case
