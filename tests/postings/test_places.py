"""Places as people type them: what `postings.places.read` understands, and the location
filter that matches a posting's place however its recruiter spelled it."""

import re
from http import HTTPStatus

import pytest

from postings import places
from postings.models import Posting
from tests.factories import OrganisationFactory, PostingFactory, RoleFactory
from tests.helpers import JOBS, get_page
from tests.helpers import title_set as titles

pytestmark = pytest.mark.django_db

CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)">')


def canonical_url(client, location: str) -> str:
    return CANONICAL.search(get_page(client, JOBS, {"location": location})).group(1)


# --- Reading a place -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "name", "parameters"),
    [
        ("NYC", "city", "New York", {"location": "New York"}),
        ("new york city", "city", "New York", {"location": "New York"}),
        ("München", "city", "Munich", {"location": "Munich"}),
        ("MUNCHEN", "city", "Munich", {"location": "Munich"}),
        ("london", "city", "London", {"location": "London"}),
        ("Boston, MA", "city", "Boston, MA", {"location": "Boston, MA"}),
        ("boston massachusetts", "city", "Boston, MA", {"location": "Boston, MA"}),
        ("Bayern", "region", "Bavaria", {"location": "Bavaria"}),
        ("Germany", "country", "Germany", {"country": "DE"}),
        ("UK", "country", "United Kingdom", {"country": "GB"}),
        ("DEU", "country", "Germany", {"country": "DE"}),
    ],
)
def test_read_names_the_place_a_text_means_and_the_search_it_stands_for(
    text, kind, name, parameters
):
    place = places.read(text)

    assert place is not None
    assert (place.kind, place.name, place.parameters) == (kind, name, parameters)


def test_a_region_code_after_a_city_reads_as_that_region_of_its_country():
    place = places.read("Portland, OR")

    assert place == places.Place("city", "Portland, OR", "US", "US-OR")


@pytest.mark.parametrize(
    "text",
    [
        "remote",
        "hybrid",
        "director",
        "operations",
        "sales",
        "coo",
        "COO",
        "in",
        "it",
        "and",
        "de",
        "Springfield, Narnia",
        "",
        "   ",
        ",",
        "\x00",
        "🙂",
        "x" * 5000,
    ],
)
def test_words_and_odd_text_that_are_not_places_read_as_none(text):
    assert places.read(text) is None


@pytest.mark.parametrize(
    "text", ["nyc", "New York", "LONDON", "München", "Boston, MA", "Bayern", "Little Snoring"]
)
def test_the_canonical_name_of_a_place_is_its_own_canonical_name(text):
    name = places.canonical(text)

    assert places.canonical(name) == name


# --- Finding postings however their place is spelled -------------------------------------


@pytest.mark.parametrize("typed", ["Munich", "München", "muenchen", "MÜNCHEN"])
@pytest.mark.parametrize("stored", ["München", "Munich", "munich"])
def test_a_posting_is_found_by_any_spelling_of_its_city(client, stored, typed):
    PostingFactory(title="Bavarian job", city=stored, region="", country="DE")
    PostingFactory(title="Berlin job", city="Berlin", region="", country="DE")

    assert titles(client, location=typed) == {"Bavarian job"}


def test_nyc_finds_postings_in_new_york_however_written(client):
    PostingFactory(title="Written New York", city="New York", region="NY", country="US")
    PostingFactory(title="Written NYC", city="NYC", region="", country="US")
    PostingFactory(title="Written lower case", city="new york city", region="", country="US")
    PostingFactory(title="Boston job", city="Boston", region="MA", country="US")

    assert titles(client, location="NYC") == {
        "Written New York",
        "Written NYC",
        "Written lower case",
    }


def test_a_city_with_its_state_finds_that_city_and_not_its_namesakes(client):
    PostingFactory(title="Boston, Massachusetts", city="Boston", region="MA", country="US")
    PostingFactory(title="Boston, no state given", city="Boston", region="", country="US")
    PostingFactory(title="Boston, Lincolnshire", city="Boston", region="Lincolnshire", country="GB")

    assert titles(client, location="Boston, MA") == {
        "Boston, Massachusetts",
        "Boston, no state given",
    }
    assert len(titles(client, location="boston")) == 3


def test_a_region_is_found_by_its_code_its_own_name_or_its_english_one(client):
    PostingFactory(title="Written BY", city="Nürnberg", region="BY", country="DE")
    PostingFactory(title="Written Bayern", city="Augsburg", region="Bayern", country="DE")
    PostingFactory(title="Hessen job", city="Frankfurt", region="Hessen", country="DE")

    assert titles(client, location="Bavaria") == {"Written BY", "Written Bayern"}


def test_a_place_the_packages_do_not_know_is_still_found_in_any_case(client):
    PostingFactory(title="Village job", city="Little Snoring", region="", country="GB")

    assert titles(client, location="LITTLE snoring") == {"Village job"}


def test_a_country_typed_as_a_location_finds_postings_based_there(client):
    PostingFactory(title="Berlin job", city="Berlin", region="", country="DE")
    PostingFactory(title="Paris job", city="Paris", region="", country="FR")

    assert titles(client, location="germany") == {"Berlin job"}


@pytest.mark.parametrize("location", ["London", "NYC", "Boston, MA", "Bavaria", "Little Snoring"])
def test_a_place_s_parts_find_together_what_the_location_filter_finds(location):
    """Searches in a place walk and sample each part (a city's key, a region's) through its
    own index: together the parts must be the place, no posting more or less."""
    for city, region, country in [
        ("London", "England", "GB"),
        ("Croydon", "London", "GB"),
        ("London", "Ontario", "CA"),
        ("New York", "NY", "US"),
        ("NYC", "", "US"),
        ("Boston", "MA", "US"),
        ("Boston", "", "US"),
        ("Boston", "Lincolnshire", "GB"),
        ("Nürnberg", "BY", "DE"),
        ("Augsburg", "Bayern", "DE"),
        ("Little Snoring", "", "GB"),
        ("Leeds", "England", "GB"),
    ]:
        PostingFactory(title=f"{city} {region}", city=city, region=region, country=country)
    parts = places.location_parts(location)

    found = set(Posting.objects.filter(places.location_q(location)))
    assert found
    assert set().union(*(Posting.objects.filter(part.q) for part in parts)) == found


def test_a_country_typed_as_a_location_has_no_parts_to_walk():
    assert places.location_parts("Germany") == []


def test_a_posting_s_place_keys_follow_every_write(client):
    made = {"organisation": OrganisationFactory(), "role": RoleFactory()}
    first, second = Posting.objects.bulk_create(
        [
            PostingFactory.build(title="Bulk one", city="München", country="DE", **made),
            PostingFactory.build(title="Bulk two", city="Leeds", country="GB", **made),
        ]
    )
    assert titles(client, location="Munich") == {"Bulk one"}

    Posting.objects.filter(pk=second.pk).update(city="Muenchen", country="DE")
    assert titles(client, location="Munich") == {"Bulk one", "Bulk two"}

    first.city = "Hamburg"
    Posting.objects.bulk_update([first], ["city"])
    assert titles(client, location="Munich") == {"Bulk two"}

    second.refresh_from_db()
    second.city = "Köln"
    second.save(update_fields=["city"])
    assert titles(client, location="Cologne") == {"Bulk two"}


# --- One address and one heading for equivalent spellings ----------------------------------


@pytest.mark.parametrize(
    ("spellings", "canonical"),
    [
        (["london", "LONDON", "London", " London "], "location=London"),
        (["NYC", "nyc", "new york city", "New York"], "location=New+York"),
        (["München", "munchen", "Munich"], "location=Munich"),
    ],
)
def test_equivalent_spellings_share_one_canonical_address_and_heading(client, spellings, canonical):
    PostingFactory(title="Somewhere job")

    urls = {canonical_url(client, spelling) for spelling in spellings}

    assert len(urls) == 1
    assert urls.pop().endswith(f"/jobs/?{canonical}")
    name = canonical.partition("=")[2].replace("+", " ")
    assert f"<h1>Jobs in {name}</h1>" in get_page(client, JOBS, {"location": spellings[0]})


@pytest.mark.parametrize(
    "location",
    ["%", "_", "'; DROP TABLE", ", , ,", "Boston,", ",MA", "a" * 300, "Ä" * 100, "\x00NYC", "🙂"],
)
def test_odd_locations_show_the_search_page(client, location):
    response = client.get(JOBS, {"location": location})

    assert response.status_code == HTTPStatus.OK
