"""The XML job feed for aggregators, /jobs/feed.xml: every open posting, in the shape of
Indeed's "XML feed reference" (docs.indeed.com/indeed-apply/xml-feed), element by element.

A file, not a page: the task worker writes it (`rebuild`, from postings/tasks.py) whenever
something it lists may have changed, and every web process serves that one file as it
would a static file, with no query.

- Building. The open postings are read in chunks and written straight into a gzip file, so
  memory stays flat whatever their number. The body is a function of the postings alone
  (no build time in it): an unchanged feed builds to the same bytes, and the file is then
  left as it is. A changed one goes to a new file, named by the digest of its XML, and the
  small manifest beside it (`aggregator-feed.json`) is replaced in one rename: a reader
  sees the old feed or the new one, whole. The previous file stays for the requests still
  reading it; older ones go.
- Freshness. `is_out_of_date` is cheap: a write to anything the public pages show bumps the
  page cache's version (jobsite/caching.py), which the manifest remembers; and the feed
  also changes with no write, when a listed posting's valid-through moment passes or a
  scheduled one's publication arrives, which the manifest remembers too. The worker checks
  every few minutes (postings/tasks.py).
- Serving. The ETag is the XML's digest and Last-Modified the moment of the newest change
  it holds, both from the manifest: every process answers the same for the same body. Sent
  gzip-compressed to clients that accept it (aggregators do), decompressed as it is sent to
  those that do not.

Text goes in CDATA sections, with characters rather than HTML entities: Indeed reads no
entities. A "]]>" in the text is split across two sections.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db.models import Min
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from jobsite import caching
from jobsite.origin import absolute_url
from postings.display import salary_text
from postings.feeds import feed_text, xml_safe
from postings.jsonld import description_html
from postings.models import EmploymentType, Posting, Workplace
from roles.models import EducationLevel, Role

logger = logging.getLogger(__name__)

MANIFEST = "aggregator-feed.json"
FILE_PREFIX = "aggregator-feed-"
# Postings read per round trip while building.
CHUNK_SIZE = 1000
# gzip's level: 6 makes the file about as small as 9 does, in half the time.
COMPRESS_LEVEL = 6
# What a request reads at a time of a file it decompresses for a client without gzip.
READ_SIZE = 64 * 1024

JOB_TYPES: dict[str, str] = {
    EmploymentType.FULL_TIME: "fulltime",
    EmploymentType.PART_TIME: "parttime",
    EmploymentType.CONTRACT: "contract",
    EmploymentType.TEMPORARY: "temporary",
    EmploymentType.INTERNSHIP: "internship",
}
REMOTE_TYPES: dict[str, str] = {Workplace.REMOTE: "Fully remote", Workplace.HYBRID: "Hybrid remote"}
SLUG = "slug-of-the-posting"
# A remote job without a place of its own: Indeed asks for a city and a state all the same.
REMOTE_PLACE = "Remote"


def iso_moment(moment: datetime | None) -> str:
    """ "2014-12-19T22:49:39Z": ISO 8601 in UTC, the format the reference recommends."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


# --- Text in CDATA -----------------------------------------------------------------------

# A tag as nh3 writes it: attribute values are double-quoted, with any '"' in them escaped.
TAG = re.compile(r'(</?[a-z][a-z0-9]*(?:\s+[a-z-]+="[^"]*")*\s*/?>)')
AMPERSAND = re.compile("&")
TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def cdata(text: str) -> str:
    """A CDATA section holding `text`; a "]]>" inside is split across two sections."""
    return "<![CDATA[" + xml_safe(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def plain_ampersands(text: str) -> str:
    """`text` (characters, no entities) as HTML in which an "&" stays a plain "&" wherever
    an HTML reader would take it as one: only an "&" that starts a character reference
    ("&amp;", "&#38;", "&copy") is written as "&amp;"."""

    def written(match: re.Match[str]) -> str:
        window = text[match.start() : match.start() + 40]
        return "&" if html.unescape(window).startswith(window[:2]) else "&amp;"

    return AMPERSAND.sub(written, text) if "&" in text else text


def html_with_characters(markup: str) -> str:
    """Sanitised HTML (nh3's, format_html's) with its text's entities turned into the
    characters they stand for: "bachelor's", "R&D", "5 < 6". Only what would otherwise be
    read as markup keeps an entity: a "<" that would open a tag, an "&" that would start a
    reference. Tags are kept as they are."""
    if "&" not in markup:  # No entity: nothing to change (a "<" in text is one).
        return markup
    parts = TAG.split(markup)
    for index in range(0, len(parts), 2):  # The text between the tags.
        if "&" not in parts[index]:
            continue
        text = html.unescape(parts[index])
        parts[index] = TAG_START.sub("&lt;", plain_ampersands(text))
    return "".join(parts)


# --- Writing the document ----------------------------------------------------------------


class DigestWriter(io.RawIOBase):
    """Passes bytes on to `target`, counting them and keeping their digest."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self.digest.update(view)
        self.target.write(view)
        self.size += len(view)
        return len(view)


@dataclass
class Written:
    digest: str
    size: int
    jobs: int
    # The first valid-through moment among the jobs written: the feed changes then.
    first_expiry: datetime | None


class FeedWriter:
    """Writes the `<source>` document to a text stream, one job at a time."""

    def __init__(self, out: IO[str], roles: dict[int, Role]) -> None:
        self.out = out
        self.roles = roles
        # reverse() once, not per job: a job's address is this with its slug in.
        self.url = absolute_url(reverse("postings:posting_detail", kwargs={"slug": SLUG}))
        self.jobs = 0
        self.first_expiry: datetime | None = None

    def element(self, name: str, text: str) -> None:
        self.out.write(f"<{name}>{cdata(text)}</{name}>")

    def optional(self, name: str, text: str) -> None:
        if text:
            self.element(name, text)

    def document(self, postings: Iterable[Posting]) -> None:
        self.out.write('<?xml version="1.0" encoding="utf-8"?>\n<source>')
        self.out.write(f"<publisher>{cdata(settings.SITE_NAME)}</publisher>")
        self.out.write(f"<publisherurl>{cdata(absolute_url(reverse('postings:home')))}")
        self.out.write("</publisherurl>\n")
        for posting in postings:
            self.job(posting)
        self.out.write("</source>\n")

    def job(self, posting: Posting) -> None:
        role = self.roles[posting.role_id]
        city, state = posting.city, posting.region
        if posting.is_remote and not city:
            city, state = REMOTE_PLACE, state or REMOTE_PLACE
        self.out.write("<job>")
        self.element("title", feed_text(posting.title))
        self.element("date", iso_moment(posting.published_at))
        self.element("referencenumber", str(posting.pk))
        # One posting is one requisition here: a duplicate is a job of its own.
        self.element("requisitionid", str(posting.pk))
        self.element("url", self.url.replace(SLUG, posting.slug))
        self.element("company", feed_text(posting.organisation.name))
        self.element("city", feed_text(city))
        self.element("state", feed_text(state))
        self.element("country", posting.country)
        self.optional("postalcode", feed_text(posting.postal_code))
        self.element("description", html_with_characters(description_html(posting)))
        self.optional("salary", salary_text(posting))
        if role.education_level != EducationLevel.NONE:
            self.element("education", role.get_education_level_display())
        self.element("jobtype", JOB_TYPES.get(posting.employment_type, ""))
        self.element("category", feed_text(role.title))
        if role.experience_years_min:
            years = role.experience_years_min
            self.element("experience", f"{years}+ year{'s' if years > 1 else ''}")
        self.optional("expirationdate", iso_moment(posting.valid_through))
        self.optional("remotetype", REMOTE_TYPES.get(posting.workplace, ""))
        self.out.write("</job>\n")
        self.jobs += 1
        if posting.valid_through and (
            self.first_expiry is None or posting.valid_through < self.first_expiry
        ):
            self.first_expiry = posting.valid_through


def open_postings() -> Iterator[Posting]:
    """Every open posting, newest first, in chunks: the columns the feed writes."""
    return (
        Posting.objects.public()
        .select_related("organisation", "rendered")
        .only(
            "title",
            "slug",
            "role",
            "organisation__name",
            "rendered__html",
            "description",
            "responsibilities",
            "qualifications",
            "employment_type",
            "workplace",
            "city",
            "region",
            "postal_code",
            "country",
            "salary_min",
            "salary_max",
            "salary_currency",
            "salary_period",
            "published_at",
            "valid_through",
        )
        .newest_first()
        .iterator(chunk_size=CHUNK_SIZE)
    )


def write_feed(target: IO[bytes]) -> Written:
    """The feed of every open posting, gzip-compressed into `target`."""
    roles = Role.objects.only(
        "title", "education_level", "experience_years_min", "fields_of_study"
    ).in_bulk()
    # No name and no time in the gzip header: the same feed is the same bytes.
    with gzip.GzipFile(
        filename="", fileobj=target, mode="wb", compresslevel=COMPRESS_LEVEL, mtime=0
    ) as packed:
        digest = DigestWriter(packed)  # type: ignore[arg-type]  # GzipFile takes bytes
        text = io.TextIOWrapper(
            io.BufferedWriter(digest, buffer_size=READ_SIZE), encoding="utf-8", newline="\n"
        )
        writer = FeedWriter(text, roles)
        writer.document(open_postings())
        text.flush()
    return Written(digest.digest.hexdigest(), digest.size, writer.jobs, writer.first_expiry)


# --- The manifest ------------------------------------------------------------------------


@dataclass
class Manifest:
    """What the current feed file is, for the processes that serve it and the worker."""

    file: str
    digest: str
    # Seconds since the epoch.
    last_modified: int
    size: int
    gzip_size: int
    jobs: int
    # The page cache's version when it was built: a write since bumped it.
    version: int
    # When the feed changes with no write: the first listed posting expires, or the first
    # scheduled one is published (seconds since the epoch; None: never).
    changes_at: float | None

    @property
    def etag(self) -> str:
        return f'"{self.digest[:32]}"'

    @property
    def gzip_etag(self) -> str:
        # Another body, so another tag (RFC 9110 8.8.3).
        return f'"{self.digest[:32]}-gzip"'


def directory() -> Path:
    return Path(settings.GENERATED_FILES_DIR)


def read_manifest() -> Manifest | None:
    try:
        return Manifest(**json.loads((directory() / MANIFEST).read_text()))
    except (FileNotFoundError, ValueError, TypeError):
        return None


def replace_atomically(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".", delete=False) as temporary:
        temporary.write(data)
        temporary.flush()
        os.fsync(temporary.fileno())
    os.replace(temporary.name, path)


def is_out_of_date(manifest: Manifest | None, now: datetime) -> bool:
    """Whether the feed may no longer be what the postings say: anything written since it
    was built, or a moment passed at which it changes by itself."""
    if manifest is None:
        return True
    if caching.version() != manifest.version:
        return True
    return manifest.changes_at is not None and now.timestamp() >= manifest.changes_at


def next_publication(now: datetime) -> datetime | None:
    """The first moment a scheduled posting is published."""
    scheduled = Posting.objects.filter(
        status=Posting.Status.PUBLISHED, published_at__gt=now, organisation__is_suspended=False
    )
    moment: datetime | None = scheduled.aggregate(first=Min("published_at"))["first"]
    return moment


def rebuild() -> Manifest:
    """Write the feed of every open posting, and make it the one served if it differs from
    the current one. Returns the manifest now in force."""
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    # Read before the rows: a write while building bumps it again, and the next check
    # builds once more.
    version = caching.version()
    now = timezone.now()
    previous = read_manifest()
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".building-", delete=False) as target:
        try:
            written = write_feed(target)
        except BaseException:
            os.unlink(target.name)
            raise
        gzip_size = target.tell()
    moments = [m for m in (written.first_expiry, next_publication(now)) if m is not None]
    changes_at = min(moments).timestamp() if moments else None
    if previous is not None and previous.digest == written.digest:
        os.unlink(target.name)
        manifest = Manifest(**{**asdict(previous), "version": version, "changes_at": changes_at})
    else:
        name = f"{FILE_PREFIX}{written.digest[:32]}.xml.gz"
        os.replace(target.name, folder / name)
        manifest = Manifest(
            file=name,
            digest=written.digest,
            last_modified=changed_at(previous, version, now),
            size=written.size,
            gzip_size=gzip_size,
            jobs=written.jobs,
            version=version,
            changes_at=changes_at,
        )
        logger.info("Aggregator feed rebuilt: %d jobs, %d bytes", written.jobs, gzip_size)
    replace_atomically(folder / MANIFEST, json.dumps(asdict(manifest)).encode())
    remove_old_files(folder, keep={manifest.file, previous.file if previous else ""})
    return manifest


def changed_at(previous: Manifest | None, version: int, now: datetime) -> int:
    """When the feed changed, in whole seconds: the newest write (the page cache's version
    is the moment of it) or the passing moment that made it change, and always after the
    previous feed's, so that "modified since?" tells them apart."""
    moments = [min(version / 1e9, now.timestamp())]
    if previous is not None:
        if previous.changes_at is not None and previous.changes_at <= now.timestamp():
            moments.append(previous.changes_at)
        moments.append(previous.last_modified + 1)
    return int(max(moments))


def remove_old_files(folder: Path, keep: set[str]) -> None:
    """Feeds older than the previous one: no request can still be reading them."""
    for path in folder.glob(f"{FILE_PREFIX}*.xml.gz"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


# --- Serving -----------------------------------------------------------------------------


def accepts_gzip(request: HttpRequest) -> bool:
    encodings = request.headers.get("Accept-Encoding", "")
    return any(
        part.split(";")[0].strip().lower() in ("gzip", "*") and "q=0" not in part.replace(" ", "")
        for part in encodings.split(",")
    )


def decompressed(unpacked: gzip.GzipFile) -> Iterator[bytes]:
    with unpacked:
        while chunk := unpacked.read(READ_SIZE):
            yield chunk


@require_safe
def aggregator_feed(request: HttpRequest) -> HttpResponseBase:
    """/jobs/feed.xml: the file the worker last built, as a static file is served."""
    manifest = read_manifest()
    if manifest is None:
        # Not built yet (a new site): ask the worker (which, in immediate mode, builds it
        # at once), and the client to come back.
        from postings.tasks import refresh_aggregator_feed

        refresh_aggregator_feed()
        manifest = read_manifest()
    if manifest is None:
        response: HttpResponseBase = HttpResponse(
            "The job feed is being built. Try again in a minute.\n",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response.headers["Retry-After"] = "60"
        return response
    packed = accepts_gzip(request)
    etag = manifest.gzip_etag if packed else manifest.etag
    last_modified = http_date(manifest.last_modified)
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=manifest.last_modified
    )
    if not_modified is not None:
        response = not_modified
    elif request.method == "HEAD":
        response = HttpResponse(content_type="application/xml; charset=utf-8")
        response.headers["Content-Length"] = str(manifest.gzip_size if packed else manifest.size)
    else:
        path = directory() / manifest.file
        try:
            if packed:
                response = FileResponse(path.open("rb"), content_type="application/xml")
                del response.headers["Content-Disposition"]  # The file's own name is no one's.
            else:
                unpacked = gzip.open(path, "rb")  # noqa: SIM115 - decompressed() closes it
                response = StreamingHttpResponse(decompressed(unpacked))
        except FileNotFoundError:
            # Replaced twice since the manifest was read: the newer one is there.
            return aggregator_feed(request)
        response.headers["Content-Type"] = "application/xml; charset=utf-8"
        response.headers["Content-Length"] = str(manifest.gzip_size if packed else manifest.size)
    if packed and response.status_code == 200:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = last_modified
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PUBLIC_PAGE_MAX_AGE,
        stale_while_revalidate=settings.PUBLIC_PAGE_STALE_WHILE_REVALIDATE,
    )
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
