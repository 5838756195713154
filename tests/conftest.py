import email
import email.policy

import pytest
from aiosmtpd.controller import Controller

from postings.models import Membership
from tests.factories import MembershipFactory
from tests.helpers import closed_port


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _test_settings(settings, _media_root):
    """Tweaks every test needs: plain static storage (no collectstatic manifest), media
    files in a temporary folder, a cache of its own per test, login throttling off except
    where a test turns it on, and the test client's host as the public origin (not whatever
    a developer's .env says)."""
    settings.SITE_URL = "http://testserver"
    # Uploaded logos go to a folder of the test session's, never into the checkout. Their
    # names are their content, so tests can share it.
    settings.MEDIA_ROOT = str(_media_root)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    from jobsite import caching

    cache.clear()
    caching.BODIES.clear()


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings, tmp_path):
    """Queued tasks run at once, in the test's process (huey's immediate mode, in memory):
    a test sees what a worker would have done. Files the worker writes go to the test's own
    directory. tests/jobsite/test_tasks.py runs a real worker against real storage."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    HUEY.storage.flush_all()  # No lock or queued task left by another test.
    settings.GENERATED_FILES_DIR = tmp_path / "generated"


@pytest.fixture
def membership():
    """An organisation's owner; a module may override it with an owner of its own."""
    return MembershipFactory(access=Membership.Access.OWNER)


@pytest.fixture
def recruiter_client(client, membership):
    """The test client, logged in as `membership`'s user."""
    client.force_login(membership.user)
    return client


class Inbox:
    """What an SMTP server received: aiosmtpd's handler for the DATA command. Each message
    is parsed as a mail client would (`email.message.EmailMessage`), with its envelope's
    recipients in `recipients`."""

    def __init__(self):
        self.messages = []
        self.recipients = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server in this process, and the site's SMTP backend pointed at it: the
    mail goes through the same code as in production, headers and all."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=closed_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()
