"""Organisations' logos: checking an upload, re-encoding it, and its files in a few sizes.

An upload is judged by its content, never its name or the type the browser claims: Pillow
must recognise it as PNG, JPEG, WebP or GIF (SVG, which can carry script, is refused, and so
is anything else), it must be at most LOGO_MAX_BYTES and LOGO_MAX_PIXELS (a small file that
would decompress to a huge image is refused before it is decoded). What is kept is the first
frame redrawn as a PNG at most LOGO_SOURCE_SIZE pixels a side, without any metadata: the
`Logo` row, which backups hold. The site serves PNG files made from it at the sizes in
LOGO_SIZES, through Django's storage API (the filesystem under MEDIA_ROOT, or S3-compatible
storage: jobsite/mediastorage.py), named by the image's digest so that a name always means
the same bytes and may be cached for ever.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from jobsite.origin import absolute_url

if TYPE_CHECKING:
    from postings.models import Logo

log = logging.getLogger(__name__)

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 25_000_000
LOGO_MIN_SIDE = 32
LOGO_SOURCE_SIZE = 512
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}
# The files served, by name: each fits in a square of that many pixels. Small for result
# lines (shown at 40 CSS pixels), medium for posting and company pages (96), large for
# JSON-LD and link previews (og:image).
LOGO_SIZES = {"small": 80, "medium": 192, "large": LOGO_SOURCE_SIZE}
FOLDER = "logos"


class LogoError(ValueError):
    """The upload is not a logo the site takes; the message says why, for the form."""


@dataclass(frozen=True)
class LogoFiles:
    """A logo's addresses, by size: `{{ organisation.logo.small }}`."""

    digest: str

    @property
    def small(self) -> str:
        return file_url(self.digest, "small")

    @property
    def medium(self) -> str:
        return file_url(self.digest, "medium")

    @property
    def large(self) -> str:
        return file_url(self.digest, "large")

    @property
    def large_absolute(self) -> str:
        """The large file's absolute URL, for JSON-LD and og:image."""
        url = self.large
        return absolute_url(url) if url.startswith("/") else url


def file_name(digest: str, size: str) -> str:
    return f"{FOLDER}/{digest}-{LOGO_SIZES[size]}.png"


def file_url(digest: str, size: str) -> str:
    return default_storage.url(file_name(digest, size))


def read_upload(upload: IO[bytes]) -> bytes:
    """The upload's bytes, if it is no larger than LOGO_MAX_BYTES."""
    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise LogoError(f"The file is larger than {LOGO_MAX_BYTES // (1024 * 1024)} MB.")
    if not data:
        raise LogoError("The file is empty.")
    return data


def looks_like_markup(data: bytes) -> bool:
    """SVG and other XML or HTML: text starting with "<" after any byte-order mark."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def normalised(data: bytes) -> Image.Image:
    """The upload decoded as an RGBA image no larger than LOGO_SOURCE_SIZE a side."""
    if looks_like_markup(data):
        raise LogoError("SVG and other drawings in markup are not accepted: upload a PNG.")
    try:
        with warnings.catch_warnings():
            # Pillow warns of an image between its limit and twice it: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only these decoders are tried: never EPS (Ghostscript) or the other exotic ones.
            image = Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS))
            width, height = image.size
            if width * height > LOGO_MAX_PIXELS:
                raise LogoError(
                    f"The image is {width:,}×{height:,} pixels: at most "
                    f"{LOGO_MAX_PIXELS // 1_000_000} million pixels, please."
                )
            if max(width, height) < LOGO_MIN_SIDE:
                raise LogoError(f"The image is too small: at least {LOGO_MIN_SIDE} pixels a side.")
            image.seek(0)
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGBA")
    except LogoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LogoError(
            f"The image has too many pixels: at most {LOGO_MAX_PIXELS // 1_000_000} million."
        ) from None
    except Image.UnidentifiedImageError:
        raise LogoError("Upload a PNG, JPEG, WebP or GIF image.") from None
    except Exception as error:
        # Whatever Pillow's decoders raise for a damaged or hostile file (OSError,
        # SyntaxError, ValueError, a DecompressionBomb*, struct.error …): not an image.
        log.info("A logo upload could not be decoded: %r", error)
        raise LogoError("This file is not an image we can read: upload a PNG or JPEG.") from None
    upright.thumbnail((LOGO_SOURCE_SIZE, LOGO_SOURCE_SIZE), Image.Resampling.LANCZOS)
    return upright


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def prepare(upload: IO[bytes]) -> tuple[str, bytes, tuple[int, int]]:
    """Check an upload and re-encode it: its digest, PNG bytes and size. Raises LogoError."""
    image = normalised(read_upload(upload))
    data = png_bytes(image)
    return hashlib.sha256(data).hexdigest()[:32], data, image.size


def variant(source: bytes, size: str) -> bytes:
    """The PNG served at `size`, made from a Logo's image."""
    image = Image.open(io.BytesIO(source))
    image.load()
    box = LOGO_SIZES[size]
    if max(image.size) > box:
        image.thumbnail((box, box), Image.Resampling.LANCZOS)
    return png_bytes(image)


def write_files(digest: str, source: bytes) -> None:
    """Write the logo's files into the media storage, those not there already. A name
    is its content, so a file found under it is the right one."""
    for size in LOGO_SIZES:
        name = file_name(digest, size)
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(variant(source, size)))


def keep(prepared: tuple[str, bytes, tuple[int, int]]) -> Logo:
    """Keep what `prepare` made of an upload: its Logo row (one per image, however many
    organisations show it) and its files."""
    from postings.models import Logo

    digest, data, (width, height) = prepared
    logo, _ = Logo.objects.get_or_create(
        digest=digest, defaults={"image": data, "width": width, "height": height}
    )
    write_files(digest, bytes(logo.image))
    return logo


def store(upload: IO[bytes]) -> Logo:
    """Check, re-encode and keep an upload. Raises LogoError."""
    return keep(prepare(upload))


def write_missing_files(using: str = "default") -> int:
    """Write the files of every logo an organisation shows that the storage lacks (after a
    restore, or a move to another storage). Returns how many logos were looked at."""
    from postings.models import Logo, Organisation

    shown = Organisation.objects.using(using).exclude(logo_digest="").values("logo_digest")
    count = 0
    for logo in Logo.objects.using(using).filter(digest__in=shown).iterator(chunk_size=100):
        write_files(logo.digest, bytes(logo.image))
        count += 1
    return count
