"""Atom feeds of the public register, decisions and adjusted minutes.

Each feed is one instance shared by all requests: what a request asks for is
returned by get_object, never kept on the feed."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ
from diarium.accounts.sites import site_organisation

from . import selectors


@dataclass
class RegisterFeedObject:
    organ: Organ | None
    items: list[selectors.RegisterItem]


def site_host() -> str:
    """The site's configured host name (SITE_URL), for ids that stay the same
    whichever name a client used to reach the site."""
    return urlsplit(settings.SITE_URL).hostname or "diarium.invalid"


def organisation_slug(request) -> str | None:
    """The organisation an organ's code is looked up in: the site's own, else ?organisation=."""
    site = site_organisation(request)
    return site.slug if site is not None else (request.GET.get("organisation") or None)


def tag_uri(specific: str) -> str:
    """A tag URI (RFC 4151) as the stable id of a feed or an entry."""
    return f"tag:{site_host()},2025:diarium/{specific}"


def _day(value) -> str:
    return value.isoformat() if value else "–"


def _time(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


class _AtomFeed(Feed):
    feed_type = Atom1Feed
    language = "sv"
    item_guid_is_permalink = False

    def item_pubdate(self, item):  # defined so the feed sets Last-Modified
        return self.item_updateddate(item)


class RegisterFeed(_AtomFeed):
    """New entries of the public register: the newest registered documents,
    optionally of one organ (?organ=<code>)."""

    def get_object(self, request):
        code = request.GET.get("organ", "").strip()
        organ = None
        site = site_organisation(request)  # an organisation's own site: its register only
        if code:
            organ = selectors.organ_by_code(code, organisation=organisation_slug(request))
        return RegisterFeedObject(organ=organ, items=selectors.register_items(organ=organ, organisation=site))

    def title(self, obj):
        if obj.organ:
            return _("Diariet: nya handlingar – %(organ)s") % {"organ": obj.organ.name}
        return _("Diariet: nya handlingar")

    def subtitle(self, obj):
        return _("De senast registrerade handlingarna i den offentliga diarieförteckningen.")

    def feed_guid(self, obj):
        return tag_uri(f"floden/diariet/organ/{obj.organ.pk}" if obj.organ else "floden/diariet")

    def link(self, obj):
        url = reverse("registry:case_list")
        return f"{url}?organ={obj.organ.pk}" if obj.organ else url

    def author_name(self, obj):
        if obj.organ:
            return obj.organ.organisation.name
        names = {i.case.organisation.name for i in obj.items}
        return names.pop() if len(names) == 1 else _("Diarium")

    def items(self, obj):
        return obj.items

    def item_title(self, item):
        return f"{item.entry.reference} {item.description_text}"

    def item_description(self, item):
        entry, case = item.entry, item.case
        rows = [
            (_("Diarienummer"), entry.reference),
            (_("Ärende"), f"{case.diary_number} {case.title}"),
            (_("Organ"), case.organ.name),
            (_("Riktning"), entry.direction_label),
            (_("Datum"), _day(entry.document_date)),
            (_("Avsändare/mottagare"), item.counterpart_text),
            (_("Beskrivning"), item.description_text),
        ]
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))

    def item_link(self, item):
        return reverse("registry:document_detail", args=[item.entry.id])

    def item_guid(self, item):
        return tag_uri(f"handling/{item.entry.id}")

    def item_updateddate(self, item):
        return item.entry.registered_at

    def item_author_name(self, item):
        return item.case.organisation.name

    def item_categories(self, item):
        return [item.case.organ.code, item.entry.direction_label]


class _OrganFeed(_AtomFeed):
    def get_object(self, request, code: str):
        return selectors.organ_by_code(code, organisation=organisation_slug(request))

    def link(self, obj):
        return f"{reverse('decisions:meeting_list')}?organ={obj.pk}"

    def author_name(self, obj):
        return obj.organisation.name


class DecisionFeed(_OrganFeed):
    """An organ's decisions, once the minutes are adjusted."""

    def title(self, obj):
        return _("Beslut – %(organ)s") % {"organ": obj.name}

    def subtitle(self, obj):
        return _("Beslut i justerade protokoll från %(organ)s, %(org)s.") % {
            "organ": obj.name, "org": obj.organisation.name}

    def feed_guid(self, obj):
        return tag_uri(f"floden/organ/{obj.pk}/beslut")

    def items(self, obj):
        return selectors.organ_decisions(organ=obj)

    def item_title(self, item):
        return f"{item.reference} {item.title}"

    def item_description(self, item):
        meta = [
            (_("Utfall"), item.get_outcome_display()),
            (_("Status"), item.get_status_display()),
            (_("Ärende"), item.case.diary_number if item.case_id else "–"),
            (_("Protokollet justerat"), _time(item.meeting.minutes.adjusted_at)),
            (_("Överklagandetiden går ut"), _day(item.meeting.minutes.appeal_ends_on)),
        ]
        return format_html("{}<dl>{}</dl>", mark_safe(linebreaks(item.text, autoescape=True)),
                           format_html_join("", "<dt>{}</dt><dd>{}</dd>", meta))

    def item_link(self, item):
        return reverse("decisions:decision_detail", args=[item.pk])

    def item_guid(self, item):
        return tag_uri(f"beslut/{item.pk}")

    def item_updateddate(self, item):
        return item.meeting.minutes.adjusted_at

    def item_author_name(self, item):
        return item.organ.organisation.name


class MinutesFeed(_OrganFeed):
    """An organ's adjusted minutes, one entry a meeting."""

    def title(self, obj):
        return _("Justerade protokoll – %(organ)s") % {"organ": obj.name}

    def subtitle(self, obj):
        return _("Protokoll från %(organ)s, %(org)s, när de har justerats.") % {
            "organ": obj.name, "org": obj.organisation.name}

    def feed_guid(self, obj):
        return tag_uri(f"floden/organ/{obj.pk}/protokoll")

    def items(self, obj):
        return selectors.organ_minutes(organ=obj)

    def item_title(self, item):
        return _("Protokoll %(organ)s %(date)s") % {"organ": item.organ.name, "date": item.date.isoformat()}

    def item_description(self, item):
        minutes = item.minutes
        meta = [
            (_("Sammanträde"), item.date.isoformat()),
            (_("Plats"), item.place or "–"),
            (_("Justerat"), _time(minutes.adjusted_at)),
            (_("Anslaget"), _day(minutes.posted_on)),
            (_("Anslaget tas ned"), _day(minutes.take_down_on)),
            (_("Överklagandetiden går ut"), _day(minutes.appeal_ends_on)),
        ]
        paragraphs = format_html_join("", "<li>§ {} {}</li>", ((d.paragraph, d.title) for d in item.decisions.all()))
        return format_html("<dl>{}</dl><ul>{}</ul>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", meta),
                           paragraphs)

    def item_link(self, item):
        return reverse("decisions:minutes", args=[item.pk])

    def item_guid(self, item):
        return tag_uri(f"protokoll/{item.pk}")

    def item_updateddate(self, item):
        return item.minutes.adjusted_at

    def item_author_name(self, item):
        return item.organisation.name
