"""How Chromium runs here, for the Lighthouse audit (audit/run.py) and the browser tests
(tests/browser/conftest.py) alike: without a sandbox or a GPU, and with nothing fetched from
the network but the site under test."""

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
