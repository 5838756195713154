"""Logos: judged by their content, re-encoded in fixed sizes, served from the media storage
(the filesystem by the site itself, or S3 through django-storages, tested with moto)."""

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from http import HTTPStatus

import pytest
from django.core.files.storage import default_storage, storages
from PIL import Image

from jobsite.mediastorage import CACHE_CONTROL, s3_storage
from postings import logos
from tests.factories import OrganisationFactory
from tests.helpers import BASE_DIR, image_bytes

pytestmark = pytest.mark.django_db


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header says it is `width`×`height`: a few hundred bytes that would
    decompress to a huge image if anything decoded it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def prepare(data: bytes):
    return logos.prepare(io.BytesIO(data))


def test_an_image_is_kept_as_a_png_no_larger_than_the_largest_size_without_its_metadata():
    source = io.BytesIO()
    Image.new("RGB", (1600, 800), "#c00").save(source, format="JPEG", comment=b"secret")

    digest, data, size = prepare(source.getvalue())

    kept = Image.open(io.BytesIO(data))
    assert kept.format == "PNG"
    assert size == kept.size == (512, 256)
    assert "comment" not in kept.info
    assert len(digest) == 32


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_the_usual_image_formats_are_accepted(fmt):
    _, data, _ = prepare(image_bytes(format=fmt))

    assert Image.open(io.BytesIO(data)).format == "PNG"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (png_claiming(60_000, 60_000), "too many pixels"),  # Pillow's own bomb limit
        (png_claiming(8_000, 8_000), "at most 25 million pixels"),  # ours, below Pillow's
        (b'\xef\xbb\xbf  <svg viewBox="0 0 1 1"/>', "SVG"),
        (b"<html><body>hi</body></html>", "SVG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "PNG, JPEG, WebP or GIF"),
        (image_bytes()[:60], "not an image we can read"),
        (b"x" * (logos.LOGO_MAX_BYTES + 1), "larger than 2 MB"),
    ],
)
def test_hostile_or_broken_files_are_refused_before_they_are_decoded(data, says):
    with pytest.raises(logos.LogoError, match=says):
        prepare(data)


def test_a_tiff_or_bmp_is_not_taken_even_though_pillow_reads_it():
    bitmap = io.BytesIO()
    Image.new("RGB", (100, 100)).save(bitmap, format="BMP")

    with pytest.raises(logos.LogoError, match="PNG, JPEG, WebP or GIF"):
        prepare(bitmap.getvalue())


def test_the_files_are_written_in_every_size_and_named_by_their_content():
    logo = logos.store(io.BytesIO(image_bytes(size=(900, 300))))

    for size, box in logos.LOGO_SIZES.items():
        name = logos.file_name(logo.digest, size)
        assert name == f"logos/{logo.digest}-{box}.png"
        with default_storage.open(name) as stored:
            assert max(Image.open(stored).size) == min(box, 512)
    assert logos.store(io.BytesIO(image_bytes(size=(900, 300)))).pk == logo.pk


def test_a_replaced_logo_image_is_deleted_when_no_organisation_shows_it():
    first = logos.store(io.BytesIO(image_bytes(colour="#111")))
    second = logos.store(io.BytesIO(image_bytes(colour="#222")))
    a, b = OrganisationFactory(), OrganisationFactory()
    a.set_logo(first)
    b.set_logo(first)

    a.set_logo(second)
    assert type(first).objects.filter(pk=first.pk).exists()  # b still shows it
    b.set_logo(None)

    assert not type(first).objects.filter(pk=first.pk).exists()


# --- Served by the site --------------------------------------------------------------------


def test_the_site_serves_a_logo_file_to_be_kept_for_a_year(client):
    logo = logos.store(io.BytesIO(image_bytes()))

    response = client.get(f"/media/{logos.file_name(logo.digest, 'small')}")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "PNG"


@pytest.mark.parametrize(
    "path",
    [
        "logos/" + "0" * 32 + "-80.png",
        "../jobsite/settings.py",
        "logos/../../.env",
        "logos/%2e%2e/secret",
        "logos/" + "0" * 32 + "-80.svg",
        "notes.txt",
        "logos/",
    ],
)
def test_the_site_serves_nothing_else_from_the_media_folder(client, path):
    assert client.get(f"/media/{path}").status_code == HTTPStatus.NOT_FOUND


# --- S3-compatible storage -----------------------------------------------------------------


@pytest.fixture
def s3(settings, monkeypatch):
    """A moto S3 bucket as the default storage, configured as MEDIA_S3_* would."""
    moto = pytest.importorskip("moto")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with moto.mock_aws():
        import boto3

        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(
            Bucket="rolewise-media", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        storage, origin = s3_storage(bucket="rolewise-media", region="eu-west-1")
        settings.STORAGES = {**settings.STORAGES, "default": storage}
        yield client, origin
    storages._storages.pop("default", None)


def test_logos_go_to_the_bucket_with_their_type_and_a_year_long_cache(s3):
    client, origin = s3
    logo = logos.store(io.BytesIO(image_bytes()))

    stored = client.get_object(Bucket="rolewise-media", Key=logos.file_name(logo.digest, "large"))

    assert stored["ContentType"] == "image/png"
    assert stored["CacheControl"] == CACHE_CONTROL
    assert Image.open(io.BytesIO(stored["Body"].read())).format == "PNG"
    url = logos.file_url(logo.digest, "small")
    assert url == f"{origin}/logos/{logo.digest}-80.png"
    assert origin == "https://rolewise-media.s3.eu-west-1.amazonaws.com"


def test_pages_link_logos_on_the_bucket(s3, client):
    _, origin = s3
    organisation = OrganisationFactory()
    organisation.set_logo(logos.store(io.BytesIO(image_bytes())))

    html = client.get(organisation.get_absolute_url()).content.decode()

    assert f'src="{origin}/logos/{organisation.logo_digest}-192.png"' in html
    assert f'"logo": "{origin}/logos/{organisation.logo_digest}-512.png"' in html


def test_a_restore_writes_missing_files_into_the_bucket(s3):
    client, _ = s3
    logo = logos.store(io.BytesIO(image_bytes()))
    OrganisationFactory().set_logo(logo)
    name = logos.file_name(logo.digest, "medium")
    client.delete_object(Bucket="rolewise-media", Key=name)

    logos.write_missing_files()

    assert client.head_object(Bucket="rolewise-media", Key=name)["ContentLength"] > 0


@pytest.mark.parametrize(
    ("options", "origin", "url"),
    [
        ({"public_domain": "media.example.com"}, "https://media.example.com",
         "https://media.example.com/logos/a.png"),
        ({"endpoint_url": "http://127.0.0.1:9000"}, "http://127.0.0.1:9000",
         "http://127.0.0.1:9000/rolewise-media/logos/a.png"),
        ({"region": "eu-west-1"}, "https://rolewise-media.s3.eu-west-1.amazonaws.com",
         "https://rolewise-media.s3.eu-west-1.amazonaws.com/logos/a.png"),
    ],
)  # fmt: skip
def test_each_kind_of_s3_storage_names_the_origin_its_urls_use(options, origin, url):
    from storages.backends.s3 import S3Storage

    storage, found = s3_storage(bucket="rolewise-media", **options)

    assert found == origin
    assert S3Storage(**storage["OPTIONS"]).url("logos/a.png") == url


def test_the_bucket_origin_joins_the_content_security_policy_img_src():
    """The settings as a deployment loads them, in a process of their own."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_ENV_FILE": "/dev/null",
        "MEDIA_S3_BUCKET": "rolewise-media",
        "MEDIA_S3_PUBLIC_DOMAIN": "media.example.com",
    }
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.STORAGES['default']['BACKEND'], "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "jobsite.settings"},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    backend, img_src = json.loads(result.stdout)
    assert backend == "storages.backends.s3.S3Storage"
    assert img_src == ["'self'", "data:", "https://media.example.com"]
