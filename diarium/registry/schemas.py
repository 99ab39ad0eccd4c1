"""The register's shared output schemas: the references to organs and persons
and a document's register entry with its files, as every app's API shows them.
A module of its own (not an API module) so that other apps' APIs may use them
without importing the register's endpoints; registry.apis serialises into them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.urls import reverse
from ninja import Field, Schema

from .models import SECRECY_REVIEW_REASON_MAX

Direction = Literal["incoming", "drawn_up", "outgoing", "internal"]
# What the registrar says a party outside the organisation is (models.PartyKind).
PartyKindIn = Literal["auto", "private", "legal"]
PARTY_KIND_DESCRIPTION = (
    "\"private\" (privatperson), \"legal\" (organisation, företag eller myndighet) eller \"auto\": en "
    "privatperson om namnet inte är en känd organisation, ett organ eller en person i organisationen och inte "
    "ser ut som en organisation. En privatpersons namn visas aldrig för allmänheten, där står \"Privatperson\".")

# The reason a user gives for letting documents leave the organisation after a
# secrecy review (remiss, agenda, dispatch); asked for only when one is needed.
SecrecyReviewReason = Annotated[str, Field(
    max_length=SECRECY_REVIEW_REASON_MAX,
    description="Skäl för att lämna ut (sekretessprövning), 3–2000 tecken: krävs när en handling som går ut "
                "är sekretessmarkerad; saknas det svarar API:t 422 med fältet `secrecy_review_reason`.",
)]


class OrganRef(Schema):
    id: int
    code: str
    name: str


class PersonRef(Schema):
    id: int
    name: str
    title: str



class FileVersionOut(Schema):
    id: int
    version: int
    filename: str
    size: int
    content_type: str
    sha256: str
    created_at: dt.datetime
    download_url: str
    notes: list[str] = Field(description="Vad registratorn bör veta om innehållet: skript i en PDF, "
                                         "text som inte kunde läsas.")

    @staticmethod
    def resolve_download_url(obj) -> str:
        return reverse("api:file_content", args=[obj.id])

    @staticmethod
    def resolve_notes(obj) -> list[str]:
        return obj.note_texts


class FileOut(Schema):
    position: int
    versions: list[FileVersionOut]


MaskReason = Literal["secret", "private"]

_MASKED_NULL = "null där uppgiften är dold för läsaren (se {field}_mask_reason)."
_SHOWN_TEXT = ("Som uppgiften visas: värdet, eller där det är dolt den neutrala texten "
               "\"Sekretessmarkerad uppgift\" eller \"Privatperson\".")


class DocumentFields(Schema):
    """A document's register entry as the reader may see it. A masked value is
    never sent: it is null, with the reason and the neutral text beside it."""

    id: int
    case_id: int
    number: int
    reference: str = Field(description="Diarienummer och handlingens nummer, t.ex. \"KS 2018/12-3\".")
    direction: Direction
    direction_label: str
    document_date: dt.date = Field(description="Dag då handlingen kom in eller upprättades.")
    registered_at: dt.datetime
    counterpart: str | None = Field(description="Avsändare/mottagare; " + _MASKED_NULL.format(field="counterpart"))
    counterpart_masked: bool
    counterpart_mask_reason: MaskReason | None = Field(
        description="Varför avsändare/mottagare är dold: \"secret\" (sekretess) eller \"private\" "
                    "(en privatpersons namn); null när den visas.")
    counterpart_text: str = Field(description=_SHOWN_TEXT)
    counterpart_is_private: bool = Field(description="Bara sant för läsare som får se privatpersoners namn.")
    counterpart_kind: PartyKindIn | None = Field(
        description="Vad registratorn angav om avsändaren/mottagaren; null för läsare som inte får se "
                    "privatpersoners namn.")
    description: str | None = Field(description="Kort beskrivning; " + _MASKED_NULL.format(field="description"))
    description_masked: bool
    description_mask_reason: Literal["secret"] | None = Field(
        description="\"secret\" när beskrivningen är dold på grund av sekretess; null när den visas.")
    description_text: str = Field(description=_SHOWN_TEXT)
    is_secret: bool
    secrecy_ground: str
    secrecy_marked_at: dt.datetime | None
    content_hidden: bool
    document_type: str = Field("", description="Handlingstyp (organisationens egna, t.ex. \"Ansökan\").")
    received_via: str = Field("", description="Hur en inkommande handling kom in: email, post, e_service, hand.")
    received_via_label: str = ""

    @staticmethod
    def resolve_direction_label(obj) -> str:
        return str(obj.direction_label)


class DocumentOut(DocumentFields):
    files: list[FileOut]

