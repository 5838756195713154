"""The XML job feed for aggregators, /jobs/feed.xml: every open posting, in the shape of
Indeed's "XML feed reference" (docs.indeed.com/indeed-apply/xml-feed), element by element.

A file, not a page: the task worker writes it (`rebuild`, from postings/tasks.py) whenever
something it lists may have changed, and every web process serves that one file as it
would a static file, with no query.

- Building. The open postings are read as values, a chunk at a time along the public
  list's index (each chunk starts after the last one's moment and id), and written straight
  into a gzip file, so memory stays flat whatever their number. No Markdown is rendered:
  each description's copy for the feed is kept beside its rendering (postings/
  descriptions.py), made when the posting is saved, or by the build where it is missing or
  was made from other texts. Companies, places and salaries repeat: their elements are
  remembered, a bounded number of them. The body is a function of the postings alone
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
entities. A "]]>" in the text is split across two sections. Dates are ISO 8601 in UTC, as
the reference recommends. The description holds only the tags Indeed's job description
formatting guidelines list (docs.indeed.com/job-sync-api/formatting-guidelines; see
postings/descriptions.py).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
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
from jobsite.paths import row_path
from postings import descriptions
from postings.display import salary_range_text
from postings.feeds import feed_text, xml_safe
from postings.models import (
    EmploymentType,
    Posting,
    RenderedDescription,
    Workplace,
    open_q,
    rendered_description,
    shown_list,
)
from roles.models import EducationLevel, Role

logger = logging.getLogger(__name__)

MANIFEST = "aggregator-feed.json"
FILE_PREFIX = "aggregator-feed-"
# Postings read per round trip while building.
CHUNK_SIZE = 1000
# Distinct companies, places, titles and salaries whose elements a build remembers: a
# bounded number, so that memory stays flat whatever the number of postings.
REPEATED_VALUES = 4096
# gzip's level: compressing took half of a build's time at 6; 4 takes half as long for a
# file 12% larger (3.3 MB rather than 2.9 for 20 MB of XML).
COMPRESS_LEVEL = 4
# What a request reads at a time of a file it decompresses for a client without gzip.
READ_SIZE = 64 * 1024

JOB_TYPES: dict[str, str] = {
    EmploymentType.FULL_TIME.value: "fulltime",
    EmploymentType.PART_TIME.value: "parttime",
    EmploymentType.CONTRACT.value: "contract",
    EmploymentType.TEMPORARY.value: "temporary",
    EmploymentType.INTERNSHIP.value: "internship",
}
REMOTE_TYPES: dict[str, str] = {
    Workplace.REMOTE.value: "Fully remote",
    Workplace.HYBRID.value: "Hybrid remote",
}
# Plain strings, as the rows hold them: an enum member costs a lookup on every use.
REMOTE = Workplace.REMOTE.value
# A remote job without a place of its own: Indeed asks for a city and a state all the same.
REMOTE_PLACE = "Remote"


def iso_moment(moment: datetime | None) -> str:
    """ "2014-12-19T22:49:39Z": ISO 8601 in UTC, the format the reference recommends."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def cdata(text: str) -> str:
    """A CDATA section holding `text`; a "]]>" inside is split across two sections."""
    return "<![CDATA[" + xml_safe(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def element(name: str, text: str) -> str:
    return f"<{name}>{cdata(text)}</{name}>"


@lru_cache(maxsize=REPEATED_VALUES)
def text_element(name: str, text: str, optional: bool = False) -> str:
    """An element of typed words (feeds.feed_text), "" for an optional one with none.
    Remembered: a company, a place or a title comes back job after job."""
    words = feed_text(text)
    return "" if optional and not words else element(name, words)


@lru_cache(maxsize=REPEATED_VALUES)
def salary_element(low: Decimal | None, high: Decimal | None, currency: str, period: str) -> str:
    """The <salary> of a range as the posting's page words it; "" for none."""
    text = salary_range_text(low, high, currency, period)
    return element("salary", text) if text else ""


def role_elements(role: Role) -> tuple[str, str, str]:
    """A role's <education>, <category> and <experience> ("" where it has none)."""
    education = ""
    if role.education_level != EducationLevel.NONE:
        education = element("education", role.get_education_level_display())
    experience = ""
    if years := role.experience_years_min:
        experience = element("experience", f"{years}+ year{'s' if years > 1 else ''}")
    return education, text_element("category", role.title), experience


# --- Reading the open postings ---------------------------------------------------------------

# What a job is written from, read as values (no model instances): a build reads every
# open posting.
JOB_COLUMNS = (
    "pk",
    "title",
    "slug",
    "role_id",
    "organisation__name",
    "rendered__html",
    "rendered__feed_html",
    "rendered__feed_source",
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


def open_postings(now: datetime) -> Iterator[list[dict[str, Any]]]:
    """Every posting open at `now`, newest first, a chunk at a time. Each chunk is one query
    that starts where the previous one ended, along the public list's index (keyset
    pagination): the last chunk costs what the first does, and no cursor holds the whole
    result, in the database or here."""
    listed = Posting.objects.filter(open_q(now)).newest_first().values(*JOB_COLUMNS)
    chunk = list(listed[:CHUNK_SIZE])
    while chunk:
        yield chunk
        if len(chunk) < CHUNK_SIZE:
            return
        last = chunk[-1]
        after = listed.filter(published_at__lte=last["published_at"]).exclude(
            published_at=last["published_at"], pk__gte=last["pk"]
        )
        chunk = list(after[:CHUNK_SIZE])


def with_descriptions(chunk: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The chunk, each row with its "description" as the feed holds it: the stored copy
    where it was made from the texts as they are now, else made and stored (one write for
    the chunk). A row written around the model, with no rendering, is rendered here."""
    unrendered = [row["pk"] for row in chunk if row["rendered__html"] is None]
    descriptions_by_pk = dict(
        Posting.objects.filter(pk__in=unrendered).values_list("pk", "description")
        if unrendered
        else ()
    )
    stale = []
    for row in chunk:
        rendered = row["rendered__html"]
        if rendered is None:
            rendered = rendered_description(descriptions_by_pk.get(row["pk"], ""))["html"]
        source = descriptions.feed_source(rendered, row["responsibilities"], row["qualifications"])
        if source == row["rendered__feed_source"] and row["rendered__feed_html"] is not None:
            row["description"] = row["rendered__feed_html"]
            continue
        row["description"] = descriptions.feed_copy(
            rendered, shown_list(row["responsibilities"]), shown_list(row["qualifications"])
        )
        if row["rendered__html"] is not None:
            stale.append(
                RenderedDescription(
                    posting_id=row["pk"], feed_html=row["description"], feed_source=source
                )
            )
    if stale:
        # Derived columns no page shows: no bump of the page cache (a plain QuerySet). A
        # write racing this one leaves a copy whose digest tells the next build.
        RenderedDescription.objects.bulk_update(stale, ["feed_html", "feed_source"])
    return chunk


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
        self.roles = {pk: role_elements(role) for pk, role in roles.items()}
        self.jobs = 0
        self.first_expiry: datetime | None = None

    def document(self, chunks: Iterable[list[dict[str, Any]]]) -> None:
        self.out.write('<?xml version="1.0" encoding="utf-8"?>\n<source>')
        self.out.write(element("publisher", settings.SITE_NAME))
        self.out.write(element("publisherurl", absolute_url(reverse("postings:home"))))
        self.out.write("\n")
        for chunk in chunks:
            # One write per chunk: the text stream's cost is per call.
            self.out.write("".join(map(self.job, with_descriptions(chunk))))
        self.out.write("</source>\n")

    def job(self, row: dict[str, Any]) -> str:
        """One <job>, its elements in the reference's order (each optional one only where
        there is a value)."""
        education, category, experience = self.roles[row["role_id"]]
        city, state = row["city"], row["region"]
        if row["workplace"] == REMOTE and not city:
            city, state = REMOTE_PLACE, state or REMOTE_PLACE
        reference = str(row["pk"])
        valid_through = row["valid_through"]
        description = row["description"]
        if "]]>" in description:  # Stored XML-safe; only the CDATA end needs splitting.
            description = description.replace("]]>", "]]]]><![CDATA[>")
        self.jobs += 1
        if valid_through and (self.first_expiry is None or valid_through < self.first_expiry):
            self.first_expiry = valid_through
        return "".join(
            (
                "<job>",
                text_element("title", row["title"]),
                element("date", iso_moment(row["published_at"])),
                element("referencenumber", reference),
                # One posting is one requisition here: a duplicate is a job of its own.
                element("requisitionid", reference),
                element("url", absolute_url(row_path("postings:posting_detail", row["slug"]))),
                text_element("company", row["organisation__name"]),
                # The employer whose jobs these are, as Indeed groups them for claiming.
                text_element("sourcename", row["organisation__name"]),
                text_element("city", city),
                text_element("state", state),
                element("country", row["country"]),
                text_element("postalcode", row["postal_code"], optional=True),
                f"<description><![CDATA[{description}]]></description>",
                salary_element(
                    row["salary_min"],
                    row["salary_max"],
                    row["salary_currency"],
                    row["salary_period"],
                ),
                education,
                element("jobtype", JOB_TYPES.get(row["employment_type"], "")),
                category,
                experience,
                element("expirationdate", iso_moment(valid_through)) if valid_through else "",
                element("remotetype", REMOTE_TYPES[row["workplace"]])
                if row["workplace"] in REMOTE_TYPES
                else "",
                "</job>\n",
            )
        )


def write_feed(target: IO[bytes], now: datetime) -> Written:
    """The feed of every posting open at `now`, gzip-compressed into `target`."""
    roles = Role.objects.only("title", "education_level", "experience_years_min").in_bulk()
    # No name and no time in the gzip header: the same feed is the same bytes.
    with gzip.GzipFile(
        filename="", fileobj=target, mode="wb", compresslevel=COMPRESS_LEVEL, mtime=0
    ) as packed:
        digest = DigestWriter(packed)  # type: ignore[arg-type]  # GzipFile takes bytes
        text = io.TextIOWrapper(
            io.BufferedWriter(digest, buffer_size=READ_SIZE), encoding="utf-8", newline="\n"
        )
        writer = FeedWriter(text, roles)
        writer.document(open_postings(now))
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
    # The page cache's version when it was built: a write since bumped it. None with a
    # cache that keeps nothing (a development setting), where every check builds.
    version: int | None
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
    version = caching.version()
    if version is None or version != manifest.version:  # None: a cache that keeps nothing
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
            written = write_feed(target, now)
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


def changed_at(previous: Manifest | None, version: int | None, now: datetime) -> int:
    """When the feed changed, in whole seconds: the newest write (the page cache's version
    is the moment of it) or the passing moment that made it change, and always after the
    previous feed's, so that "modified since?" tells them apart."""
    moments = [now.timestamp() if version is None else min(version / 1e9, now.timestamp())]
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
                # The server's file wrapper reads in these (4 KB by default): 16 times fewer
                # reads where it cannot hand the file to the kernel (sendfile).
                response.block_size = READ_SIZE
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
