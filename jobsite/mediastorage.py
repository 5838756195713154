"""Where uploaded files (organisations' logos) are kept: the settings of S3-compatible storage.
Imported by settings: no Django imports.

By default files go to the filesystem under MEDIA_ROOT and the site serves them itself
(jobsite.views.media_file). With MEDIA_S3_BUCKET set they go to that bucket through
django-storages, and pages link to them on the bucket's public address. That address is
always built here as a custom domain, so a file's URL is a plain string (no request to S3,
no signature) and its origin is known when the settings load, for the CSP's img-src.
"""

from __future__ import annotations

from urllib.parse import urlsplit

S3_BACKEND = "storages.backends.s3.S3Storage"
# Names are content digests: a file never changes, so anyone may keep it for a year.
CACHE_CONTROL = "public, max-age=31536000, immutable"


def s3_storage(
    *, bucket: str, endpoint_url: str = "", region: str = "", public_domain: str = ""
) -> tuple[dict, str]:
    """The STORAGES entry for `bucket`, and the origin its files are served from.

    - `public_domain`: a CDN or custom domain in front of the bucket (host, optionally
      with a path), served over HTTPS.
    - else `endpoint_url`: an S3-compatible service (MinIO, Ceph, R2 …), path-style:
      <endpoint>/<bucket>/<name>.
    - else Amazon S3 in `region` (default us-east-1): https://<bucket>.s3.<region>.amazonaws.com.

    Credentials are not settings: boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
    (or its other sources) from the environment itself.
    """
    if not bucket:
        raise ValueError("An S3 bucket name is needed.")
    protocol = "https:"
    if public_domain:
        domain = public_domain.strip("/")
    elif endpoint_url:
        endpoint = urlsplit(endpoint_url)
        if endpoint.scheme not in ("http", "https") or not endpoint.netloc:
            raise ValueError(f"MEDIA_S3_ENDPOINT_URL is not a web address: {endpoint_url!r}")
        protocol = f"{endpoint.scheme}:"
        domain = f"{endpoint.netloc}{endpoint.path.rstrip('/')}/{bucket}"
    else:
        domain = f"{bucket}.s3.{region or 'us-east-1'}.amazonaws.com"
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "custom_domain": domain,
        "url_protocol": protocol,
        "querystring_auth": False,
        "file_overwrite": True,
        "object_parameters": {"CacheControl": CACHE_CONTROL},
    }
    if endpoint_url:
        options["addressing_style"] = "path"
    origin = f"{protocol}//{domain.split('/', 1)[0]}"
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}, origin
