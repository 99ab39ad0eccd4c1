"""Public feeds and calendars. Anonymous by design: nothing here reads
request.user or the session, so responses are the same for everyone and may be
cached (ETag from the content, Last-Modified from the newest item, 304 on a
matching conditional request)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS, http_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import conditional_page, require_safe

from diarium.accounts.sites import site_organisation

from . import ical, selectors
from .feeds import DecisionFeed, MinutesFeed, RegisterFeed, organisation_slug, site_host

CACHE_SECONDS = 300


def public_cacheable(view):
    """GET/HEAD only, Cache-Control public, and ETag/Last-Modified handling."""

    @require_safe
    @cache_control(public=True, max_age=CACHE_SECONDS)
    @conditional_page
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapped


register_feed = public_cacheable(RegisterFeed())
decision_feed = public_cacheable(DecisionFeed())
minutes_feed = public_cacheable(MinutesFeed())


@public_cacheable
def meeting_calendar(request, code: str):
    """The organ's public meetings as iCalendar (RFC 5545)."""
    organ = selectors.organ_by_code(code, organisation=organisation_slug(request))
    meetings = selectors.organ_calendar(organ=organ)
    calendar = ical.Calendar(
        prodid="-//Diarium//Sammanträden//SV",
        name=_("%(organ)s – sammanträden") % {"organ": organ.name},
        description=_("Sammanträden med %(organ)s, %(org)s.") % {"organ": organ.name, "org": organ.organisation.name},
    )
    host = site_host()  # UIDs stay the same whichever name a client used
    newest = None
    for meeting in meetings:
        changed = selectors.meeting_changed_at(meeting)
        newest = changed if newest is None or changed > newest else newest
        url = request.build_absolute_uri(meeting.get_absolute_url())
        properties = [
            f"UID:meeting-{meeting.pk}@{host}",
            f"DTSTAMP:{ical.utc_stamp(changed)}",
            f"LAST-MODIFIED:{ical.utc_stamp(changed)}",
            *ical.meeting_times(meeting.date, meeting.start_time, meeting.end_time),
            "SUMMARY:" + ical.escape_text(_("Sammanträde: %(organ)s") % {"organ": organ.name}),
        ]
        if meeting.place:
            properties.append("LOCATION:" + ical.escape_text(meeting.place))
        properties += [
            "DESCRIPTION:" + ical.escape_text(
                _("%(status)s. Kallelse, föredragningslista och protokoll: %(url)s")
                % {"status": meeting.get_status_display(), "url": url}),
            f"URL:{url}",
            "STATUS:CONFIRMED",
            "TRANSP:OPAQUE",
        ]
        calendar.event(properties)
    response = HttpResponse(calendar.serialize().encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{organ.code}.ics"'
    if newest is not None:
        response["Last-Modified"] = http_date(newest.timestamp())
    return response


_CODE = "organcodeplaceholder"


def _by_code(viewname: str):
    head, tail = reverse(viewname, args=[_CODE]).split(_CODE, 1)
    return lambda code: f"{head}{quote(code, safe=RFC3986_SUBDELIMS + '/~:@')}{tail}"


@require_safe
def index(request):
    """The open data on offer: the datasets (CSV, JSON) and their DCAT-AP-SE
    catalogue, and the feeds and calendars per organ."""
    from . import dumps

    site = site_organisation(request)  # an organisation's own site: its own data only
    organs = selectors.feed_organs(organisation=site)
    several = len({o.organisation_id for o in organs}) > 1
    datasets = [{"name": name, "title": dataset.title_sv, "description": dataset.description_sv,
                 "csv": reverse("opendata:dataset_csv", args=[name]),
                 "json": reverse("opendata:dataset_json", args=[name])}
                for name, dataset in dumps.DATASETS.items()]
    organisations = selectors.catalogue_organisations(organisation=site)
    catalogues = [{"organisation": o, "url": reverse("opendata:dcat")
                   + (f"?organisation={o.slug}" if len(organisations) > 1 else "")} for o in organisations]
    # Three links for each organ of every organisation (about 600 for a county): each
    # pattern reversed once, the organ's code filled in and quoted as reverse() does.
    calendar, decisions, minutes = (_by_code(name) for name in (
        "opendata:meeting_calendar", "opendata:decision_feed", "opendata:minutes_feed"))
    rows = []
    for organ in organs:
        query = f"?organisation={organ.organisation.slug}" if several else ""
        rows.append({
            "organ": organ,
            "calendar": calendar(organ.code) + query,
            "decisions": decisions(organ.code) + query,
            "minutes": minutes(organ.code) + query,
        })
    return render(request, "opendata/index.html", {"rows": rows, "several": several, "datasets": datasets,
                                                   "catalogues": catalogues})
