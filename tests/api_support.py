"""A small register for the API tests: KS with a public, a secret and a
private-person document, and users with different roles.

Import the `world` fixture into a test module to use it."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from diarium.accounts import services as accounts
from diarium.accounts.models import Organ, Role
from diarium.registry import services as registry

from . import factories as f

SECRET_COUNTERPART = "Hemliga Avsändaren AB"
SECRET_DESCRIPTION = "Uppgifter om enskilds hälsa i ärendet"
SECRET_FILE_TEXT = "HEMLIGT INNEHÅLL i bilagan"
PRIVATE_COUNTERPART = "Anna Privatperson"
SECRET_STRINGS = (SECRET_COUNTERPART, SECRET_DESCRIPTION, SECRET_FILE_TEXT, PRIVATE_COUNTERPART)


@pytest.fixture
def world(db):
    org = f.organisation()
    ks = f.organ(org)
    bun = f.organ(org, code="BUN", name="Barn- och ungdomsnämnden", kind=Organ.Kind.BOARD)
    admin = f.user(superuser=True, username="admin")
    registrar = f.user(org, Role.REGISTRAR, ks, username="registrator")
    reader = f.user(org, Role.READER, ks, username="lasare")
    other = f.user(org, Role.CASE_OFFICER, bun, username="bun-handlaggare")
    officer = accounts.person_create(
        organisation=org, name="Göran Westerlund", title="Digitaliseringsansvarig", organ=ks,
        email="goran.westerlund@example.se", phone="0322-61 60 00",
    )
    case = f.case(registrar, ks, case_officer=officer)
    public = f.document(registrar, case, direction="drawn_up", counterpart="", description="Tjänsteskrivelse",
                        files=[f.text_file("tjansteskrivelse.txt", "Digital målbild, förslag till beslut.\n")])
    secret = f.document(registrar, case, counterpart=SECRET_COUNTERPART, description=SECRET_DESCRIPTION,
                        files=[f.text_file("bilaga.txt", SECRET_FILE_TEXT + "\n")])
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 26 kap. 1 §",
                                  masked_fields=["counterpart", "description"])
    private = f.document(registrar, case, counterpart=PRIVATE_COUNTERPART, counterpart_is_private=True,
                         description="Synpunkt från medborgare")
    return SimpleNamespace(
        org=org, ks=ks, bun=bun, admin=admin, registrar=registrar, reader=reader, other=other, officer=officer,
        case=case, public=public, secret=secret, private=private,
        public_file=public.files.get(), secret_file=secret.files.get(),
    )


def token_for(user) -> str:
    _token, raw = accounts.api_token_create(user=user, name="test")
    return raw


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post_json(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def text_upload(name="remissvar.txt", content="Remissvar från Sambruk.\n"):
    return SimpleUploadedFile(name, content.encode(), content_type="text/plain")


@pytest.fixture
def rich_world(world):
    """`world` with a meeting and a decision on the case, an action plan with its
    structure, and a remiss round: something behind every kind of path id."""
    import datetime as dt

    from diarium.decisions import services as decisions

    chair = f.person(world.org, "Ordförande Ordförandesson")
    meeting = f.meeting(world.registrar, world.ks, dt.date(2018, 9, 24), members=[(chair, "chair")])
    item = decisions.agenda_item_add(actor=world.registrar, meeting=meeting, title="Digital målbild",
                                     case=world.case)
    decision = f.held(world.registrar, meeting, item, "Målbilden godkänns", adjust=False)
    plan = f.plan(world.registrar, world.case, world.ks)
    area, goal, indicator, action = f.plan_structure(world.registrar, plan)
    round_, _organs = f.remiss_setup(world.registrar, world.org, world.ks, boards=1)
    copy_request = registry.copy_request_register(actor=world.registrar, document=world.public, channel="phone",
                                                  format="paper")
    return SimpleNamespace(
        **vars(world), meeting=meeting, item=item, decision=decision, plan=plan, area=area, goal=goal,
        indicator=indicator, action=action, round=round_, recipient=round_.recipients.get(),
        copy_request=copy_request,
    )
