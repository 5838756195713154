"""What search engines, aggregators and feed readers read, checked with real validators over
every kind of public page, every feed and every sitemap file:

- JSON-LD: every type and property is in the schema.org vocabulary as the npm package
  @zazuko/rdf-vocabularies ships it (ontologies/schema.nq, parsed with rdflib), none is
  superseded, and each property is used on a type it belongs to (its domainIncludes, or a
  type's ancestor's); Google's required and recommended properties are present.
- Feeds parse with feedparser without `bozo` (not well-formed, a wrong encoding...).
- Sitemap files validate with xmlschema against the sitemaps.org schema the npm package
  `sitemap` ships (schema/sitemap.xsd); the index against the same types (see INDEX_XSD).

`make test` installs both npm packages (scripts/ensure-browser, package-lock.json).
"""

from __future__ import annotations

import gzip
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
import rdflib
import xmlschema
from django.urls import reverse
from rdflib.namespace import RDF, RDFS

from postings import logos
from tests.factories import PostingFactory, RoleFactory, build_site
from tests.helpers import BASE_DIR, JSON_LD, logo_upload

pytestmark = pytest.mark.django_db

SCHEMA_NQ = BASE_DIR / "node_modules" / "@zazuko" / "rdf-vocabularies" / "ontologies" / "schema.nq"
SITEMAP_XSD = BASE_DIR / "node_modules" / "sitemap" / "schema" / "sitemap.xsd"
SCHEMA = rdflib.Namespace("http://schema.org/")
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# The sitemap index's schema: sitemaps.org's siteindex.xsd, whose types are sitemap.xsd's
# (the npm package ships only the latter), so it is written here on top of it.
INDEX_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
            targetNamespace="http://www.sitemaps.org/schemas/sitemap/0.9"
            xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
            elementFormDefault="qualified">
  <xsd:include schemaLocation="{SITEMAP_XSD.as_uri()}"/>
  <xsd:element name="sitemapindex">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element name="sitemap" type="tSitemap" maxOccurs="unbounded"/>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
  <xsd:complexType name="tSitemap">
    <xsd:sequence>
      <xsd:element name="loc" type="tLoc"/>
      <xsd:element name="lastmod" type="tLastmod" minOccurs="0"/>
    </xsd:sequence>
  </xsd:complexType>
</xsd:schema>
"""

# Google Search Central's structured-data pages, by type: (required, recommended). Where a
# recommended property depends on the data (a salary, an expiry, remote work), EXPECTED
# below asks for it only where the data has it.
# job-posting: required datePosted, description, hiringOrganization, jobLocation (or, for a
# job done fully remotely, applicantLocationRequirements with jobLocationType), title.
# estimated-salary: Occupation requires estimatedSalary, name, occupationLocation and
# recommends the rest listed (industry, jobBenefits and sampleSize too, which the site holds
# no data for; mainEntityOfPage with lastReviewed arrives with the explainers' review
# dates); MonetaryAmountDistribution requires name, currency, duration, median.
# breadcrumb: itemListElement, each ListItem with position, name and (but the last) item.
# site-names / sitelinks search box: WebSite name and url, its SearchAction target and
# query-input. logo / organization: url and logo, name and description recommended.
GOOGLE: dict[str, tuple[set[str], set[str]]] = {
    "JobPosting": (
        {"datePosted", "description", "hiringOrganization", "title"},
        {"directApply", "employmentType", "identifier"},
    ),
    "Occupation": (
        {"estimatedSalary", "name", "occupationLocation"},
        {
            "description",
            "educationRequirements",
            "experienceRequirements",
            "occupationalCategory",
            "qualifications",
            "responsibilities",
            "skills",
        },
    ),
    "MonetaryAmountDistribution": (
        {"name", "currency", "duration", "median"},
        {"percentile10", "percentile25", "percentile75", "percentile90"},
    ),
    "BreadcrumbList": ({"itemListElement"}, set()),
    "ListItem": ({"position", "name"}, set()),
    "WebSite": ({"name", "url"}, {"potentialAction"}),
    "SearchAction": ({"target", "query-input"}, set()),
    "Organization": ({"name"}, {"url", "logo", "description"}),
}

# Types Google describes as a page's own subject, not as a value inside another.
TOP_LEVEL_ONLY = {"Occupation", "Organization", "WebSite"}


def expected(node: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Google's required and recommended properties for `node`, given what it describes."""
    kind = node.get("@type")
    required, recommended = (set(names) for names in GOOGLE.get(kind, (set(), set())))
    if kind == "JobPosting":
        if node.get("jobLocationType") == "TELECOMMUTE":
            recommended.add("applicantLocationRequirements")
        else:
            required.add("jobLocation")
    return required, recommended


@dataclass
class Vocabulary:
    """schema.org's types and properties: each type's parents, each property's types."""

    parents: dict[str, set[str]] = field(default_factory=dict)
    domains: dict[str, set[str]] = field(default_factory=dict)
    superseded: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, path: Any) -> Vocabulary:
        # Every quad's graph is <http://schema.org/>: read them all as one. rdflib's N-Quads
        # reading and union graph call its own deprecated Dataset.default_context.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            graph = rdflib.Dataset(default_union=True)
            graph.parse(path, format="nquads")
            triples = [(s, p, o) for s, p, o, _ in graph.quads()]
        vocabulary = cls()

        def name(term: Any) -> str | None:
            text = str(term)
            return text.removeprefix(str(SCHEMA)) if text.startswith(str(SCHEMA)) else None

        for subject, predicate, value in triples:
            local, other = name(subject), name(value)
            if local is None:
                continue
            if predicate == RDF.type and value == RDFS.Class:
                vocabulary.parents.setdefault(local, set())
            elif predicate == RDFS.subClassOf and other is not None:
                vocabulary.parents.setdefault(local, set()).add(other)
            elif predicate == RDF.type and value == RDF.Property:
                vocabulary.domains.setdefault(local, set())
            elif predicate == SCHEMA.domainIncludes and other is not None:
                vocabulary.domains.setdefault(local, set()).add(other)
            elif predicate == SCHEMA.supersededBy:
                vocabulary.superseded.add(local)
        return vocabulary

    def ancestors(self, kind: str) -> set[str]:
        found, todo = set(), [kind]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo.extend(self.parents.get(current, ()))
        return found

    def problems(self, value: Any, where: str = "") -> Iterator[str]:
        """What is wrong with a JSON-LD value and everything in it, one line each."""
        if isinstance(value, list):
            for number, item in enumerate(value):
                yield from self.problems(item, f"{where}[{number}]")
            return
        if not isinstance(value, dict):
            return
        if set(value) <= {"@id"}:
            return  # A reference to a node described elsewhere.
        kinds = value.get("@type")
        if kinds is None:
            yield f"{where or 'top'}: a node without @type"
            return
        kinds = [kinds] if isinstance(kinds, str) else kinds
        unknown = [kind for kind in kinds if kind not in self.parents]
        for kind in unknown:
            yield f"{where or 'top'}: {kind} is not a schema.org type"
        if unknown:
            return
        types = set().union(*(self.ancestors(kind) for kind in kinds))
        for key, item in value.items():
            if key in ("@context", "@type", "@id"):
                continue
            # schema.org's Actions: `<property>-input`/`-output` annotate the property.
            prop = re.sub(r"-(input|output)$", "", key)
            path = f"{where}.{key}" if where else f"{kinds[0]}.{key}"
            if prop not in self.domains:
                yield f"{path}: {prop} is not a schema.org property"
            elif prop in self.superseded:
                yield f"{path}: {prop} is superseded"
            elif not self.domains[prop] & types:
                yield f"{path}: {prop} is not a property of {'/'.join(kinds)}"
            yield from self.problems(item, path)

    def missing(self, value: Any, where: str = "") -> Iterator[str]:
        """Google's required and recommended properties that a node lacks."""
        if isinstance(value, list):
            for number, item in enumerate(value):
                yield from self.missing(item, f"{where}[{number}]")
            return
        if not isinstance(value, dict):
            return
        if where and value.get("@type") in TOP_LEVEL_ONLY:
            # A posting's hiring organisation is not the site's Organization, nor its
            # relevant occupation an explainer's Occupation.
            required, recommended = set(), set()
        else:
            required, recommended = expected(value)
        path = where or str(value.get("@type"))
        for prop in sorted((required | recommended) - value.keys()):
            yield f"{path}: no {prop}"
        for key, item in value.items():
            yield from self.missing(item, f"{path}.{key}")


@pytest.fixture(scope="session")
def vocabulary() -> Vocabulary:
    """schema.org, parsed once for the session (about a second)."""
    return Vocabulary.read(SCHEMA_NQ)


@pytest.fixture(scope="session")
def sitemap_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SITEMAP_XSD)


@pytest.fixture(scope="session")
def index_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(INDEX_XSD)


@pytest.fixture
def site():
    """The site with a page of every kind: roles with wages, open on-site, hybrid and remote
    postings (with and without a salary), an expired and a closed one."""
    data = build_site()
    # The employer as the settings page lets an owner present it.
    data.organisation.description = "We move food from farms to kitchens."
    data.organisation.save(update_fields=["description"])
    data.organisation.set_logo(logos.store(logo_upload()))
    PostingFactory(
        organisation=data.organisation,
        role=data.director,
        slug="director-no-salary",
        salary_min=None,
        salary_max=None,
        salary_currency="",
    )
    PostingFactory(organisation=data.organisation, role=data.coo, slug="expired-coo", expired=True)
    return data


def public_pages(site) -> list[str]:
    """An address of every kind of public page."""
    roles = [site.ceo, site.coo, site.director]
    return [
        reverse("postings:home"),
        reverse("roles:role_directory"),
        f"{reverse('roles:role_directory')}?level=executive",
        *(role.get_absolute_url() for role in roles),
        reverse(
            "roles:role_compare",
            kwargs={"pair": "chief-operating-officer-vs-chief-executive-officer"},
        ),
        reverse("postings:posting_list"),
        f"{reverse('postings:posting_list')}?role=chief-operating-officer",
        f"{reverse('postings:posting_list')}?workplace=remote&page=2",
        f"{reverse('postings:posting_list')}?q=operations",
        f"{reverse('postings:posting_list')}?country=QQ",
        "/jobs/coo-region-1/",  # remote, open to two countries
        "/jobs/coo-region-24/",  # on-site
        "/jobs/director-of-operations-bristol/",  # hybrid, a contract
        "/jobs/director-no-salary/",
        "/jobs/expired-coo/",
        "/jobs/closed-coo/",
        reverse("companies:company_list"),
        site.organisation.get_absolute_url(),
        reverse("login"),
        reverse("signup"),
    ]


FEEDS = [
    "/jobs/feed/rss/",
    "/jobs/feed/atom/",
    "/jobs/feed/rss/?role=chief-operating-officer&workplace=remote",
    "/jobs/feed/atom/?q=operations&country=GB",
    "/jobs/feed.xml",
]


def json_ld_blocks(client, url: str) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return [json.loads(block) for block in JSON_LD.findall(response.content.decode())]


def body(response) -> bytes:
    """A response's body as a reader gets it, compressed or not."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(content)
    return content


def test_every_json_ld_type_and_property_is_schema_orgs_and_on_a_type_it_belongs_to(
    client, site, vocabulary
):
    found = {}
    for url in public_pages(site):
        for block in json_ld_blocks(client, url):
            found.setdefault(block["@type"], url)
            assert list(vocabulary.problems(block)) == [], url

    # Every type the site publishes was seen.
    assert set(found) == {"WebSite", "Organization", "Occupation", "BreadcrumbList", "JobPosting"}


def test_every_json_ld_block_has_googles_required_and_recommended_properties(
    client, site, vocabulary
):
    for url in public_pages(site):
        for block in json_ld_blocks(client, url):
            assert list(vocabulary.missing(block)) == [], url


def test_the_vocabulary_check_finds_unknown_and_misplaced_terms(vocabulary):
    # Guards the guard: a check that found nothing wrong in anything would pass the above.
    data = {
        "@type": "JobPosting",
        "title": "COO",
        "salaryFrom": 1,  # no such property
        "hiringOrganization": {"@type": "Company", "name": "Acme"},  # no such type
        "jobLocation": {"@type": "Place", "baseSalary": 3},  # a JobPosting's property
        "relevantOccupation": {"name": "Chief Operating Officer"},  # no type
        "potentialAction": {"@type": "SearchAction", "query-input": "required name=q"},
    }

    assert sorted(vocabulary.problems(data)) == [
        "JobPosting.hiringOrganization: Company is not a schema.org type",
        "JobPosting.jobLocation.baseSalary: baseSalary is not a property of Place",
        "JobPosting.relevantOccupation: a node without @type",
        "JobPosting.salaryFrom: salaryFrom is not a schema.org property",
    ]
    assert sorted(vocabulary.missing(data)) == [
        "JobPosting.potentialAction: no target",
        "JobPosting: no datePosted",
        "JobPosting: no description",
        "JobPosting: no directApply",
        "JobPosting: no employmentType",
        "JobPosting: no identifier",
    ]


def test_every_feed_parses_without_a_fault(client, site):
    for url in FEEDS:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url

        feed = feedparser.parse(body(response))

        assert not feed.bozo, (url, feed.get("bozo_exception"))
    rss = feedparser.parse(body(client.get(FEEDS[0])))
    assert rss.version == "rss20"
    assert rss.entries
    assert feedparser.parse(body(client.get(FEEDS[1]))).version == "atom10"


def test_a_feed_reader_finds_a_malformed_feed_out(client):
    # Guards the guard: feedparser's bozo flag does go up for a broken feed.
    assert feedparser.parse(b"<rss><channel><title>A & B</title></channel></rss>").bozo


def test_every_sitemap_file_validates_against_the_sitemaps_schema(
    client, site, sitemap_schema, index_schema
):
    PostingFactory.create_batch(5, role=site.director, workplace="hybrid")
    index = client.get("/sitemap.xml").content
    index_schema.validate(index)
    files = [
        urlsplit(loc.text) for loc in xmlschema.XMLResource(index).root.iter(f"{SITEMAP_NS}loc")
    ]
    urls = 0
    for address in files:
        path = f"{address.path}?{address.query}" if address.query else address.path
        response = client.get(path)
        assert response.status_code == HTTPStatus.OK, path

        sitemap_schema.validate(response.content)
        urls += len(list(xmlschema.XMLResource(response.content).root.iter(f"{SITEMAP_NS}url")))

    assert len(files) == 5  # pages, searches, roles, postings, companies
    assert urls > 30


def test_the_sitemap_schema_refuses_what_the_protocol_does(sitemap_schema):
    # Guards the guard: an empty file, a relative address and a date in another format fail.
    urlset = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>'
    bad = [
        urlset.format(""),
        urlset.format("<url><loc>/jobs/</loc></url>"),
        urlset.format("<url><loc>https://jobs.example.com/</loc><lastmod>5 May</lastmod></url>"),
    ]
    for document in bad:
        assert not sitemap_schema.is_valid(document)
    assert sitemap_schema.is_valid(urlset.format("<url><loc>https://jobs.example.com/</loc></url>"))


def test_a_role_without_wages_still_passes_the_vocabulary(client, vocabulary):
    role = RoleFactory(title="Harbour Master", onet_soc_code="")

    for block in json_ld_blocks(client, role.get_absolute_url()):
        assert list(vocabulary.problems(block)) == []
