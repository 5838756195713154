"""seed_demo's organisations get a profile and, most of them, a logo drawn for them."""

import io

import pytest
from PIL import Image

from postings import demo_organisations
from postings.models import Logo, Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def demo_organisations_as_seeded():
    return [
        OrganisationFactory(name=name, description=f"{name} moves goods for retailers.")
        for name in list(demo_organisations.HEADQUARTERS)[:12]
    ]


def test_most_demo_organisations_get_a_profile_and_a_logo_of_their_initials():
    organisations = demo_organisations_as_seeded()

    demo_organisations.furnish(organisations)

    stored = list(Organisation.objects.order_by("pk"))
    assert [bool(o.logo_digest) for o in stored].count(True) == 10
    northwind = stored[0]
    assert northwind.industry == "Logistics"
    assert northwind.headquarters == "Chicago, United States"
    assert northwind.get_size_display() == "1,001–5,000 people"
    assert "**make things run**" in northwind.description
    image = Image.open(io.BytesIO(bytes(Logo.objects.get(digest=northwind.logo_digest).image)))
    assert image.size == (512, 512)


def test_furnishing_again_changes_nothing():
    organisations = demo_organisations_as_seeded()
    demo_organisations.furnish(organisations)
    before = list(Organisation.objects.order_by("pk").values())

    changed = demo_organisations.furnish(Organisation.objects.order_by("pk"))

    assert changed == 0
    assert list(Organisation.objects.order_by("pk").values()) == before
