"""Template helpers for the site frame and the register pages."""

from django import template
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from diarium.registry import access, extensions
from diarium.registry.access import MASKED_SECRET
from diarium.registry.masking import masked_text

register = template.Library()


@register.simple_tag
def may_register_cases(user) -> bool:
    """Whether to offer "Registrera ärende" (a role that registers cases somewhere)."""
    return access.may_register_cases_somewhere(user)



@register.simple_tag(takes_context=True)
def case_sections(context, case):
    """The sections the apps above the registry add to the case page
    (extensions.case_section_register), each rendered as an inclusion tag would
    render it: its own context, with the page's CSRF token."""
    out = []
    for section in extensions.case_sections():
        values = section.context(context["request"], case)
        inner = context.new(values)
        if context.get("csrf_token") is not None:
            inner["csrf_token"] = context.get("csrf_token")
        out.append(context.template.engine.get_template(section.template).render(inner))
    return mark_safe("".join(out))


# --- Rows of large tables ---------------------------------------------------------------
# These are drawn for every document row of a case (hundreds on a large case), so
# they are rendered in Python rather than through per-row template nodes, and URLs
# are reversed once per page and filled in per row.
_SENTINEL = "2147483647"


def _url_pattern(context, name: str) -> str:
    cache = context.render_context.setdefault("diarium_url_patterns", {})
    if name not in cache:
        cache[name] = reverse(name, args=[int(_SENTINEL)]).replace(_SENTINEL, "{}")
    return cache[name]


def _masked(reason: str, entry) -> str:
    """The neutral text in place of a masked value (masking.masked_text); for
    secrecy, the ground beside it in a smaller element."""
    text = format_html('<span class="masked">{}</span>', masked_text(reason))
    if reason == MASKED_SECRET and entry.secrecy_ground:
        return format_html('{} <span class="masked-ground small nowrap">({})</span>', text, entry.secrecy_ground)
    return text


@register.simple_tag
def counterpart_cell(entry) -> str:
    """Sender or recipient, or the neutral text where it is hidden (secrecy, or a
    private person's name)."""
    if entry.counterpart_mask_reason:
        return _masked(entry.counterpart_mask_reason, entry)
    if entry.counterpart_is_private:
        return format_html('{} <span class="tag">{}</span>', entry.counterpart or "–", _("privatperson"))
    return entry.counterpart or "–"


@register.simple_tag
def description_cell(entry) -> str:
    if entry.description_mask_reason:
        return _masked(entry.description_mask_reason, entry)
    return entry.description


@register.simple_tag(takes_context=True)
def files_cell(context, entry, may_add_version: bool = False) -> str:
    """The document's files (current version, earlier versions folded away), or
    why they are not handed out."""
    if entry.content_hidden:
        return format_html('<span class="masked">{}</span>', _("Filerna lämnas inte ut utan sekretessprövning."))
    if not entry.files:
        return format_html('<span class="meta">{}</span>', _("Inga filer"))
    download = _url_pattern(context, "registry:file_download")
    items = []
    for file in entry.files:
        current = file.current
        meta = filesizeformat(current.size)
        if current.version > 1:
            meta = f"{meta}, " + _("version %(v)s") % {"v": current.version}
        if current.ocr_of_id:
            meta = f"{meta}, " + _("textlager genom OCR")
        parts = [format_html('<a href="{}" download>{}</a> <span class="meta">({})</span>',
                             download.format(current.id), current.filename, meta)]
        parts += [format_html('<span class="file-note">{}</span>', text) for text in current.note_texts]
        if len(file.versions) > 1:
            older = format_html_join(
                "", '<li><a href="{}" download>{}</a> <span class="meta">({})</span></li>',
                ((download.format(v.id), _("Version %(v)s: %(name)s") % {"v": v.version, "name": v.filename},
                  date_format(localtime(v.created_at), "Y-m-d H:i")) for v in file.versions[1:]),
            )
            parts.append(format_html("<details><summary>{}</summary><ul>{}</ul></details>",
                                     _("Tidigare versioner"), older))
        if may_add_version:
            parts.append(format_html(
                '<a class="small" href="{}?ersatter={}">{}<span class="visually-hidden"> {}</span></a>',
                _url_pattern(context, "registry:document_file_add").format(entry.id), current.id,
                _("Ny version"), _("av %(name)s") % {"name": current.filename},
            ))
        items.append(format_html("<li>{}</li>", mark_safe(" ".join(parts))))
    return format_html('<ul class="files">{}</ul>', mark_safe("".join(items)))


@register.simple_tag(takes_context=True)
def document_rows(context, documents, perms) -> str:
    """The rows of a case's document table: one <tr> per (masked) entry, with the
    actions this reader may take. Rendered in Python: a case can hold hundreds."""
    detail = _url_pattern(context, "registry:document_detail")
    secrecy = _url_pattern(context, "registry:document_secrecy")
    add_file = _url_pattern(context, "registry:document_file_add")
    secret_tag = format_html(' <span class="tag tag-secret">{}</span>', _("Sekretess"))
    with_actions = perms.get("mark_secret") or perms.get("register_document")
    rows = []
    for entry in documents:
        actions = ""
        if with_actions:
            links = []
            if perms.get("mark_secret"):
                links.append(format_html(
                    '<a href="{}">{}<span class="visually-hidden"> {}</span></a>', secrecy.format(entry.id),
                    _("Ta bort sekretess") if entry.is_secret else _("Sekretessmarkera"), entry.reference))
            if perms.get("register_document"):
                links.append(format_html(
                    '<a href="{}">{}<span class="visually-hidden"> {} {}</span></a>', add_file.format(entry.id),
                    _("Lägg till fil"), _("till"), entry.reference))
            actions = format_html('<td class="row-actions">{}</td>', mark_safe(" ".join(links)))
        rows.append(format_html(
            '<tr><th scope="row"><a href="{}">{}</a>{}</th><td>{}</td><td class="nowrap">{}</td><td>{}</td><td>{}</td>'
            "<td>{}</td>{}</tr>",
            detail.format(entry.id), entry.reference, secret_tag if entry.is_secret else "",
            entry.direction_label, entry.document_date.isoformat(), counterpart_cell(entry),
            description_cell(entry), files_cell(context, entry, perms.get("register_document", False)), actions,
        ))
    return mark_safe("\n".join(rows))


@register.filter
def select_options(field) -> str:
    """The <option>s (and <optgroup>s, where a choice's label is a list of
    choices) of a bound select field, the current value selected. Written here
    rather than by a template loop: a county's filter lists some two hundred
    organs, and a loop of template tags costs more than the list's query."""
    current = field.value()
    current = "" if current is None else str(current)

    def options(choices) -> str:
        return "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) == current else ""}>{escape(label)}</option>'
            for value, label in choices)

    parts = []
    for value, label in field.field.widget.choices:  # a ChoiceField's, or a Select widget's own
        if isinstance(label, list | tuple):
            parts.append(f'<optgroup label="{escape(value)}">{options(label)}</optgroup>')
        else:
            parts.append(options([(value, label)]))
    return mark_safe("\n".join(parts))  # noqa: S308 (every value and label escaped above)
