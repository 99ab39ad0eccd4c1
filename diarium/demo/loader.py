"""Load the Alingsås demo through the same services users call.

The organisation, case 2017.676 KS, its title, officer, the decisions it cites
and the officer's report itself are facts from the report of 2018-08-23 (see
seed/). Everything else (other diary numbers, dates of remiss answers, people
other than the signatories, the extra cases) is invented for illustration and
says so: descriptions carry "exempeldata".

The remiss round on 2017.676 KS (KSAU 2018-02-28 § 8, extended by KSAU
2018-04-25 § 53) runs through the remiss services with historic times: its
letters, answers, assessments, compilation and revision are example data and
their texts say so. It is closed in 2018, so a worker started later sends none
of its e-mails.

The meetings and decisions run through the decision services, also with
historic times: KF 2015-11-25 § 180, KF 2017-12-13 § 251 (with its assignment
to KS, answered by 2017.676 KS), KSAU 2018-02-28 § 8 and KSAU 2018-04-25 § 53
are facts of the report; the politicians, times, places, the KS meeting
2018-09-24 § 160 (approving the action plan on condition that KF adopts the
vision) and the KF meeting 2018-10-31 § 190 (adopting it, which makes § 160
effective) are example data, and a note on each decision says so. The officer's
report of 2018-08-23 is written through officer_report_create from the seed
text, which stays on the same document as its original. Every minutes excerpt
is "e-mailed" through a connection that sends nothing, on the historic day, so
the queued delivery tasks find them sent; the politicians have no e-mail
addresses, so publishing a notice queues no mail.

The vision and its action plan (issue 6) are built on 2017.676 KS through the
plan services, also with historic times: their names, the period of three
years, drift and investering money funded in Flerårsstrategi 2018–2020, the
kommundirektör as process owner and the yearly report to KS are facts of the
report; the goals, indicators, the ten actions' people, dates and budgets, the
follow-ups of 2019 and 2020 and their answers, the re-budgeting adopted by KS
2020-03-02 § 38 (version 2) and the KS meetings 2020-03-02 and 2021-03-01 that
receive the yearly reports are example data and say so. The follow-up requests
are "e-mailed" through a connection that sends nothing on the day each round
opened, and both rounds are closed, so the queued request tasks send nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from importlib import resources
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import get_connection
from django.db import transaction

from diarium.accounts import services as accounts
from diarium.accounts.models import Organ, Organisation, Person, Role, User
from diarium.core.errors import DomainError
from diarium.decisions import services as decisions
from diarium.decisions.models import (
    Assignment, Decision, DecisionNote, DecisionRecipient, Membership, Proposal, Signature,
)
from diarium.plans import services as plans
from diarium.plans.models import ActionReport, FollowUpRound, SteeringDocument
from diarium.registry import services as registry
from diarium.registry.models import Case, Document, DocumentFile
from diarium.remiss import services as remiss
from diarium.remiss.models import RemissRecipient, RemissRound

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
# E-mail addresses are example data on reserved .example domains (RFC 2606):
# nothing sent to them reaches anyone.
ORGANS = [  # code, name, kind, parent code, e-mail
    ("KF", "Kommunfullmäktige", K.COUNCIL, None, "kommunfullmaktige@alingsas.example"),
    ("KS", "Kommunstyrelsen", K.EXECUTIVE_BOARD, None, "kommunstyrelsen@alingsas.example"),
    ("KSAU", "Kommunstyrelsens arbetsutskott", K.COMMITTEE, "KS", "ksau@alingsas.example"),
    ("BUN", "Barn- och ungdomsnämnden", K.BOARD, None, "bun@alingsas.example"),
    ("KFN", "Kultur- och fritidsnämnden", K.BOARD, None, "kfn@alingsas.example"),
    ("SN", "Socialnämnden", K.BOARD, None, "sn@alingsas.example"),
    ("ÄN", "Äldreomsorgsnämnden", K.BOARD, None, "aon@alingsas.example"),
    ("BMN", "Bygg- och miljönämnden", K.BOARD, None, "bmn@alingsas.example"),
    ("SBN", "Samhällsbyggnadsnämnden", K.BOARD, None, "sbn@alingsas.example"),
    ("FABS", "FABS AB", K.COMPANY, None, "info@fabs.example"),
    ("AHEM", "Alingsåshem AB", K.COMPANY, None, "info@alingsashem.example"),
    ("AEAB", "Alingsås Energi AB", K.COMPANY, None, "info@alingsasenergi.example"),
    ("AVRF", "Alingsås och Vårgårda Räddningstjänstförbund", K.FEDERATION, None, "registrator@avrf.example"),
    ("SAMBRUK", "Sambruk", K.EXTERNAL, None, "kansli@sambruk.example"),
    ("KIVOS", "Kivos", K.EXTERNAL, None, "kontakt@kivos.example"),
    ("IIS", "Internetstiftelsen i Sverige", K.EXTERNAL, None, "remiss@internetstiftelsen.example"),
]

PEOPLE = [  # name, title, organ code (the first two are facts, the rest example data)
    ("Göran Westerlund", "Digitaliseringsansvarig", "KS"),
    ("Anneli Schwartz", "Tf. Kommundirektör", "KS"),
    ("Eva Lundqvist", "Registrator", "KS"),
    ("Sara Lind", "Utredare", "BUN"),
    ("Petra Sjöberg", "Nämndsekreterare", "KFN"),
    ("Johan Ek", "Planarkitekt", "SBN"),
    ("Maria Nilsson", "Verksamhetsutvecklare", "ÄN"),
    # Responsible for actions of the action plan (example data).
    ("Annika Holmberg", "Kommunikationschef", "KS"),
    ("Henrik Palm", "Bygglovschef", "BMN"),
    ("Peter Sundin", "HR-strateg", "KS"),
    ("Ingrid Falk", "Bibliotekschef", "KFN"),
    ("Fredrik Lindholm", "Bredbandssamordnare", "KS"),
    ("Lena Åkesson", "Informationssäkerhetssamordnare", "KS"),
]
# Those responsible for actions get the follow-up requests by e-mail: example
# addresses on a reserved domain, and the demo "sends" through a connection that
# sends nothing (see _plan_steps).
PLAN_OFFICIALS = ("Göran Westerlund", "Eva Lundqvist", "Maria Nilsson", "Annika Holmberg", "Henrik Palm",
                  "Peter Sundin", "Ingrid Falk", "Fredrik Lindholm", "Lena Åkesson")


def _email(name: str) -> str:
    ascii_name = name.lower().translate(str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", " ": "."}))
    return f"{ascii_name}@alingsas.example"

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
    remiss: RemissSpec | None = None  # a remiss round, run through the remiss services among the documents
    report: ReportSpec | None = None  # an officer's report, written through the decision services
    meetings: tuple[MeetingSpec, ...] = ()  # meetings that decide on the case, among the documents
    answers: tuple[tuple[dt.datetime, str], ...] = ()  # (when, decision): the case answers its assignments
    plans: PlanSpec | None = None  # the vision and its action plan, with their follow-ups


# --- the remiss round on 2017.676 KS -----------------------------------------------------
# Facts (from the report): KSAU 2018-02-28 § 8 sent the proposed action plan on
# remiss to every board, the municipal companies, the rescue-service federation,
# Sambruk, Kivos and Internetstiftelsen; KSAU 2018-04-25 § 53 extended the time to
# and including 2018-07-27 so that every board could decide its answer. The rest
# (dates of sending and answers, the answers, the assessments, the revision) is
# example data and says so in its texts.
C = RemissRecipient.Consideration


@dataclass(frozen=True)
class AnswerSpec:
    organ: str  # organ code of the recipient
    received: dt.datetime
    text: str
    decision_ref: str = ""
    by_link: bool = False  # through the personal answer link; else registered inside by the registrar
    answered_by: str = ""
    declined: bool = False
    filename: str | None = None  # the answer as a file instead of in the text box
    summary: str = ""
    consideration: str = ""
    comment: str = ""


@dataclass(frozen=True)
class ChangeSpec:
    description: str
    organs: tuple[str, ...]  # the recipients whose answers led to the change


@dataclass(frozen=True)
class RemissSpec:
    consulted: str  # filename of the consulted file on the case
    title: str
    letter: str
    ordered_by: str
    deadline: dt.date
    recipient_kinds: tuple[str, ...]  # every organ of these kinds, in the order of ORGANS
    created: dt.datetime
    sent: dt.datetime
    extend: tuple[dt.datetime, dt.date, str, str]  # when, new deadline, reason, decision
    answers: tuple[AnswerSpec, ...]
    assessed: dt.datetime
    compiled: dt.datetime
    revised: dt.datetime
    revised_text: str
    revision_note: str
    changes: tuple[ChangeSpec, ...]
    closed: dt.datetime


ACTION_PLAN_FILENAME = "forslag-handlingsplan.txt"
_PLAN_HEAD = """\
Alingsås kommun, kommunledningskontoret
Diarienummer: 2017.676 KS

{title}
Digital målbild för Alingsås kommun – öppen och smart
Planperiod: 2019–2021

Exempeldata: åtgärderna och texten är påhittade för demonstrationen.

Handlingsplanen gör målbilden konkret i åtgärder. Varje åtgärd har ett ansvarigt organ
och en budget per år för drift och investering. Finansieringen ryms i Flerårsstrategi
2018–2020. Planen stäms av minst en gång per år eller vid behov. Processägare är
kommundirektören, och utfallet rapporteras årligen till kommunstyrelsen.
"""
ACTION_PLAN_DRAFT = _PLAN_HEAD.format(title="Förslag till handlingsplan (remissversion)") + """
Öppna data och transparens
Åtgärd 1. Publicera kommunens öppna data, till exempel geodata, i ett samlat dataregister. Ansvar: KS.
Åtgärd 2. Sänd och arkivera kommunfullmäktiges sammanträden digitalt. Ansvar: KS.

Digitala e-tjänster för invånare och företag
Åtgärd 3. Inför en gemensam e-tjänsteplattform med inloggning med e-legitimation. Ansvar: KS.
Åtgärd 4. Gör ansökan om bygglov och tillstånd digital. Ansvar: Bygg- och miljönämnden.

Smart verksamhetsutveckling
Åtgärd 5. Inför digitala arbetssätt för ärendehantering och diarium. Ansvar: KS.

Digital kompetens
Åtgärd 6. Kompetensutveckling i digitalisering för chefer och medarbetare. Ansvar: KS.
Åtgärd 7. Digitala mötesplatser och vägledning för invånare. Ansvar: Kultur- och fritidsnämnden.

Infrastruktur och informationssäkerhet
Åtgärd 8. Bygg ut bredband till hela kommunen. Ansvar: KS.
Åtgärd 9. Inför ett ledningssystem för informationssäkerhet. Ansvar: KS.
"""
ACTION_PLAN_REVISED = _PLAN_HEAD.format(title="Förslag till handlingsplan (reviderad efter remiss 2018-08-17)") + """
Öppna data och transparens
Åtgärd 1. Publicera kommunens öppna data, till exempel geodata, i ett samlat dataregister. Ansvar: KS.
Åtgärd 2. Sänd och arkivera kommunfullmäktiges sammanträden digitalt. Ansvar: KS.

Digitala e-tjänster för invånare och företag
Åtgärd 3. Inför en gemensam e-tjänsteplattform med inloggning med e-legitimation. Ansvar: KS.
Åtgärd 4. Gör ansökan om bygglov och tillstånd digital. Ansvar: Bygg- och miljönämnden.

Smart verksamhetsutveckling
Åtgärd 5. Inför digitala arbetssätt för ärendehantering och diarium. Ansvar: KS.
Åtgärd 10. Inför välfärdsteknik i socialtjänst och äldreomsorg, bland annat digitala
  trygghetslarm. Ansvar: Socialnämnden och Äldreomsorgsnämnden.

Digital kompetens
Åtgärd 6. Kompetensutveckling i digitalisering för chefer och medarbetare, även
  pedagogisk personal i förskola och skola. Ansvar: KS och Barn- och ungdomsnämnden.
Åtgärd 7. Digitala mötesplatser och vägledning för invånare på biblioteken. Ansvar: Kultur- och fritidsnämnden.

Infrastruktur och informationssäkerhet
Åtgärd 8. Bygg ut bredband till hela kommunen. Ansvar: KS.
Åtgärd 9. Inför ett ledningssystem för informationssäkerhet, i samverkan med Alingsås och
  Vårgårda Räddningstjänstförbund om robust kommunikation vid kris. Ansvar: KS.
"""

A = AnswerSpec
REMISS_2017_676 = RemissSpec(
    consulted=ACTION_PLAN_FILENAME,
    title="Förslag till handlingsplan Digital målbild för Alingsås kommun – öppen och smart",
    letter=(
        "Kommunstyrelsens arbetsutskott beslutade 2018-02-28 § 8 att skicka förslaget till handlingsplan för "
        "Digital målbild för Alingsås kommun – öppen och smart på remiss till samtliga nämnder, de kommunala "
        "bolagen, Alingsås och Vårgårda Räddningstjänstförbund, föreningen Sambruk, kommunnätverket Kivos och "
        "Internetstiftelsen i Sverige.\n\n"
        "Handlingsplanen gör målbilden konkret i åtgärder för åren 2019–2021. Vi vill särskilt veta om "
        "åtgärderna är rätt prioriterade, om något saknas och hur er verksamhet berörs. Nämnderna ombeds svara "
        "med ett beslut i nämnden.\n\n"
        "Frågor besvaras av Göran Westerlund, digitaliseringsansvarig.\n\n"
        "Exempeldata: missivets text och datum är påhittade för demonstrationen; beslutet om remiss och "
        "remissinstanserna är hämtade ur tjänsteskrivelsen 2018-08-23."
    ),
    ordered_by="KSAU 2018-02-28 § 8",
    deadline=dt.date(2018, 5, 31),
    recipient_kinds=(K.BOARD, K.COMPANY, K.FEDERATION, K.EXTERNAL),
    created=at(2018, 3, 2, 9, 0),
    sent=at(2018, 3, 5, 9, 0),
    extend=(at(2018, 4, 26, 11, 0), dt.date(2018, 7, 27),
            "så att samtliga nämnder kan fatta beslut om sitt remissvar", "KSAU 2018-04-25 § 53"),
    answers=(
        A("SAMBRUK", at(2018, 5, 22, 10, 12),
          "Föreningen Sambruk välkomnar handlingsplanen. Vi föreslår att kommunen prövar föreningens "
          "gemensamma e-tjänsteplattform innan en egen plattform upphandlas (åtgärd 3).",
          by_link=True, answered_by="Föreningen Sambruk, kansliet",
          summary="Välkomnar planen; föreslår att Sambruks gemensamma e-tjänsteplattform prövas (åtgärd 3).",
          consideration=C.PARTLY,
          comment="Prövas när e-tjänsteplattformen upphandlas; ändrar inte handlingsplanen."),
        A("KFN", at(2018, 6, 13, 10, 30),
          "Kultur- och fritidsnämnden ställer sig bakom förslaget till handlingsplan. Nämnden vill att "
          "biblioteken får en tydlig roll när invånare behöver vägledning i digitala tjänster (åtgärd 7).",
          decision_ref="Kultur- och fritidsnämnden 2018-06-12 § 45", filename="remissvar-kfn.txt",
          summary="Tillstyrker; vill att biblioteken får en roll i vägledningen av invånare.",
          consideration=C.ACCEPTED, comment="Åtgärd 7 nämner nu biblioteken."),
        A("BUN", at(2018, 6, 15, 9, 40),
          "Barn- och ungdomsnämnden tillstyrker förslaget men saknar skolans perspektiv. Pedagogisk personal i "
          "förskola och skola behöver ingå i kompetensutvecklingen (åtgärd 6).",
          decision_ref="Barn- och ungdomsnämnden 2018-06-14 § 52",
          summary="Tillstyrker; kompetensutvecklingen bör omfatta pedagogisk personal.",
          consideration=C.ACCEPTED, comment="Åtgärd 6 omfattar nu förskola och skola."),
        A("AEAB", at(2018, 6, 20, 14, 5),
          "Alingsås Energi AB avstår från att yttra sig över förslaget. Bolaget bidrar gärna i arbetet med "
          "bredbandsutbyggnaden när handlingsplanen genomförs.",
          by_link=True, answered_by="Alingsås Energi AB", declined=True,
          summary="Avstår från att yttra sig.", consideration=C.NOTED),
        A("SN", at(2018, 6, 21, 11, 0),
          "Socialnämnden tillstyrker förslaget och föreslår en särskild åtgärd för välfärdsteknik, till exempel "
          "digital tillsyn och e-tjänster för ekonomiskt bistånd.",
          decision_ref="Socialnämnden 2018-06-19 § 61",
          summary="Tillstyrker; föreslår en åtgärd för välfärdsteknik.",
          consideration=C.ACCEPTED, comment="Ny åtgärd 10, välfärdsteknik."),
        A("ÄN", at(2018, 6, 26, 15, 20),
          "Äldreomsorgsnämnden instämmer i behovet av välfärdsteknik och vill att digitala trygghetslarm "
          "införs under planperioden.",
          decision_ref="Äldreomsorgsnämnden 2018-06-25 § 39", by_link=True, answered_by="Äldreomsorgsnämnden",
          summary="Tillstyrker; vill att digitala trygghetslarm införs under planperioden.",
          consideration=C.ACCEPTED, comment="Ingår i ny åtgärd 10."),
        A("SBN", at(2018, 6, 28, 10, 0),
          "Samhällsbyggnadsnämnden tillstyrker förslaget. Öppna geodata bör prioriteras i åtgärd 1.",
          decision_ref="Samhällsbyggnadsnämnden 2018-06-27 § 88",
          summary="Tillstyrker; vill att öppna geodata prioriteras.",
          consideration=C.PARTLY, comment="Geodata nämns i åtgärd 1; prioriteringen görs vid den årliga avstämningen."),
        A("AVRF", at(2018, 7, 2, 13, 45),
          "Räddningstjänstförbundet ser positivt på handlingsplanen och vill samverka med kommunen om "
          "informationssäkerhet och robust kommunikation vid kris (åtgärd 9).",
          by_link=True, answered_by="Alingsås och Vårgårda Räddningstjänstförbund",
          summary="Positivt; vill samverka om informationssäkerhet och kommunikation vid kris.",
          consideration=C.ACCEPTED, comment="Åtgärd 9 omfattar nu samverkan med förbundet."),
        A("AHEM", at(2018, 7, 10, 8, 55),
          "Alingsåshem AB ser gärna gemensamma e-tjänster för hyresgäster och deltar gärna i arbetet med öppna "
          "data om bostäder.",
          by_link=True, answered_by="Alingsåshem AB",
          summary="Vill ha gemensamma e-tjänster för hyresgäster och delta i arbetet med öppna data.",
          consideration=C.NOTED, comment="Tas upp när åtgärderna 1 och 3 genomförs."),
        A("FABS", at(2018, 7, 16, 16, 10),
          "FABS AB har inga synpunkter på förslaget utöver att digital styrning av kommunens fastigheter bör "
          "samordnas med arbetet om infrastruktur.",
          by_link=True, answered_by="FABS AB",
          summary="Inga synpunkter utöver samordning av digital fastighetsstyrning med infrastrukturarbetet.",
          consideration=C.NOTED),
        A("KIVOS", at(2018, 8, 3, 9, 25),
          "Kommunnätverket Kivos ställer sig bakom inriktningen och erbjuder erfarenhetsutbyte med andra "
          "kommuner i nätverket. Vi beklagar att svaret kommer efter sista svarsdag.",
          by_link=True, answered_by="Kommunnätverket Kivos",
          summary="Ställer sig bakom inriktningen; erbjuder erfarenhetsutbyte.",
          consideration=C.NOTED, comment="Svaret kom in efter sista svarsdag men har beaktats."),
        # Bygg- och miljönämnden and Internetstiftelsen i Sverige never answer.
    ),
    assessed=at(2018, 8, 14, 9, 0),
    compiled=at(2018, 8, 15, 14, 0),
    revised=at(2018, 8, 17, 10, 0),
    revised_text=ACTION_PLAN_REVISED,
    revision_note="Kommunledningskontoret har vägt in remissvaren och reviderat handlingsplanen (exempeldata).",
    changes=(
        ChangeSpec("Åtgärd 6 och 7: kompetensutvecklingen omfattar även pedagogisk personal i förskola och skola, "
                   "och biblioteken vägleder invånare.", ("BUN", "KFN")),
        ChangeSpec("Ny åtgärd 10: välfärdsteknik i socialtjänst och äldreomsorg, bland annat digitala "
                   "trygghetslarm.", ("SN", "ÄN")),
        ChangeSpec("Åtgärd 9: informationssäkerhet i samverkan med räddningstjänstförbundet om robust "
                   "kommunikation vid kris.", ("AVRF",)),
    ),
    closed=at(2018, 8, 20, 9, 0),
)

D = DocumentSpec
TITLE_2017_676 = "Digital målbild för Alingsås kommun – öppen och smart samt tillhörande handlingsplan"

# --- politicians, meetings and decisions ---------------------------------------------------
# Facts (from the report): KF 2015-11-25 § 180 adopted the e-strategy; KF 2017-12-13 § 251
# adopted Flerårsstrategi 2018–2020 and gave KS the assignment; KSAU 2018-02-28 § 8 sent the
# proposed action plan on remiss; KSAU 2018-04-25 § 53 extended the remiss time to and
# including 2018-07-27; the two proposed decisions and whom the decision goes to. Example
# data: the politicians and their parties, meeting times, places, agendas, attendance,
# adjusters, the KS meeting 2018-09-24 (§ 160) and the KF meeting 2018-10-31 (§ 190). Each
# decision carries a note ("protokollsanteckning") that says which is which.
POLITICIAN_TITLE = "Förtroendevald (exempeldata)"
MR = Membership.Role
KF_2014 = (dt.date(2014, 10, 15), dt.date(2018, 10, 14))  # the council's term of office
KF_2018 = (dt.date(2018, 10, 15), dt.date(2022, 10, 14))
KS_2015 = (dt.date(2015, 1, 1), dt.date(2018, 12, 31))  # the boards' term
KS_2019 = (dt.date(2019, 1, 1), dt.date(2022, 12, 31))
MEMBERSHIPS = [  # organ, (start, end), ((role, name, party), …): all example data
    ("KF", KF_2014, (
        (MR.CHAIR, "Birgitta Holm", "S"), (MR.VICE_CHAIR, "Lars Edlund", "M"),
        (MR.MEMBER, "Mats Engström", "M"), (MR.MEMBER, "Anna Lindgren", "S"), (MR.MEMBER, "Karin Sandberg", "L"),
        (MR.MEMBER, "Olof Magnusson", "MP"), (MR.MEMBER, "Helena Strand", "KD"),
        (MR.MEMBER, "Anders Wikström", "C"), (MR.MEMBER, "Erik Dahl", "V"),
        (MR.SUBSTITUTE, "Jonas Berg", "S"), (MR.SUBSTITUTE, "Ulla Persson", "M"),
    )),
    ("KF", KF_2018, (
        (MR.CHAIR, "Lars Edlund", "M"), (MR.VICE_CHAIR, "Birgitta Holm", "S"),
        (MR.MEMBER, "Mats Engström", "M"), (MR.MEMBER, "Anna Lindgren", "S"), (MR.MEMBER, "Karin Sandberg", "L"),
        (MR.MEMBER, "Sofia Åberg", "MP"), (MR.MEMBER, "Helena Strand", "KD"),
        (MR.MEMBER, "Anders Wikström", "C"), (MR.MEMBER, "Erik Dahl", "V"),
        (MR.SUBSTITUTE, "Jonas Berg", "S"), (MR.SUBSTITUTE, "Olof Magnusson", "MP"),
    )),
    ("KS", KS_2015, (
        (MR.CHAIR, "Mats Engström", "M"), (MR.VICE_CHAIR, "Anna Lindgren", "S"),
        (MR.MEMBER, "Karin Sandberg", "L"), (MR.MEMBER, "Anders Wikström", "C"),
        (MR.MEMBER, "Olof Magnusson", "MP"), (MR.MEMBER, "Erik Dahl", "V"),
        (MR.SUBSTITUTE, "Ulla Persson", "M"), (MR.SUBSTITUTE, "Jonas Berg", "S"),
    )),
    ("KSAU", KS_2015, (
        (MR.CHAIR, "Mats Engström", "M"), (MR.VICE_CHAIR, "Anna Lindgren", "S"), (MR.MEMBER, "Karin Sandberg", "L"),
        (MR.SUBSTITUTE, "Anders Wikström", "C"),
    )),
    ("KS", KS_2019, (  # receives the yearly follow-ups of the action plan
        (MR.CHAIR, "Mats Engström", "M"), (MR.VICE_CHAIR, "Anna Lindgren", "S"),
        (MR.MEMBER, "Karin Sandberg", "L"), (MR.MEMBER, "Anders Wikström", "C"),
        (MR.MEMBER, "Sofia Åberg", "MP"), (MR.MEMBER, "Erik Dahl", "V"),
        (MR.SUBSTITUTE, "Ulla Persson", "M"), (MR.SUBSTITUTE, "Jonas Berg", "S"),
    )),
]
SECRETARY = "Eva Lundqvist"  # the registrar keeps the minutes
BOARDS = "*boards"  # in recipients: every board, in the order of ORGANS
DISPATCH_2017_676 = (BOARDS, "FABS", "AHEM", "AEAB")  # "Beslutet ska skickas till" of the report

NOTE_FACT = ("Exempeldata: beslutet är hämtat ur tjänsteskrivelsen 2018-08-23 i ärende 2017.676 KS; sammanträdets "
             "tid och plats, ledamöterna, närvaron och justeringen är påhittade för demonstrationen.")
NOTE_EXAMPLE = ("Exempeldata: sammanträdet, paragrafnumret, ledamöterna, närvaron och justeringen är påhittade för "
                "demonstrationen; beslutet följer förslaget i tjänsteskrivelsen 2018-08-23.")

VISION = "Digital målbild för Alingsås kommun – öppen och smart"
PROPOSAL_KS = (f"Handlingsplan {VISION} godkänns under förutsättning att kommunfullmäktige antar {VISION}.")
PROPOSAL_KF = f"{VISION}, antas."
CONDITION_KF = f"{VISION} antas"  # shown as "… under förutsättning att Kommunfullmäktige fattar beslut: …"


@dataclass(frozen=True)
class DecisionSpec:
    paragraph: int  # the organ's paragraph number that year; the counter is moved to just before it
    title: str
    text: str
    recorded: dt.datetime
    note: str  # a "protokollsanteckning" saying what is fact and what example data
    documents: tuple[str, ...] = ()  # supporting documents on the agenda: descriptions on the case start so
    proposal: str = ""  # "report": the officer's report's proposal to the organ; "forwarded": one carried forward
    condition: tuple[str, str] | None = None  # (organ code, text): takes effect when that organ decides
    forward: tuple[str, str] | None = None  # (organ code, text): proposes that organ decide
    assignments: tuple[tuple[str, str], ...] = ()  # (organ code, description)
    recipients: tuple[str, ...] = ()  # organ codes (BOARDS: every board) or names of people
    dispatched: dt.datetime | None = None
    follow_up: int | None = None  # the action plan's yearly follow-up report of that year, put on the agenda


@dataclass(frozen=True)
class MeetingSpec:
    organ: str
    date: dt.date
    start: dt.time
    end: dt.time
    place: str
    adjusters: tuple[str, ...]
    planned: dt.datetime  # planned, with its agenda
    notice: dt.datetime  # notice ("kallelse") published
    decisions: tuple[DecisionSpec, ...]
    signed: tuple[dt.datetime, ...]  # the chair, then each adjuster; the last signature adjusts the minutes
    posted: dt.date  # the adjusted minutes posted on the notice board


@dataclass(frozen=True)
class ReportSpec:
    """An officer's report written through the services; its background and
    opinion are the sections of the seed text, the original text is kept as a
    second file of the same document."""

    written: dt.datetime
    title: str
    addressed_to: str
    office: str
    proposals: tuple[tuple[str, str, str | None, str], ...]  # organ, text, condition organ, condition text
    dispatch_to: tuple[str, ...]
    signatories: tuple[tuple[str, str], ...]


def _time(hour: int, minute: int = 0) -> dt.time:
    return dt.time(hour, minute)


KF_2015_11_25 = MeetingSpec(
    "KF", dt.date(2015, 11, 25), _time(18), _time(21, 30), "Stadshuset, fullmäktigesalen",
    adjusters=("Karin Sandberg", "Erik Dahl"), planned=at(2015, 11, 2, 9), notice=at(2015, 11, 13, 9),
    decisions=(
        DecisionSpec(180, "E-strategi för Alingsås kommun", "Kommunfullmäktige antar e-strategi för Alingsås kommun.",
                     at(2015, 11, 25, 18, 40), NOTE_FACT, documents=("Förslag till e-strategi",),
                     recipients=("KS", BOARDS), dispatched=at(2015, 11, 30, 10)),
    ),
    signed=(at(2015, 11, 27, 15), at(2015, 11, 30, 8, 30), at(2015, 11, 30, 9)), posted=dt.date(2015, 11, 30),
)
KF_2017_12_13 = MeetingSpec(
    "KF", dt.date(2017, 12, 13), _time(18), _time(22), "Stadshuset, fullmäktigesalen",
    adjusters=("Anders Wikström", "Helena Strand"), planned=at(2017, 11, 20, 9), notice=at(2017, 11, 30, 9),
    decisions=(
        DecisionSpec(
            251, "Flerårsstrategi 2018–2020 för Alingsås kommun",
            "Kommunfullmäktige antar Flerårsstrategi 2018–2020. Alingsås kommun ska ta tillvara digitaliseringens "
            "utvecklingsmöjligheter och organisationens vilja att förändra i högre utsträckning.\n\n"
            "Kommunstyrelsen ska skyndsamt ta fram ett program för Alingsås digitala färdriktning där mål "
            "konkretiseras genom en handlingsplan, och en ny digital enhet under kommunstyrelsen upprättas i syfte "
            "att säkerställa utvecklingsarbetet.",
            at(2017, 12, 13, 19, 15), NOTE_FACT,
            assignments=(("KS", "Ta skyndsamt fram ett program för Alingsås digitala färdriktning där mål "
                                "konkretiseras genom en handlingsplan, och upprätta en ny digital enhet under "
                                "kommunstyrelsen i syfte att säkerställa utvecklingsarbetet."),),
            recipients=("KS", BOARDS, "FABS", "AHEM", "AEAB"), dispatched=at(2017, 12, 15, 10),
        ),
    ),
    signed=(at(2017, 12, 14, 16), at(2017, 12, 15, 8, 30), at(2017, 12, 15, 9)), posted=dt.date(2017, 12, 15),
)
KSAU_2018_02_28 = MeetingSpec(
    "KSAU", dt.date(2018, 2, 28), _time(8, 30), _time(11), "Stadshuset, sammanträdesrum Mjörn",
    adjusters=("Anna Lindgren",), planned=at(2018, 2, 21, 9), notice=at(2018, 2, 22, 9),
    decisions=(
        DecisionSpec(
            8, f"Remiss av förslag till handlingsplan {VISION}",
            "Förslag till handlingsplan remitteras till samtliga nämnder och kommunala bolag samt till Alingsås och "
            "Vårgårda Räddningstjänstförbund samt till de externa intressenterna: föreningen Sambruk, "
            "kommunnätverket Kivos och Internetstiftelsen i Sverige.",
            at(2018, 2, 28, 9, 10), NOTE_FACT, documents=("Förslag till handlingsplan",),
            recipients=("Göran Westerlund",), dispatched=at(2018, 3, 1, 10),
        ),
    ),
    signed=(at(2018, 3, 1, 8), at(2018, 3, 1, 8, 30)), posted=dt.date(2018, 3, 1),
)
KSAU_2018_04_25 = MeetingSpec(
    "KSAU", dt.date(2018, 4, 25), _time(8, 30), _time(11, 30), "Stadshuset, sammanträdesrum Mjörn",
    adjusters=("Karin Sandberg",), planned=at(2018, 4, 16, 9), notice=at(2018, 4, 18, 9),
    decisions=(
        DecisionSpec(
            53, f"Förlängd remisstid för förslag till handlingsplan {VISION}",
            "Remisstiden förlängs till och med den 27 juli 2018 för att samtliga nämnder ska kunna behandla sina "
            "remissvar.",
            at(2018, 4, 25, 9, 20), NOTE_FACT, recipients=("Göran Westerlund",), dispatched=at(2018, 4, 26, 10),
        ),
    ),
    signed=(at(2018, 4, 26, 8), at(2018, 4, 26, 8, 30)), posted=dt.date(2018, 4, 26),
)
KS_2018_09_24 = MeetingSpec(
    "KS", dt.date(2018, 9, 24), _time(13), _time(16, 30), "Stadshuset, sessionssalen",
    adjusters=("Anna Lindgren", "Olof Magnusson"), planned=at(2018, 9, 3, 9), notice=at(2018, 9, 14, 9),
    decisions=(
        DecisionSpec(
            160, TITLE_2017_676,
            f"Kommunstyrelsen föreslår kommunfullmäktige besluta:\n{PROPOSAL_KF}\n\n"
            f"Kommunstyrelsen beslutar för egen del:\n{PROPOSAL_KS}\n\n"
            "Tidigare beslut i ärendet: KF 2015-11-25 § 180, KF 2017-12-13 § 251, KSAU 2018-02-28 § 8 och "
            "KSAU 2018-04-25 § 53.",
            at(2018, 9, 24, 14, 10), NOTE_EXAMPLE,
            documents=("Tjänsteskrivelse", "Förslag till handlingsplan", "Remissammanställning"), proposal="report",
            condition=("KF", CONDITION_KF), forward=("KF", PROPOSAL_KF),
            recipients=DISPATCH_2017_676, dispatched=at(2018, 11, 5, 9),
        ),
    ),
    signed=(at(2018, 9, 26, 10), at(2018, 9, 27, 9), at(2018, 9, 27, 9, 30)), posted=dt.date(2018, 9, 27),
)
KF_2018_10_31 = MeetingSpec(
    "KF", dt.date(2018, 10, 31), _time(18), _time(21, 45), "Stadshuset, fullmäktigesalen",
    adjusters=("Sofia Åberg", "Anders Wikström"), planned=at(2018, 10, 8, 9), notice=at(2018, 10, 19, 9),
    decisions=(
        DecisionSpec(
            190, VISION,
            f"{PROPOSAL_KF}\n\nKommunstyrelsen har berett ärendet, KS 2018-09-24 § 160.",
            at(2018, 10, 31, 19, 30), NOTE_EXAMPLE,
            documents=("Tjänsteskrivelse", "Förslag till handlingsplan"), proposal="forwarded",
            recipients=DISPATCH_2017_676, dispatched=at(2018, 11, 5, 9, 15),
        ),
    ),
    signed=(at(2018, 11, 1, 15), at(2018, 11, 2, 9), at(2018, 11, 2, 9, 15)), posted=dt.date(2018, 11, 2),
)

# --- the yearly follow-ups to KS ------------------------------------------------------------
NOTE_FOLLOW_UP = ("Exempeldata: sammanträdet, paragrafnumret, ledamöterna, närvaron, justeringen och uppföljningen "
                  "är påhittade för demonstrationen. Att utfallet av handlingsplanen redovisas årligen till "
                  "kommunstyrelsen är hämtat ur tjänsteskrivelsen 2018-08-23.")
ACTION_PLAN = f"Handlingsplan {VISION}"

KS_2020_03_02 = MeetingSpec(
    "KS", dt.date(2020, 3, 2), _time(13), _time(16), "Stadshuset, sessionssalen",
    adjusters=("Karin Sandberg", "Erik Dahl"), planned=at(2020, 2, 10, 9), notice=at(2020, 2, 21, 9),
    decisions=(
        DecisionSpec(
            38, f"Uppföljning 2019 av {ACTION_PLAN}",
            "Kommunstyrelsen godkänner uppföljningen 2019 av handlingsplanen och lägger den till handlingarna.\n\n"
            "Kommunstyrelsen godkänner den reviderade handlingsplanen (version 2): budgeten för bredbandsutbyggnaden "
            "och e-tjänsteplattformen fördelas om mellan 2020 och 2021 inom ramen för Flerårsstrategi 2018–2020.",
            at(2020, 3, 2, 14, 0), NOTE_FOLLOW_UP, follow_up=2019,
        ),
    ),
    signed=(at(2020, 3, 4, 10), at(2020, 3, 5, 9), at(2020, 3, 5, 9, 30)), posted=dt.date(2020, 3, 5),
)
KS_2021_03_01 = MeetingSpec(
    "KS", dt.date(2021, 3, 1), _time(13), _time(15, 30), "Stadshuset, sessionssalen (även på distans)",
    adjusters=("Anders Wikström", "Sofia Åberg"), planned=at(2021, 2, 8, 9), notice=at(2021, 2, 19, 9),
    decisions=(
        DecisionSpec(
            29, f"Uppföljning 2020 av {ACTION_PLAN}",
            "Kommunstyrelsen godkänner uppföljningen 2020 av handlingsplanen och lägger den till handlingarna. "
            "Kommunstyrelsen noterar att åtgärden för digital ansökan om bygglov har avbrutits och att "
            "bibliotekens digitala vägledning har skjutits upp till 2021.",
            at(2021, 3, 1, 13, 40), NOTE_FOLLOW_UP, follow_up=2020,
        ),
    ),
    signed=(at(2021, 3, 3, 10), at(2021, 3, 4, 9), at(2021, 3, 4, 9, 30)), posted=dt.date(2021, 3, 4),
)


# --- the vision and the action plan on 2017.676 KS -----------------------------------------------
# Facts (from the report): the vision and the action plan by their names; the plan runs three
# years, brings drift and investering money funded in Flerårsstrategi 2018–2020, is reconciled
# at least yearly, its process owner is the kommundirektör and its outcome is reported yearly
# to KS. Example data: the goals, indicators, the actions' people, dates and budgets, the
# follow-ups and their answers, the re-budgeting of 2020. Their descriptions say so.
S = ActionReport.Status
FUNDING = "Flerårsstrategi 2018–2020"
PLAN_EXAMPLE = ("Exempeldata: målen, indikatorerna, åtgärdernas ansvariga, tider och budget samt uppföljningarna är "
                "påhittade för demonstrationen. Fakta ur tjänsteskrivelsen 2018-08-23: planen gäller i tre år, "
                "omfattar drift- och investeringsmedel som finansieras inom Flerårsstrategi 2018–2020, stäms av "
                "minst en gång per år eller vid behov, processägare är kommundirektören och utfallet redovisas "
                "årligen till kommunstyrelsen.")


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    unit: str
    baseline: int  # 2018
    targets: tuple[int, int, int]  # 2019, 2020, 2021
    measured: tuple[int, ...]  # 2019, 2020: the value given in each yearly follow-up


@dataclass(frozen=True)
class ReportRowSpec:  # one action in one yearly follow-up
    status: str
    progress: int
    used: tuple[int, int]  # kronor used that year: drift, investering
    comment: str
    internal: bool = False


@dataclass(frozen=True)
class ActionSpec:
    number: int  # "Åtgärd N" of the action plan file on the case
    title: str
    organ: str
    person: str
    start: dt.date
    end: dt.date
    budgets: tuple[tuple[int, int, int], ...]  # (year, drift, investering)
    reports: tuple[ReportRowSpec, ReportRowSpec]  # 2019, 2020
    also: str = ""  # others responsible, in the description
    internal_note: str = ""
    revised: tuple[dt.date, tuple[tuple[int, int, int], ...]] | None = None  # version 2: new end and budgets


@dataclass(frozen=True)
class GoalSpec:
    title: str
    indicators: tuple[IndicatorSpec, ...]
    actions: tuple[ActionSpec, ...]


@dataclass(frozen=True)
class FocusAreaSpec:
    title: str
    vision: str  # what the vision says about it
    goals: tuple[GoalSpec, ...]


@dataclass(frozen=True)
class FollowUpSpec:
    year: int
    opened: dt.datetime
    deadline: dt.date
    answered: tuple[tuple[str, dt.datetime], ...]  # (person, when): each answers for all their actions
    values: dt.datetime  # the indicator values, given by the plan's case officer
    closed: dt.datetime
    report: dt.datetime


@dataclass(frozen=True)
class PlanSpec:
    created: dt.datetime
    process_owner: str
    process_owner_role: str
    vision_adopted: tuple[dt.datetime, str]  # (when, decision reference)
    plan_adopted: tuple[dt.datetime, str, str]  # (when, decision reference, note)
    focus_areas: tuple[FocusAreaSpec, ...]
    follow_ups: tuple[FollowUpSpec, ...]
    revised: dt.datetime  # the working copy re-budgeted
    revision_adopted: tuple[dt.datetime, str, str]  # (when, decision reference, note): version 2


def _y(*budgets: tuple[int, int]) -> tuple[tuple[int, int, int], ...]:
    return tuple((2019 + i, drift, investment) for i, (drift, investment) in enumerate(budgets))


I, R = IndicatorSpec, ReportRowSpec
PLANS_2017_676 = PlanSpec(
    created=at(2018, 8, 21, 9, 0),
    process_owner="Anneli Schwartz", process_owner_role="Kommundirektör",
    vision_adopted=(at(2018, 10, 31, 19, 35), "KF 2018-10-31 § 190"),
    plan_adopted=(at(2018, 9, 24, 14, 15), "KS 2018-09-24 § 160",
                  "Godkänd under förutsättning att kommunfullmäktige antar målbilden; gäller från KF 2018-10-31 "
                  "§ 190."),
    focus_areas=(
        FocusAreaSpec(
            "Öppna data och transparens",
            "Kommunens information är öppen, lätt att hitta och fri att återanvända, och invånarna kan följa "
            "hur besluten fattas.",
            (
                GoalSpec("Kommunens data är öppen och lätt att återanvända",
                         (I("Publicerade öppna datamängder", "antal", 4, (15, 30, 45), (14, 32)),),
                         (ActionSpec(1, "Publicera kommunens öppna data, till exempel geodata, i ett samlat "
                                        "dataregister", "KS", "Göran Westerlund",
                                     dt.date(2019, 1, 1), dt.date(2021, 12, 31),
                                     _y((350_000, 200_000), (300_000, 100_000), (250_000, 0)),
                                     (R(S.ONGOING, 35, (330_000, 180_000),
                                        "Dataregistret är öppnat med 14 datamängder, bland annat geodata från "
                                        "samhällsbyggnadsförvaltningen."),
                                      R(S.ONGOING, 70, (310_000, 90_000),
                                        "32 datamängder är publicerade; Alingsåshem AB bidrar med data om "
                                        "bostäder."))),)),
                GoalSpec("Invånarna kan följa kommunens beslut digitalt",
                         (I("Andel av fullmäktiges sammanträden som sänds och arkiveras digitalt", "procent", 0,
                            (80, 100, 100), (90, 100)),),
                         (ActionSpec(2, "Sänd och arkivera kommunfullmäktiges sammanträden digitalt", "KS",
                                     "Annika Holmberg", dt.date(2019, 2, 1), dt.date(2019, 12, 31),
                                     _y((120_000, 450_000), (100_000, 0), (100_000, 0)),
                                     (R(S.DONE, 100, (135_000, 430_000),
                                        "Sammanträdena sänds sedan april 2019 och arkivet är öppet på webben."),
                                      R(S.DONE, 100, (95_000, 0),
                                        "Sändningarna är en del av den löpande driften."))),)),
            ),
        ),
        FocusAreaSpec(
            "Digitala e-tjänster för invånare och företag",
            "Invånare och företag kan sköta sina ärenden med kommunen digitalt, när och var det passar dem.",
            (
                GoalSpec("Invånare och företag kan sköta sina ärenden digitalt dygnet runt",
                         (I("E-tjänster med inloggning med e-legitimation", "antal", 12, (30, 60, 90), (18, 64)),
                          I("Andel ansökningar om bygglov som kommer in digitalt", "procent", 5, (30, 60, 80),
                            (8, 12))),
                         (ActionSpec(3, "Inför en gemensam e-tjänsteplattform med inloggning med e-legitimation",
                                     "KS", "Göran Westerlund", dt.date(2019, 1, 1), dt.date(2020, 6, 30),
                                     _y((500_000, 1_200_000), (450_000, 300_000), (400_000, 0)),
                                     (R(S.ONGOING, 50, (520_000, 950_000),
                                        "Plattformen är upphandlad sedan föreningen Sambruks gemensamma plattform "
                                        "prövats, som remissvaret föreslog. 18 e-tjänster är i drift; "
                                        "införandet tar ett halvår längre än planerat."),
                                      R(S.DONE, 100, (610_000, 420_000),
                                        "Plattformen är i drift med 64 e-tjänster och inloggning med "
                                        "e-legitimation.")),
                                     revised=(dt.date(2020, 12, 31),
                                              _y((500_000, 1_200_000), (600_000, 400_000), (400_000, 0)))),
                          ActionSpec(4, "Gör ansökan om bygglov och tillstånd digital", "BMN", "Henrik Palm",
                                     dt.date(2019, 9, 1), dt.date(2021, 6, 30),
                                     _y((100_000, 0), (250_000, 400_000), (150_000, 200_000)),
                                     (R(S.ONGOING, 10, (60_000, 0),
                                        "Förstudien är klar. E-tjänsten för bygglov byggs på den nya "
                                        "e-tjänsteplattformen."),
                                      R(S.CANCELLED, 15, (40_000, 0),
                                        "Avbruten: Bygg- och miljönämnden ansluter i stället till en regional "
                                        "e-tjänst för bygglov som upphandlas tillsammans med grannkommunerna. "
                                        "Medlen som inte har använts återförs.")))),
                         ),
            ),
        ),
        FocusAreaSpec(
            "Smart verksamhetsutveckling",
            "Digitaliseringen används för att utveckla verksamheten, frigöra tid för kärnuppdraget och ge "
            "invånarna trygghet och självständighet.",
            (
                GoalSpec("Digitala arbetssätt frigör tid för kärnverksamheten",
                         (I("Andel ärenden som hanteras helt digitalt", "procent", 10, (40, 70, 90), (35, 68)),),
                         (ActionSpec(5, "Inför digitala arbetssätt för ärendehantering och diarium", "KS",
                                     "Eva Lundqvist", dt.date(2019, 1, 1), dt.date(2021, 12, 31),
                                     _y((300_000, 800_000), (250_000, 200_000), (200_000, 0)),
                                     (R(S.ONGOING, 40, (280_000, 760_000),
                                        "Det nya diariet är i drift på kommunledningskontoret sedan oktober 2019; "
                                        "nämnderna ansluts under 2020."),
                                      R(S.ONGOING, 75, (260_000, 190_000),
                                        "Sex av sju nämnder hanterar sina ärenden digitalt."))),)),
                GoalSpec("Välfärdsteknik ger trygghet och självständighet",
                         (I("Brukare med digitalt trygghetslarm", "antal", 0, (300, 700, 900), (420, 760)),),
                         (ActionSpec(10, "Inför välfärdsteknik i socialtjänst och äldreomsorg, bland annat "
                                         "digitala trygghetslarm", "ÄN", "Maria Nilsson",
                                     dt.date(2019, 5, 1), dt.date(2021, 12, 31),
                                     _y((400_000, 1_500_000), (600_000, 900_000), (600_000, 300_000)),
                                     (R(S.ONGOING, 30, (380_000, 1_400_000),
                                        "Digitala trygghetslarm har ersatt de analoga hos 420 brukare."),
                                      R(S.ONGOING, 65, (640_000, 880_000),
                                        "Digital tillsyn nattetid prövas i två hemtjänstområden.")),
                                     also="Socialnämnden och Äldreomsorgsnämnden"),)),
            ),
        ),
        FocusAreaSpec(
            "Digital kompetens",
            "Medarbetare, chefer och invånare har den digitala kompetens som behövs för att använda och "
            "utveckla digitala tjänster.",
            (
                GoalSpec("Medarbetare och chefer har den digitala kompetens uppdraget kräver",
                         (I("Andel medarbetare som gått grundutbildningen i digitalisering", "procent", 0,
                            (30, 60, 90), (34, 58)),),
                         (ActionSpec(6, "Kompetensutveckling i digitalisering för chefer och medarbetare, även "
                                        "pedagogisk personal i förskola och skola", "KS", "Peter Sundin",
                                     dt.date(2019, 1, 1), dt.date(2021, 12, 31),
                                     _y((600_000, 150_000), (550_000, 0), (500_000, 0)),
                                     (R(S.ONGOING, 35, (540_000, 150_000),
                                        "34 procent av medarbetarna har gått grundutbildningen, även pedagogisk "
                                        "personal i förskola och skola."),
                                      R(S.ONGOING, 60, (420_000, 0),
                                        "Utbildningen ges på webben sedan våren 2020.")),
                                     also="Kommunstyrelsen och Barn- och ungdomsnämnden"),)),
                GoalSpec("Invånare får stöd att använda digitala tjänster",
                         (I("Besök i bibliotekens digitala vägledning", "antal", 200, (600, 1000, 1400),
                            (650, 380)),),
                         (ActionSpec(7, "Digitala mötesplatser och vägledning för invånare på biblioteken", "KFN",
                                     "Ingrid Falk", dt.date(2019, 3, 1), dt.date(2020, 12, 31),
                                     _y((200_000, 150_000), (200_000, 50_000), (150_000, 0)),
                                     (R(S.ONGOING, 30, (190_000, 140_000),
                                        "Digitala mötesplatser finns på huvudbiblioteket och i Sollebrunn."),
                                      R(S.POSTPONED, 40, (80_000, 0),
                                        "Uppskjuten till 2021: biblioteken har haft begränsade öppettider under "
                                        "pandemin, och vägledningen på plats har fått vila."))),)),
            ),
        ),
        FocusAreaSpec(
            "Infrastruktur och informationssäkerhet",
            "Hela kommunen har tillgång till snabbt och robust bredband, och informationen är säker och "
            "tillgänglig även vid kris.",
            (
                GoalSpec("Snabbt bredband i hela kommunen",
                         (I("Andel hushåll med tillgång till bredband om minst 100 Mbit/s", "procent", 72,
                            (80, 88, 95), (79, 86)),),
                         (ActionSpec(8, "Bygg ut bredband till hela kommunen", "KS", "Fredrik Lindholm",
                                     dt.date(2019, 1, 1), dt.date(2021, 12, 31),
                                     _y((200_000, 3_000_000), (200_000, 3_500_000), (150_000, 2_500_000)),
                                     (R(S.ONGOING, 30, (210_000, 2_600_000),
                                        "Fiber till 640 hushåll på landsbygden. Grävningen i norra delen av "
                                        "kommunen är försenad; budgeten föreslås flyttas från 2020 till 2021."),
                                      R(S.ONGOING, 60, (190_000, 2_450_000),
                                        "Fiber till ytterligare 820 hushåll.")),
                                     revised=(dt.date(2021, 12, 31),
                                              _y((200_000, 3_000_000), (200_000, 2_500_000),
                                                 (150_000, 3_500_000)))),)),
                GoalSpec("Informationen är säker och tillgänglig även vid kris",
                         (I("Andel verksamheter med genomförd informationsklassning", "procent", 5, (40, 75, 100),
                            (40, 72)),),
                         (ActionSpec(9, "Inför ett ledningssystem för informationssäkerhet, i samverkan med "
                                        "Alingsås och Vårgårda Räddningstjänstförbund om robust kommunikation "
                                        "vid kris", "KS", "Lena Åkesson", dt.date(2019, 1, 1),
                                     dt.date(2021, 12, 31),
                                     _y((450_000, 300_000), (400_000, 150_000), (350_000, 0)),
                                     (R(S.ONGOING, 35, (430_000, 280_000),
                                        "Ledningssystemet är beslutat och informationsklassningen är gjord i 40 "
                                        "procent av verksamheterna. Övning om kriskommunikation med "
                                        "räddningstjänstförbundet i november 2019."),
                                      R(S.ONGOING, 70, (410_000, 160_000),
                                        "Två säkerhetsincidenter har hanterats enligt ledningssystemet; "
                                        "åtgärderna redovisas i den sekretessbelagda säkerhetsbedömningen.",
                                        internal=True)),
                                     internal_note="Detaljerna om skyddet av IT-infrastrukturen finns i "
                                                   "säkerhetsbedömningen på ärendet, som är sekretessbelagd "
                                                   "(exempeldata)."),)),
            ),
        ),
    ),
    follow_ups=(
        FollowUpSpec(
            2019, opened=at(2020, 1, 8, 9), deadline=dt.date(2020, 1, 31),
            answered=(("Göran Westerlund", at(2020, 1, 20, 15)), ("Annika Holmberg", at(2020, 1, 14, 10)),
                      ("Eva Lundqvist", at(2020, 1, 22, 11)), ("Maria Nilsson", at(2020, 1, 24, 9, 30)),
                      ("Peter Sundin", at(2020, 1, 27, 14)), ("Ingrid Falk", at(2020, 1, 28, 10)),
                      ("Fredrik Lindholm", at(2020, 1, 30, 16)), ("Lena Åkesson", at(2020, 1, 31, 11)),
                      ("Henrik Palm", at(2020, 2, 4, 13))),  # after the deadline
            values=at(2020, 2, 5, 10), closed=at(2020, 2, 6, 9), report=at(2020, 2, 6, 10),
        ),
        FollowUpSpec(
            2020, opened=at(2021, 1, 11, 9), deadline=dt.date(2021, 2, 1),
            answered=(("Annika Holmberg", at(2021, 1, 15, 10)), ("Göran Westerlund", at(2021, 1, 19, 15)),
                      ("Henrik Palm", at(2021, 1, 20, 9)), ("Eva Lundqvist", at(2021, 1, 21, 11)),
                      ("Maria Nilsson", at(2021, 1, 25, 9, 30)), ("Peter Sundin", at(2021, 1, 26, 14)),
                      ("Ingrid Falk", at(2021, 1, 27, 10)), ("Fredrik Lindholm", at(2021, 1, 29, 16)),
                      ("Lena Åkesson", at(2021, 2, 1, 11))),
            values=at(2021, 2, 2, 10), closed=at(2021, 2, 3, 9), report=at(2021, 2, 3, 10),
        ),
    ),
    revised=at(2020, 2, 7, 10),
    revision_adopted=(at(2020, 3, 2, 14, 5), "KS 2020-03-02 § 38",
                      "Budgeten för e-tjänsteplattformen och bredbandsutbyggnaden fördelas om mellan 2020 och 2021 "
                      "(exempeldata)."),
)
del I, R


REPORT_2017_676 = ReportSpec(
    written=at(2018, 8, 23, 14, 0),
    title=TITLE_2017_676,
    addressed_to="KS",
    office="Kommunledningskontoret",
    proposals=(("KS", PROPOSAL_KS, "KF", CONDITION_KF), ("KF", PROPOSAL_KF, None, "")),
    dispatch_to=("Samtliga nämnder", "FABS AB", "Alingsåshem AB", "Alingsås Energi AB"),
    signatories=(("Anneli Schwartz", "Tf. Kommundirektör"), ("Göran Westerlund", "Digitaliseringsansvarig")),
)

CASES = [
    CaseSpec(
        "KS", 412, at(2015, 5, 4), "E-strategi för Alingsås kommun",
        "Kommunfullmäktige antog e-strategin 2015-11-25 § 180. Exempeldata: diarienumret och "
        "handlingarna före beslutet är påhittade.",
        officer="Göran Westerlund", classification="1.2.1",
        documents=(
            D(at(2015, 10, 12), DRAWN_UP, f"Förslag till e-strategi för Alingsås kommun ({EXAMPLE})",
              filename="forslag-e-strategi.txt"),
        ),
        meetings=(KF_2015_11_25,),
        close=f"Beslutet är fattat och expedierat ({EXAMPLE}).",
    ),
    CaseSpec(
        "KS", 210, at(2017, 3, 20), "Flerårsstrategi 2018–2020 för Alingsås kommun",
        "Kommunfullmäktige antog flerårsstrategin 2017-12-13 § 251. Exempeldata: diarienumret är påhittat.",
        officer="Anneli Schwartz", classification="1.2.1",
        meetings=(KF_2017_12_13,),
    ),
    CaseSpec(
        "KS", 676, at(2017, 12, 18), TITLE_2017_676,
        "Ärendet, dess handläggare och de beslut som tjänsteskrivelsen 2018-08-23 hänvisar till är "
        "hämtade ur tjänsteskrivelsen. Handlingar märkta exempeldata är påhittade för demonstrationen. I "
        "remissen är beslutet om remiss, remissinstanserna och förlängningen till 2018-07-27 hämtade ur "
        "tjänsteskrivelsen; utskicksdag, remissvaren, bedömningarna och revideringen är exempeldata.",
        officer="Göran Westerlund", classification="1.2.1", remiss=REMISS_2017_676,
        documents=(
            D(at(2017, 12, 18, 10, 5), INTERNAL,
              "Protokollsutdrag KF 2017-12-13 § 251: uppdrag till kommunstyrelsen att skyndsamt ta fram "
              "ett program för Alingsås digitala färdriktning med en handlingsplan, och att upprätta en "
              "ny digital enhet under kommunstyrelsen",
              counterpart="Kommunfullmäktige", dated=dt.date(2017, 12, 13)),
            D(at(2018, 2, 20), DRAWN_UP,
              f"Förslag till handlingsplan Digital målbild för Alingsås kommun – öppen och smart ({EXAMPLE})",
              filename=ACTION_PLAN_FILENAME),
            D(at(2018, 4, 9), INCOMING, f"Synpunkter på förslaget om öppna data ({EXAMPLE})",
              counterpart="Karl Andersson", private=True),
            D(at(2018, 5, 15), INTERNAL,
              f"Säkerhetsbedömning av kommunens IT-infrastruktur inför handlingsplanen ({EXAMPLE})",
              counterpart="IT-enheten", filename="sakerhetsbedomning.txt",
              secret=("OSL 18 kap. 8 §", ("description",))),
        ),
        # KF § 251's assignment to KS is answered by this case.
        answers=((at(2017, 12, 18, 10, 10), "KF 2017-12-13 § 251"),),
        meetings=(KSAU_2018_02_28, KSAU_2018_04_25, KS_2018_09_24, KF_2018_10_31, KS_2020_03_02, KS_2021_03_01),
        report=REPORT_2017_676, plans=PLANS_2017_676,
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
    elif filename == ACTION_PLAN_FILENAME:
        text = ACTION_PLAN_DRAFT
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
    organisation = accounts.organisation_create(name=ORGANISATION_NAME, slug=ORGANISATION_SLUG,
                                                org_number="212000-1512")  # Alingsås kommun
    organs: dict[str, Organ] = {}
    for code, name, kind, parent, email in ORGANS:
        organs[code] = accounts.organ_create(
            organisation=organisation, name=name, code=code, kind=kind, parent=organs.get(parent), email=email,
        )

    registrar = _user_ensure(REGISTRAR_USERNAME, password, first_name="Eva", last_name="Lundqvist")
    officer = _user_ensure(CASE_OFFICER_USERNAME, password, first_name="Göran", last_name="Westerlund")
    accounts.role_grant(user=registrar, organisation=organisation, role=Role.REGISTRAR)
    accounts.role_grant(user=officer, organisation=organisation, role=Role.CASE_OFFICER)
    logins = {"Göran Westerlund": officer, "Eva Lundqvist": registrar}
    people: dict[str, Person] = {
        name: accounts.person_create(organisation=organisation, name=name, title=title, organ=organs[organ],
                                     user=logins.get(name), email=_email(name) if name in PLAN_OFFICIALS else "")
        for name, title, organ in PEOPLE
    }
    for name in dict.fromkeys(name for _, _, seats in MEMBERSHIPS for _, name, _ in seats):
        people[name] = accounts.person_create(organisation=organisation, name=name, title=POLITICIAN_TITLE)
    for code, (start, end), seats in MEMBERSHIPS:
        for role, name, party in seats:
            decisions.membership_add(actor=registrar, organ=organs[code], person=people[name], role=role,
                                     start=start, end=end, party=party)
    classifications = {
        code: registry.classification_create(actor=admin, organisation=organisation, code=code, title=title,
                                             retention=retention)
        for code, title, retention in CLASSIFICATIONS
    }
    recorded: dict[str, Decision] = {}  # decisions by reference, "KF 2017-12-13 § 251"
    for spec in CASES:
        _case_load(spec, organs=organs, people=people, classifications=classifications,
                   admin=admin, registrar=registrar, officer=officer, recorded=recorded)
    return organisation


def _case_load(spec: CaseSpec, *, organs, people, classifications, admin, registrar, officer,
               recorded: dict[str, Decision]) -> Case:
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
    # Documents and remiss steps in the order they happened, so that document
    # numbers on the case follow the dates.
    timeline: list[tuple[dt.datetime, Callable[[], object]]] = [
        (doc.registered, partial(_document_load, doc, case=case, registrar=registrar)) for doc in spec.documents
    ]
    if spec.remiss:
        timeline += _remiss_steps(spec.remiss, case=case, organs=organs, registrar=registrar, officer=officer)
    if spec.report:
        timeline.append((spec.report.written, partial(_report_load, spec.report, case=case, organs=organs,
                                                      officer=officer)))
    for meeting in spec.meetings:
        timeline += _meeting_steps(meeting, case=case, organs=organs, people=people, admin=admin,
                                   registrar=registrar, recorded=recorded)
    if spec.plans:
        timeline += _plan_steps(spec.plans, case=case, organs=organs, people=people, registrar=registrar,
                                officer=officer, recorded=recorded)
    for when, reference in spec.answers:
        timeline.append((when, partial(_assignment_link, reference, case=case, officer=officer, when=when,
                                       recorded=recorded)))
    for when, step in sorted(timeline, key=lambda item: item[0]):
        if when < spec.registered:
            raise RuntimeError(f"Demo case {spec.title!r}: a step at {when} comes before the case")
        step()
    if spec.close:
        registry.case_close(actor=officer, case=case, reason=spec.close)
    return case


def _document_load(doc: DocumentSpec, *, case: Case, registrar: User) -> Document:
    files = [_file(doc.filename, doc.description)] if doc.filename else []
    document = registry.document_register(
        actor=registrar, case=case, direction=doc.direction, document_date=doc.dated or doc.registered.date(),
        description=doc.description, counterpart=doc.counterpart, counterpart_is_private=doc.private,
        files=files, registered_at=doc.registered,
    )
    if doc.secret:
        ground, masked = doc.secret
        registry.document_mark_secret(actor=registrar, document=document, ground=ground, masked_fields=masked)
    return document


def _remiss_steps(spec: RemissSpec, *, case: Case, organs: dict[str, Organ], registrar: User,
                  officer: User) -> list[tuple[dt.datetime, Callable[[], object]]]:
    """The round as dated steps through the remiss services: the case officer runs
    it, the registrar registers answers that came by post or e-mail, the others
    answer through their personal links. Every service gets the historic time."""
    state: dict[str, RemissRound] = {}
    # The letters are "sent" through a connection that sends nothing: the demo must
    # not mail the example addresses (nor print 13 letters on the console).
    no_mail = get_connection("django.core.mail.backends.dummy.EmailBackend")

    def round_now() -> RemissRound:  # the round as the database has it after the previous step
        state["round"].refresh_from_db()
        return state["round"]

    def recipient(code: str) -> RemissRecipient:
        return state["round"].recipients.get(organ=organs[code])

    def create():
        consulted = DocumentFile.objects.get(document__case=case, filename=spec.consulted)
        state["round"] = remiss.remiss_create(
            actor=officer, case=case, title=spec.title, letter=spec.letter, deadline=spec.deadline,
            recipients=[remiss.RecipientInput(organ=organs[code]) for code, _, kind, _, _ in ORGANS
                        if kind in spec.recipient_kinds],
            files=[consulted], ordered_by=spec.ordered_by, dispatch_mode=RemissRound.DispatchMode.LIST,
            now=spec.created,
        )

    def send():
        round_ = remiss.remiss_send(actor=officer, round=round_now(), now=spec.sent)
        # remiss_send queued one letter per recipient; deliver them now, on the
        # historic day. The queued tasks find them sent (and the round closed) and
        # send nothing when a worker runs later.
        for pk in round_.recipients.values_list("pk", flat=True):
            remiss.remiss_deliver(pk, "letter", now=spec.sent + dt.timedelta(minutes=5), connection=no_mail)

    def extend():
        when, deadline, reason, decision_ref = spec.extend
        remiss.remiss_extend(actor=officer, round=round_now(), deadline=deadline, reason=reason,
                             decision_ref=decision_ref, now=when)

    def answer(a: AnswerSpec):
        text = f"{a.text}\n\nExempeldata: svaret är påhittat för demonstrationen."
        files = [SimpleUploadedFile(a.filename, text.encode("utf-8"), content_type="text/plain")] if a.filename else []
        text = "" if a.filename else text
        if a.by_link:
            remiss.remiss_answer_by_link(
                token=remiss.answer_token(recipient(a.organ)), files=files, text=text, decision_ref=a.decision_ref,
                answered_by=a.answered_by, declined=a.declined, now=a.received,
            )
        else:
            remiss.remiss_answer_inside(
                actor=registrar, recipient=recipient(a.organ), files=files, text=text, decision_ref=a.decision_ref,
                declined=a.declined, received_on=a.received.date(), now=a.received,
            )

    def assess():
        for i, a in enumerate(spec.answers):
            remiss.remiss_assess(actor=officer, recipient=recipient(a.organ), summary=a.summary,
                                 consideration=a.consideration, comment=a.comment,
                                 now=spec.assessed + dt.timedelta(minutes=i))

    def compile_():
        remiss.remiss_compile(actor=officer, round=round_now(), now=spec.compiled)

    def revise():
        round_ = round_now()
        remiss.remiss_revise(
            actor=officer, round=round_, consulted=round_.files.get(filename=spec.consulted),
            upload=SimpleUploadedFile(spec.consulted, spec.revised_text.encode("utf-8"), content_type="text/plain"),
            note=spec.revision_note,
            changes=[remiss.ChangeInput(c.description, [recipient(code).pk for code in c.organs])
                     for c in spec.changes],
            now=spec.revised,
        )

    def close():
        remiss.remiss_close(actor=officer, round=round_now(), now=spec.closed)

    return [
        (spec.created, create), (spec.sent, send), (spec.extend[0], extend),
        *((a.received, partial(answer, a)) for a in spec.answers),
        (spec.assessed, assess), (spec.compiled, compile_), (spec.revised, revise), (spec.closed, close),
    ]


# --- the officer's report, meetings and decisions --------------------------------------------
def _report_section(text: str, heading: str, next_heading: str) -> str:
    """The paragraphs of the seed report between two of its headings, verbatim."""
    lines = text.splitlines()
    start, end = lines.index(heading) + 1, lines.index(next_heading)
    return "\n".join(lines[start:end]).strip()


def _report_load(spec: ReportSpec, *, case: Case, organs: dict[str, Organ], officer: User):
    """The report of 2018-08-23 through officer_report_create: its background and
    opinion are the report's own sections, its proposals and recipients those of
    part A. The original text goes on the same document as a second file: one
    report, one registered document."""
    text = report_text()
    for _, proposal, _, _ in spec.proposals:
        if proposal not in text:
            raise RuntimeError(f"Demo report: the proposal {proposal!r} is not in the seed text")
    report = decisions.officer_report_create(
        actor=officer, case=case, title=spec.title, addressed_to=organs[spec.addressed_to],
        background=_report_section(text, "Ärendebeskrivning", "Förvaltningens yttrande"),
        opinion=_report_section(text, "Förvaltningens yttrande", "Förslag till beslut"),
        proposals=[decisions.ProposalInput(organ=organs[organ], text=proposal, condition_organ=organs.get(condition),
                                           condition_text=condition_text)
                   for organ, proposal, condition, condition_text in spec.proposals],
        dispatch_to=spec.dispatch_to, signatories=[decisions.Signatory(n, t) for n, t in spec.signatories],
        office=spec.office, report_date=spec.written.date(), now=spec.written,
    )
    registry.document_file_add(actor=officer, document=report.document, upload=_file(REPORT_FILENAME, ""),
                               at=spec.written)
    return report


def _recipient_inputs(codes: tuple[str, ...], *, organs: dict[str, Organ],
                      people: dict[str, Person]) -> list[decisions.RecipientInput]:
    out = []
    for code in codes:
        if code == BOARDS:
            out += [decisions.RecipientInput(organ=organs[c]) for c, _, kind, _, _ in ORGANS if kind == K.BOARD]
        elif code in organs:
            out.append(decisions.RecipientInput(organ=organs[code]))
        else:
            out.append(decisions.RecipientInput(person=people[code]))
    return out


def _meeting_steps(spec: MeetingSpec, *, case: Case, organs: dict[str, Organ], people: dict[str, Person],
                   admin: User, registrar: User,
                   recorded: dict[str, Decision]) -> list[tuple[dt.datetime, Callable[[], object]]]:
    """A meeting as dated steps through the decision services: plan it with its
    agenda, publish the notice, open it, record the decisions with the paragraph
    numbers of the story, close it, sign and adjust the minutes, dispatch."""
    organ = organs[spec.organ]
    opened = at(spec.date.year, spec.date.month, spec.date.day, spec.start.hour, spec.start.minute)
    closed = at(spec.date.year, spec.date.month, spec.date.day, spec.end.hour, spec.end.minute)
    if len(spec.signed) != 1 + len(spec.adjusters):
        raise RuntimeError(f"Demo meeting {spec.organ} {spec.date}: one signature for the chair and each adjuster")
    state: dict = {"items": {}, "decisions": {}}
    # The excerpts are "e-mailed" through a connection that sends nothing, on the
    # historic day: the demo must not mail the example addresses.
    no_mail = get_connection("django.core.mail.backends.dummy.EmailBackend")

    def meeting():
        state["meeting"].refresh_from_db()
        return state["meeting"]

    def plan():
        state["meeting"] = decisions.meeting_create(
            actor=registrar, organ=organ, date=spec.date, start_time=spec.start, end_time=spec.end,
            place=spec.place, secretary=people[SECRETARY], adjusters=[people[n] for n in spec.adjusters],
            now=spec.planned,
        )
        for d in spec.decisions:
            documents = [doc for doc in case.documents.filter(is_secret=False).order_by("number")
                         if doc.description.startswith(d.documents)] if d.documents else []
            if d.follow_up:
                round_ = FollowUpRound.objects.get(document__case=case, year=d.follow_up,
                                                   kind=FollowUpRound.Kind.YEARLY)
                item = plans.report_to_agenda(actor=registrar, round=round_, meeting=state["meeting"],
                                              now=spec.planned)
            elif d.proposal:
                proposal = Proposal.objects.get(case=case, organ=organ, **(
                    {"report__isnull": False} if d.proposal == "report" else {"from_decision__isnull": False}))
                item = decisions.proposal_to_agenda(actor=registrar, proposal=proposal, meeting=state["meeting"],
                                                    documents=documents, now=spec.planned)
            else:
                item = decisions.agenda_item_add(actor=registrar, meeting=state["meeting"], title=d.title, case=case,
                                                 documents=documents, now=spec.planned)
            state["items"][d.paragraph] = item

    def notice():
        decisions.meeting_publish_notice(actor=registrar, meeting=meeting(), now=spec.notice)

    def open_():
        m = decisions.meeting_open(actor=registrar, meeting=meeting(), now=opened)
        # The members take part; the substitutes are there but do not serve.
        decisions.attendance_set(actor=registrar, meeting=m, present_ids=list(
            m.attendance.exclude(role=Membership.Role.SUBSTITUTE).values_list("person_id", flat=True)))

    def record(d: DecisionSpec):
        # The organ's earlier paragraphs that year are outside the demo: move the
        # counter to just before the paragraph of the story.
        decisions.paragraph_counter_set(actor=admin, organ=organ, year=spec.date.year, last=d.paragraph - 1)
        condition_organ, condition_text = (organs[d.condition[0]], d.condition[1]) if d.condition else (None, "")
        decision = decisions.decision_record(
            actor=registrar, meeting=meeting(), title=d.title, text=d.text, agenda_item=state["items"][d.paragraph],
            case=case, condition_organ=condition_organ, condition_text=condition_text,
            notes=[decisions.NoteInput(DecisionNote.Kind.NOTE, d.note)],
            recipients=_recipient_inputs(d.recipients, organs=organs, people=people),
            forward=decisions.ForwardInput(organ=organs[d.forward[0]], text=d.forward[1]) if d.forward else None,
            assignments=[decisions.AssignmentInput(organ=organs[code], description=text)
                         for code, text in d.assignments],
            now=d.recorded,
        )
        if decision.paragraph != d.paragraph:
            raise RuntimeError(f"Demo decision {d.title!r} got § {decision.paragraph}, expected § {d.paragraph}")
        state["decisions"][d.paragraph] = recorded[decision.reference] = decision

    def close():
        decisions.meeting_close(actor=registrar, meeting=meeting(), now=closed)

    def sign(adjuster: str | None, when: dt.datetime):
        m = meeting()
        person, role = (people[adjuster], Signature.Role.ADJUSTER) if adjuster else (m.chair, Signature.Role.CHAIR)
        decisions.minutes_sign(actor=registrar, meeting=m, person=person, role=role, posted_on=spec.posted, now=when)

    def dispatch(d: DecisionSpec):
        decision = state["decisions"][d.paragraph]
        decision.refresh_from_db()
        decisions.decision_dispatch(actor=registrar, decision=decision, now=d.dispatched)
        # decision_dispatch queued one e-mail per recipient with an address; send
        # them now, on the historic day. The queued tasks then find them sent.
        for pk in decision.recipients.filter(state=DecisionRecipient.State.QUEUED).values_list("pk", flat=True):
            decisions.excerpt_deliver(pk, now=d.dispatched + dt.timedelta(minutes=5), connection=no_mail)

    return [
        (spec.planned, plan), (spec.notice, notice), (opened, open_),
        *((d.recorded, partial(record, d)) for d in spec.decisions),
        (closed, close),
        *((when, partial(sign, adjuster, when)) for adjuster, when in zip((None, *spec.adjusters), spec.signed)),
        *((d.dispatched, partial(dispatch, d)) for d in spec.decisions if d.dispatched),
    ]


def _assignment_link(reference: str, *, case: Case, officer: User, when: dt.datetime,
                     recorded: dict[str, Decision]) -> None:
    """The case answers the assignments the decision gave its organ."""
    for assignment in Assignment.objects.filter(decision=recorded[reference], organ=case.organ):
        decisions.assignment_link_case(actor=officer, assignment=assignment, case=case, now=when)


def _plan_steps(spec: PlanSpec, *, case: Case, organs: dict[str, Organ], people: dict[str, Person], registrar: User,
                officer: User, recorded: dict[str, Decision]) -> list[tuple[dt.datetime, Callable[[], object]]]:
    """The vision and the action plan as dated steps through the plan services:
    the case officer builds them, KS § 160 and KF § 190 adopt them, two yearly
    follow-ups ask those responsible, whose answers come in (one late), and the
    reports go to KS. The requests are "e-mailed" through a connection that
    sends nothing, on the historic day, and each round is closed, so the queued
    tasks find nothing to send when a worker runs later."""
    state: dict = {"actions": {}, "indicators": []}
    no_mail = get_connection("django.core.mail.backends.dummy.EmailBackend")
    every_action = [(a, g) for fa in spec.focus_areas for g in fa.goals for a in g.actions]

    def action_save(a: ActionSpec, goal, end: dt.date, budgets, when: dt.datetime, action=None):
        return plans.action_save(
            actor=officer, goal=goal, title=a.title, responsible_organ=organs[a.organ],
            responsible_person=people[a.person], start=a.start, end=end, funding_source=FUNDING,
            description=(f"Åtgärd {a.number} i handlingsplanen."
                         + (f" Ansvariga: {a.also}." if a.also else "")
                         + " Exempeldata: ansvarig, tider och budget är påhittade för demonstrationen."),
            internal_note=a.internal_note, budgets=[plans.BudgetInput(y, d, i) for y, d, i in budgets],
            action=action, now=when,
        )

    def create():
        tick = iter(range(1000))

        def when():
            return spec.created + dt.timedelta(minutes=next(tick))

        common = dict(actor=officer, case=case, period_start=2019, period_end=2021,
                      process_owner=people[spec.process_owner], process_owner_role=spec.process_owner_role)
        vision = state["vision"] = plans.plan_create(
            kind=SteeringDocument.Kind.VISION, title=VISION, owner_organ=organs["KF"], now=when(),
            description=("Målbilden för Alingsås kommuns digitalisering: öppen och smart. Exempeldata: "
                         "målområdenas beskrivningar är påhittade för demonstrationen."), **common)
        for fa in spec.focus_areas:
            plans.focus_area_save(actor=officer, document=vision, title=fa.title, description=fa.vision, now=when())
        plan = state["plan"] = plans.plan_create(
            kind=SteeringDocument.Kind.ACTION_PLAN, title=ACTION_PLAN, owner_organ=organs["KS"], parent=vision,
            weighting=SteeringDocument.Weighting.BUDGET, follow_up_months=12, now=when(),
            description=f"Handlingsplanen gör målbilden konkret i åtgärder för 2019–2021. {PLAN_EXAMPLE}",
            **common)
        for fa in spec.focus_areas:
            area = plans.focus_area_save(actor=officer, document=plan, title=fa.title, description=fa.vision,
                                         now=when())
            for g in fa.goals:
                goal = plans.goal_save(actor=officer, focus_area=area, title=g.title, now=when())
                for ind in g.indicators:
                    indicator = plans.indicator_save(
                        actor=officer, goal=goal, name=ind.name, unit=ind.unit, baseline=ind.baseline,
                        baseline_year=2018, targets={str(2019 + i): t for i, t in enumerate(ind.targets)},
                        now=when())
                    state["indicators"].append((ind, indicator))
                for a in g.actions:
                    state["actions"][a.number] = action_save(a, goal, a.end, a.budgets, when())

    def adopt(document_key: str, when: dt.datetime, reference: str, note: str = ""):
        plans.plan_adopt(actor=officer, document=state[document_key], decision=recorded[reference], note=note,
                         now=when)

    def round_of(year: int) -> FollowUpRound:
        return FollowUpRound.objects.get(document=state["plan"], year=year, kind=FollowUpRound.Kind.YEARLY)

    def open_(f: FollowUpSpec):
        round_ = plans.follow_up_open(actor=officer, document=state["plan"], year=f.year, deadline=f.deadline,
                                      reminder_days_before=7, now=f.opened)
        for pk in round_.requests.values_list("pk", flat=True):
            plans.request_deliver(pk, "request", now=f.opened + dt.timedelta(minutes=5), connection=no_mail)

    def answer(f: FollowUpSpec, name: str, when: dt.datetime):
        person = people[name]
        index = f.year - 2019
        reports = []
        for a, _goal in every_action:
            if a.person != name:
                continue
            r = a.reports[index]
            reports.append(plans.ActionReportInput(
                action=state["actions"][a.number], status=r.status, progress=r.progress,
                used_operating=r.used[0], used_investment=r.used[1], comment=r.comment, comment_internal=r.internal))
        # Those with a login answer themselves; for the others the plan's case
        # officer records the answer they sent in.
        plans.follow_up_answer(actor=person.user or officer, round=round_of(f.year), reports=reports, now=when)

    def values(f: FollowUpSpec):
        measured = [plans.IndicatorValueInput(indicator, ind.measured[f.year - 2019])
                    for ind, indicator in state["indicators"]]
        plans.follow_up_answer(actor=officer, round=round_of(f.year), values=measured, now=f.values)

    def close(f: FollowUpSpec):
        plans.follow_up_close(actor=officer, round=round_of(f.year), now=f.closed)

    def report(f: FollowUpSpec):
        plans.follow_up_report(actor=officer, round=round_of(f.year), now=f.report)

    def revise():
        for i, (a, _goal) in enumerate(every_action):
            if a.revised:
                action = state["actions"][a.number]
                end, budgets = a.revised
                action_save(a, action.goal, end, budgets, spec.revised + dt.timedelta(minutes=i), action=action)

    steps = [
        (spec.created, create),
        (spec.plan_adopted[0], partial(adopt, "plan", *spec.plan_adopted)),
        (spec.vision_adopted[0], partial(adopt, "vision", *spec.vision_adopted)),
        (spec.revised, revise),
        (spec.revision_adopted[0], partial(adopt, "plan", *spec.revision_adopted)),
    ]
    for f in spec.follow_ups:
        steps += [(f.opened, partial(open_, f)),
                  *((when, partial(answer, f, name, when)) for name, when in f.answered),
                  (f.values, partial(values, f)), (f.closed, partial(close, f)), (f.report, partial(report, f))]
    return steps
