"""Response headers the middleware cannot add. Imported by settings: no Django imports."""

from collections.abc import MutableMapping

# Features no page of ours uses; denying them limits what injected content could do.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)

# Static files are served by whitenoise before any middleware runs, so they get their
# headers here. Nothing under /static/ needs to run script or be framed.
STATIC_FILE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
)


def static_file_headers(headers: MutableMapping[str, str], path: str, url: str) -> None:
    """whitenoise's WHITENOISE_ADD_HEADERS_FUNCTION: the page headers, for static files."""
    headers["Content-Security-Policy"] = STATIC_FILE_CSP
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
