"""The DCAT-AP-SE catalogue of the open data (issue 7, item 5), as the Swedish
data portal harvests it: one RDF/XML file per organisation at a stable URL
(/datasets/dcat).

Every catalog, dataset, distribution, data service, publisher and contact
point is a named resource with an absolute IRI (never a blank node); the
publisher's IRI is the portal's form http://dataportal.se/organisation/SE<orgnr>;
formats, licence, language, themes and publisher type are IRIs from the EU
vocabularies."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from diarium.accounts import access as accounts_access
from diarium.accounts.sites import site_organisation
from diarium.accounts.models import Organisation

from . import dumps
from .selectors import LICENSE
from .views import public_cacheable

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
ACCESS_RIGHT = Namespace("http://publications.europa.eu/resource/authority/access-right/")
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
CC0 = URIRef(LICENSE)
PORTAL_ORGANISATION = "http://dataportal.se/organisation/SE"
OPARL_PATH = "/oparl/v1.1/"
MEDIA_TYPE = Namespace("http://www.iana.org/assignments/media-types/")

# Mostly about government and the public sector (GOVE).
THEMES = {"register": ["GOVE"], "decisions": ["GOVE"], "meetings": ["GOVE"], "plans": ["GOVE", "ECON"],
          "chain-heads": ["GOVE"]}
KEYWORDS = {
    "register": ["diarium", "diarieförteckning", "allmänna handlingar"],
    "decisions": ["beslut", "protokoll", "anslagstavla"],
    "meetings": ["sammanträden", "kallelse", "protokoll"],
    "plans": ["styrdokument", "handlingsplan", "budget"],
    "chain-heads": ["diarium", "historik", "hashkedja", "granskning"],
}


def publisher_uri(organisation: Organisation) -> str:
    """The portal's IRI of the organisation: SE and the organisation number's
    digits (e.g. 212000-1512 gives SE2120001512). Without a number, an IRI on
    this site (the portal cannot then match the organisation)."""
    digits = re.sub(r"\D", "", organisation.org_number or "")
    if digits:
        return f"{PORTAL_ORGANISATION}{digits}"
    return f"{settings.SITE_URL}/datasets/dcat#publisher-{organisation.slug}"


def contact_email() -> str:
    """The open-data contact: the registrar's address (DIARIUM_REGISTRAR_EMAIL),
    else the site's sender address."""
    return getattr(settings, "DIARIUM_REGISTRAR_EMAIL", "") or settings.DEFAULT_FROM_EMAIL


def catalogue_url(organisation: Organisation, *, several: bool) -> str:
    url = settings.SITE_URL + reverse("opendata:dcat")
    return f"{url}?organisation={organisation.slug}" if several else url


def dump_url(name: str, fmt: str, organisation: Organisation, *, several: bool) -> str:
    url = settings.SITE_URL + reverse(f"opendata:dataset_{fmt}", args=[name])
    return f"{url}?organisation={organisation.slug}" if several else url


def _text(graph: Graph, subject, predicate, sv: str, en: str | None = None) -> None:
    graph.add((subject, predicate, Literal(sv, lang="sv")))
    if en:
        graph.add((subject, predicate, Literal(en, lang="en")))


def catalogue(organisation: Organisation, *, several: bool = False) -> Graph:
    """The organisation's catalogue as an rdflib graph."""
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("vcard", VCARD)):
        g.bind(prefix, ns)
    base = catalogue_url(organisation, several=several)

    def node(name: str) -> URIRef:
        return URIRef(f"{base}#{name}")

    catalog = URIRef(base)
    publisher = URIRef(publisher_uri(organisation))
    contact = node("contact")
    oparl = node("service-oparl")
    oparl_url = URIRef(settings.SITE_URL + OPARL_PATH)
    swedish = LANGUAGE.SWE

    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(organisation.name, lang="sv")))
    g.add((publisher, DCTERMS.type, PUBLISHER_TYPE.LocalAuthority))

    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(f"{organisation.name}, registraturen", lang="sv")))
    g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{contact_email()}")))

    g.add((catalog, RDF.type, DCAT.Catalog))
    _text(g, catalog, DCTERMS.title, f"Öppna data från {organisation.name}",
          f"Open data from {organisation.name}")
    _text(g, catalog, DCTERMS.description,
          f"Diarium, beslut, sammanträden och styrdokument från {organisation.name} som öppna data: "
          "nedladdningsbara filer (CSV, JSON) och ett OParl 1.1-API.",
          f"Case register, decisions, meetings and steering documents of {organisation.name} as open data: "
          "downloadable files (CSV, JSON) and an OParl 1.1 API.")
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCTERMS.license, CC0))
    g.add((catalog, DCTERMS.language, swedish))
    g.add((catalog, FOAF.homepage, URIRef(settings.SITE_URL + "/")))
    g.add((catalog, DCAT.service, oparl))

    g.add((oparl, RDF.type, DCAT.DataService))
    _text(g, oparl, DCTERMS.title, f"OParl 1.1-API för {organisation.name}", f"OParl 1.1 API of {organisation.name}")
    _text(g, oparl, DCTERMS.description,
          "Sammanträden, dagordningar, beslutsunderlag och protokoll enligt den öppna standarden OParl 1.1.",
          "Meetings, agendas, papers and minutes following the open standard OParl 1.1.")
    g.add((oparl, DCAT.endpointURL, oparl_url))
    g.add((oparl, DCAT.endpointDescription, URIRef("https://oparl.org/spezifikation/")))
    g.add((oparl, DCTERMS.conformsTo, URIRef("https://schema.oparl.org/1.1/")))
    g.add((oparl, DCTERMS.format, FILE_TYPE.JSON))
    g.add((oparl, DCTERMS.publisher, publisher))
    g.add((oparl, DCTERMS.license, CC0))
    g.add((oparl, DCAT.contactPoint, contact))

    for name, dataset in dumps.DATASETS.items():
        ds = node(f"dataset-{name}")
        g.add((catalog, DCAT.dataset, ds))
        g.add((ds, RDF.type, DCAT.Dataset))
        _text(g, ds, DCTERMS.title, f"{dataset.title_sv} – {organisation.name}",
              f"{dataset.title_en} – {organisation.name}")
        _text(g, ds, DCTERMS.description, dataset.description_sv, dataset.description_en)
        g.add((ds, DCTERMS.publisher, publisher))
        g.add((ds, DCAT.contactPoint, contact))
        g.add((ds, DCTERMS.language, swedish))
        g.add((ds, DCTERMS.accessRights, ACCESS_RIGHT.PUBLIC))
        g.add((ds, DCTERMS.accrualPeriodicity, FREQUENCY.DAILY))
        g.add((ds, DCTERMS.identifier, Literal(str(ds))))
        for theme in THEMES[name]:
            g.add((ds, DCAT.theme, THEME[theme]))
        for keyword in KEYWORDS[name]:
            g.add((ds, DCAT.keyword, Literal(keyword, lang="sv")))
        if name in ("decisions", "meetings"):
            g.add((oparl, DCAT.servesDataset, ds))
        for fmt, file_type, media in (("csv", FILE_TYPE.CSV, MEDIA_TYPE["text/csv"]),
                                      ("json", FILE_TYPE.JSON, MEDIA_TYPE["application/json"])):
            dist = node(f"distribution-{name}-{fmt}")
            url = URIRef(dump_url(name, fmt, organisation, several=several))
            g.add((ds, DCAT.distribution, dist))
            g.add((dist, RDF.type, DCAT.Distribution))
            _text(g, dist, DCTERMS.title, f"{dataset.title_sv} ({fmt.upper()})",
                  f"{dataset.title_en} ({fmt.upper()})")
            g.add((dist, DCAT.accessURL, url))
            g.add((dist, DCAT.downloadURL, url))
            g.add((dist, DCTERMS.format, file_type))
            g.add((dist, DCAT.mediaType, media))
            g.add((dist, DCTERMS.license, CC0))
        if name in ("decisions", "meetings"):
            dist = node(f"distribution-{name}-oparl")
            g.add((ds, DCAT.distribution, dist))
            g.add((dist, RDF.type, DCAT.Distribution))
            _text(g, dist, DCTERMS.title, f"{dataset.title_sv} (OParl 1.1-API)", f"{dataset.title_en} (OParl 1.1 API)")
            g.add((dist, DCAT.accessURL, oparl_url))
            g.add((dist, DCAT.accessService, oparl))
            g.add((dist, DCTERMS.format, FILE_TYPE.JSON))
            g.add((dist, DCAT.mediaType, MEDIA_TYPE["application/json"]))
            g.add((dist, DCTERMS.license, CC0))
    return g


def rdf_xml(organisation: Organisation, *, several: bool = False) -> bytes:
    return catalogue(organisation, several=several).serialize(format="xml", encoding="utf-8")


# --- the view -------------------------------------------------------------------------------
def organisation_for(request) -> tuple[Organisation, bool]:
    """The organisation a request is about, and whether the install has several:
    with several, ?organisation=<slug> tells which (else 404); with one, it is that one."""
    slug = (request.GET.get("organisation") or "").strip()
    organisations = list(accounts_access.public_organisations().order_by("id")[:2])
    several = len(organisations) > 1
    site = site_organisation(request)
    if site is not None:  # an organisation's own site: its catalogue only
        if slug and slug != site.slug:
            raise Http404(_("Organisationen finns inte."))
        return site, several
    if slug:
        organisation = accounts_access.public_organisations().filter(slug=slug).first()
    else:
        organisation = organisations[0] if len(organisations) == 1 else None
    if organisation is None:
        raise Http404(_("Organisationen finns inte.") if slug or not organisations else
                      _("Flera organisationer: ange ?organisation=."))
    return organisation, several


@public_cacheable
def catalogue_view(request):
    """GET /datasets/dcat: the catalogue as RDF/XML (application/rdf+xml)."""
    organisation, several = organisation_for(request)
    response = HttpResponse(rdf_xml(organisation, several=several), content_type="application/rdf+xml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="dcat.rdf"'
    return response
