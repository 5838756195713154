import pytest

from tests.factories import PASSWORD, UserFactory

__all__ = ["PASSWORD"]


@pytest.fixture
def seeker():
    """A job seeker: an account of no organisation."""
    return UserFactory(username="ada@example.com", email="ada@example.com", first_name="Ada")


@pytest.fixture
def seeker_client(client, seeker):
    client.force_login(seeker)
    return client


@pytest.fixture
def cached(settings):
    """The public page cache on, as in production."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
