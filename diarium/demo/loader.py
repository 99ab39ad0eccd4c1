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
    remiss: RemissSpec | None = None  # a remiss round, run through the remiss services among the documents
    report: ReportSpec | None = None  # an officer's report, written through the decision services
    meetings: tuple[MeetingSpec, ...] = ()  # meetings that decide on the case, among the documents
    answers: tuple[tuple[dt.datetime, str], ...] = ()  # (when, decision): the case answers its assignments


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
        meetings=(KSAU_2018_02_28, KSAU_2018_04_25, KS_2018_09_24, KF_2018_10_31),
        report=REPORT_2017_676,
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
    organisation = accounts.organisation_create(name=ORGANISATION_NAME, slug=ORGANISATION_SLUG)
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
                                     user=logins.get(name))
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
            if d.proposal:
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
