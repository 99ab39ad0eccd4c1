"""Reads of consultation rounds, as the reader may see them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diarium.core.errors import NotFound
from diarium.core.lookups import first_with_total
from diarium.registry import access as registry_access
from diarium.registry import selectors as registry
from diarium.registry.models import Case, DocumentFile

from . import access
from .models import RemissDeadline, RemissRecipient, RemissRound

STATUS_LABELS = {
    "draft": gettext_lazy("Ej skickad"),
    "queued": gettext_lazy("Skickas"),
    "failed": gettext_lazy("Kunde inte skickas"),
    "sent": gettext_lazy("Skickad"),
    "reminded": gettext_lazy("Påmind"),
    "answered": gettext_lazy("Besvarad"),
    "declined": gettext_lazy("Avstår"),
    "late": gettext_lazy("Försenad"),
    "no_answer": gettext_lazy("Inget svar"),
}
STATUS_ORDER = ["answered", "declined", "sent", "reminded", "late", "no_answer", "queued", "failed", "draft"]


def recipient_status(recipient: RemissRecipient, round_: RemissRound, today: dt.date) -> str:
    if round_.status == RemissRound.Status.DRAFT:
        return "draft"
    if recipient.declined:
        return "declined"
    if recipient.answered_at is not None:
        return "answered"
    if recipient.dispatch in (RemissRecipient.Dispatch.QUEUED, RemissRecipient.Dispatch.FAILED,
                              RemissRecipient.Dispatch.PENDING):
        return "failed" if recipient.dispatch == RemissRecipient.Dispatch.FAILED else "queued"
    if round_.status == RemissRound.Status.CLOSED:
        return "no_answer"
    if today > recipient.deadline:
        return "late"
    if recipient.reminder_count:
        return "reminded"
    return "sent"


@dataclass
class RecipientRow:
    recipient: RemissRecipient
    # The recipient's name as the reader is shown it ("Privatperson" for a private person).
    name: str
    status: str
    status_label: str
    deadlines: list[RemissDeadline]
    answer: registry.DocumentEntry | None = None
    outgoing: registry.DocumentEntry | None = None
    # The office's summary and consideration: hidden when the answer itself is secret for this reader.
    assessment_visible: bool = True
    changes: list[int] = field(default_factory=list)

    @property
    def extended(self) -> bool:
        return len(self.deadlines) > 1


def _entries_by_id(user, case: Case) -> dict[int, registry.DocumentEntry]:
    return {e.id: e for e in registry.document_entries(user=user, case=case)}


def recipient_rows(round_: RemissRound, *, today: dt.date | None = None, user=None,
                   entries: dict[int, registry.DocumentEntry] | None = None) -> list[RecipientRow]:
    """Every recipient of a round with its status, deadline history and answer.
    Without `user` (the compilation document) nothing is masked but private
    persons' names: the compilation is drawn up for the register."""
    today = today or timezone.localdate()
    names_visible = access.recipient_names_visible(user, round_.case)
    recipients = round_.recipients.prefetch_related(
        Prefetch("deadlines", queryset=RemissDeadline.objects.order_by("set_at", "id")),
        "changes",
    ).order_by("position")
    rows = []
    for r in recipients:
        status = recipient_status(r, round_, today)
        answer = entries.get(r.answer_document_id) if entries is not None and r.answer_document_id else None
        outgoing = entries.get(r.outgoing_document_id) if entries is not None and r.outgoing_document_id else None
        rows.append(RecipientRow(
            recipient=r, name=access.recipient_shown_name(r, read_internal=names_visible), status=status,
            status_label=str(STATUS_LABELS[status]), deadlines=list(r.deadlines.all()),
            answer=answer, outgoing=outgoing,
            assessment_visible=answer is None or not (answer.content_hidden or answer.description_masked),
            changes=[c.position for c in r.changes.all()],
        ))
    return rows


def status_counts(rows: list[RecipientRow]) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return [(key, str(STATUS_LABELS[key]), counts[key]) for key in STATUS_ORDER if counts.get(key)]


def rounds_for_case(*, user, case: Case) -> list[RemissRound]:
    """The case's rounds; drafts only for those who run them."""
    return list(access.rounds_visible(user, case).order_by("created_at", "id"))


@dataclass
class RoundView:
    round: RemissRound
    case: Case
    rows: list[RecipientRow]
    counts: list[tuple[str, str, int]]
    files: list[registry.DocumentEntry]
    file_versions: list[DocumentFile]
    compilation: registry.DocumentEntry | None
    revised_file: DocumentFile | None
    changes: list
    can_manage: bool
    answerable: list[RemissRecipient]
    # Whether the reader sees private recipients' names (access.recipient_names_visible).
    names_visible: bool = False


def round_get(*, user, pk: int) -> RemissRound:
    """A round the user may see (access.round_get)."""
    return access.round_get(user=user, pk=pk)


def round_view(*, user, round_: RemissRound, today: dt.date | None = None) -> RoundView:
    case = round_.case
    entries = _entries_by_id(user, case)
    rows = recipient_rows(round_, today=today, user=user, entries=entries)
    versions = list(round_.files.select_related("document", "blob").order_by("document__number", "position"))
    managing = access.can_manage(user, case)
    return RoundView(
        round=round_, case=case, rows=rows, counts=status_counts(rows),
        files=[entries[v.document_id] for v in versions if v.document_id in entries],
        file_versions=[v for v in versions if _file_visible(v, entries)],
        compilation=entries.get(round_.compilation_document_id),
        revised_file=round_.revised_file if round_.revised_file_id and _file_visible(round_.revised_file, entries)
        else None,
        changes=list(round_.changes.prefetch_related("recipients")),
        can_manage=managing,
        answerable=[row.recipient for row in rows if row.status not in ("answered", "declined", "draft")
                    and access.can_answer_inside(user, row.recipient)] if round_.status == RemissRound.Status.SENT else [],
        names_visible=access.recipient_names_visible(user, case),
    )


def _file_visible(version: DocumentFile, entries) -> bool:
    entry = entries.get(version.document_id)
    return entry is not None and not entry.content_hidden


def consulted_files(*, case: Case) -> list[DocumentFile]:
    """The newest version of every file on the case: what can be sent on remiss."""
    latest = {}
    for f in DocumentFile.objects.filter(document__case=case).select_related("document").order_by(
            "document__number", "position", "-version"):
        latest.setdefault((f.document_id, f.position), f)
    return list(latest.values())


def round_file_candidates(*, case: Case, ids) -> list[DocumentFile]:
    """File versions of the case among `ids` (what a new round may send)."""
    return list(DocumentFile.objects.filter(document__case=case, pk__in=list(ids)).select_related("document"))


def answer_page_files(recipient: RemissRecipient) -> list[DocumentFile]:
    return list(recipient.round.files.select_related("document", "blob").order_by("document__number", "position"))


def answer_file(recipient: RemissRecipient, file_id: int) -> DocumentFile:
    version = recipient.round.files.select_related("blob").filter(pk=file_id).first()
    if version is None:
        raise NotFound(_("Filen finns inte i remissen."))
    return version


def text_diff_rows(old: DocumentFile, new: DocumentFile, *, limit: int = 400_000):
    """Side-by-side rows (left, right, kind) when both versions are text; else None."""
    import difflib

    from diarium.registry.files import blob_open

    if not (old.blob.content_type.startswith("text/plain") and new.blob.content_type.startswith("text/plain")):
        return None
    if old.blob.size > limit or new.blob.size > limit:
        return None

    def lines(version):
        with blob_open(version.blob) as fh:
            return fh.read().decode("utf-8", errors="replace").splitlines()

    a, b = lines(old), lines(new)
    rows = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        left, right = a[i1:i2], b[j1:j2]
        for k in range(max(len(left), len(right))):
            rows.append((left[k] if k < len(left) else "", right[k] if k < len(right) else "", tag))
    return rows


@dataclass
class RoundSummary:
    round: RemissRound
    recipients: int
    answered: int
    declined: int


def round_summaries(rounds: list[RemissRound], *, today: dt.date) -> list[RoundSummary]:
    """Counts per round for lists, in one query however many rounds."""
    from django.db.models import Count, Q

    counts = {
        row["round_id"]: row
        for row in RemissRecipient.objects.filter(round__in=rounds).values("round_id").annotate(
            total=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False, declined=False)),
            declined=Count("id", filter=Q(declined=True)),
        )
    }
    return [
        RoundSummary(round=r, recipients=counts.get(r.pk, {}).get("total", 0),
                     answered=counts.get(r.pk, {}).get("answered", 0), declined=counts.get(r.pk, {}).get("declined", 0))
        for r in rounds
    ]


@dataclass
class CaseRound:
    summary: RoundSummary
    rows: list[RecipientRow]


def case_round_views(*, user, case: Case, rounds: list[RemissRound], today: dt.date) -> list[CaseRound]:
    """Every round of a case with its recipient rows, for the case page. The
    document entries are read once for all rounds."""
    if not rounds:
        return []
    entries = _entries_by_id(user, case)
    summaries = round_summaries(rounds, today=today)
    return [CaseRound(summary=s, rows=recipient_rows(s.round, today=today, user=user, entries=entries)
                      if s.round.status != RemissRound.Status.DRAFT else [])
            for s in summaries]


@dataclass
class Overview:
    ongoing: list[RoundSummary]
    to_answer: list[RemissRecipient]


def overview(*, user, today: dt.date | None = None) -> Overview:
    """The signed-in user's remiss work: rounds they run that are out (or still
    drafts), and rounds their own organs have been asked to answer."""
    today = today or timezone.localdate()
    open_statuses = [RemissRound.Status.DRAFT, RemissRound.Status.SENT]
    rounds = access.rounds_managed_by(user).filter(status__in=open_statuses).select_related("case")
    rounds = list(rounds.order_by("deadline", "id")[:200])
    # organ-specific roles: the boards whose staff answer themselves
    to_answer = (
        access.recipients_answered_by(user).filter(round__status=RemissRound.Status.SENT, answered_at__isnull=True)
        .select_related("round", "round__case", "organ").order_by("deadline", "id")
    )
    return Overview(ongoing=round_summaries(rounds, today=today), to_answer=list(to_answer[:200]))


# --- on an officer's desk --------------------------------------------------------------------
@dataclass(frozen=True)
class AnswerToWeigh:
    recipient: RemissRecipient
    name: str  # the remiss body's name as this reader may see it (a private person's is masked)


def answers_to_weigh(*, user, limit: int) -> tuple[list[AnswerToWeigh], int]:
    """Answers that have come in on the user's cases and are not yet weighed
    (no consideration set), in rounds still open: the newest first."""
    qs = (RemissRecipient.objects
          .filter(round__case__case_officer__user=user, answered_at__isnull=False, declined=False, consideration="")
          .exclude(round__status=RemissRound.Status.CLOSED)
          .select_related("round", "round__case").order_by("-answered_at", "-id"))
    rows, total = first_with_total(qs, limit)
    return [AnswerToWeigh(r, access.recipient_shown_name(
        r, read_internal=registry_access.can_read_internal(user, r.round.case))) for r in rows], total
