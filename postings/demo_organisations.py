"""What `seed_demo` adds to its demo organisations so the demo site shows what employers get:
industry, size, headquarters, a longer description and, for most, a logo drawn here (their
initials on a colour, with Pillow). Only what is still empty is filled, so running it again
changes nothing; the same organisation always gets the same logo."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable

from PIL import Image, ImageDraw, ImageFont

from postings import logos
from postings.models import Organisation

# Headquarters and size of the demo organisations, by name (seed_demo's ORGANISATIONS).
HEADQUARTERS = {
    "Northwind Logistics": ("Chicago, United States", "1001-5000"),
    "Harbourline Foods": ("Leeds, United Kingdom", "201-1000"),
    "Brightwater Health": ("Boston, United States", "5001+"),
    "Copperleaf Retail": ("Manchester, United Kingdom", "1001-5000"),
    "Ironbridge Manufacturing": ("Birmingham, United Kingdom", "201-1000"),
    "Bluefin Analytics": ("Dublin, Ireland", "51-200"),
    "Meridian Freight": ("Rotterdam, Netherlands", "1001-5000"),
    "Oakridge Hospitality": ("Denver, United States", "201-1000"),
    "Silverpine Energy": ("Calgary, Canada", "51-200"),
    "Kestrel Aviation Services": ("Shannon, Ireland", "201-1000"),
    "Lumen Telecom": ("Berlin, Germany", "1001-5000"),
    "Granite Peak Construction": ("Vancouver, Canada", "201-1000"),
    "Tidewater Pharmaceuticals": ("Raleigh, United States", "5001+"),
    "Foxglove Home Goods": ("Austin, United States", "51-200"),
    "Redwood Financial Group": ("New York, United States", "1001-5000"),
    "Clearpath Software": ("London, United Kingdom", "51-200"),
    "Summit Outdoor Co.": ("Toronto, Canada", "11-50"),
    "Beacon Street Bakeries": ("Boston, United States", "51-200"),
    "Juniper Biotech": ("Munich, Germany", "201-1000"),
    "Waypoint Shipping": ("Singapore", "1001-5000"),
    "Evergreen Facilities": ("Melbourne, Australia", "5001+"),
    "Stonebridge Insurance": ("Edinburgh, United Kingdom", "1001-5000"),
    "Alder & Finch Apparel": ("Lyon, France", "51-200"),
    "Quayside Hotels": ("Cork, Ireland", "201-1000"),
    "Pinnacle Medical Devices": ("Eindhoven, Netherlands", "201-1000"),
    "Riverbend Foods": ("Brisbane, Australia", "201-1000"),
    "Cobalt Mobility": ("Hamburg, Germany", "51-200"),
    "Harrow & Vale Publishing": ("London, United Kingdom", "11-50"),
    "Skylark Education": ("Sydney, Australia", "201-1000"),
    "Thistle Logistics": ("Glasgow, United Kingdom", "201-1000"),
    "Nordlicht Robotics": ("Stuttgart, Germany", "51-200"),
    "Maple Crest Dairy": ("Guelph, Canada", "51-200"),
    "Orchard Lane Grocers": ("Bristol, United Kingdom", "1001-5000"),
    "Vantage Point Security": ("Atlanta, United States", "1001-5000"),
    "Cinder & Oak Restaurants": ("Seattle, United States", "201-1000"),
    "Helios Solar": ("Valencia, Spain", "51-200"),
    "Lighthouse Care Homes": ("Cardiff, United Kingdom", "1001-5000"),
    "Marlow Engineering": ("Gothenburg, Sweden", "201-1000"),
}

# The industry a demo description's sector sentence names (seed_demo's SECTORS).
INDUSTRIES = [
    ("moves goods", "Logistics"),
    ("makes and distributes food", "Food and drink"),
    ("runs clinics", "Healthcare"),
    ("sells to customers", "Retail"),
    ("precision products", "Manufacturing"),
    ("builds software", "Software"),
    ("runs hotels", "Hospitality"),
    ("renewable energy", "Renewable energy"),
    ("building projects", "Construction"),
    ("financial products", "Financial services"),
    ("keeps offices", "Facilities management"),
    ("publishes books", "Publishing"),
    ("runs schools", "Education"),
    ("manufactures medicines", "Pharmaceuticals"),
]

# Background colours dark enough for white initials (WCAG AA for large text).
COLOURS = ["#1d4ed8", "#166534", "#92400e", "#9d174d", "#5b21b6", "#0f766e", "#b91c1c", "#334155"]
# One in this many demo organisations keeps no logo: the demo shows that case too.
WITHOUT_LOGO_EVERY = 6
ABOUT = (
    "\n\nWe hire operations people who like to **make things run**: clear goals, a budget "
    "of their own and a team that trusts them.\n\n"
    "- Flexible hours and a hybrid week where the job allows it\n"
    "- A yearly learning budget\n"
    "- Promotion from within first"
)


def initials(name: str) -> str:
    words = [word for word in name.replace("&", " ").split() if word[:1].isalpha()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


def draw_logo(name: str) -> bytes:
    """A square PNG of the name's initials in white on a colour chosen by the name."""
    digest = hashlib.sha256(name.encode()).digest()
    size = logos.LOGO_SOURCE_SIZE
    image = Image.new("RGB", (size, size), COLOURS[digest[0] % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size * 0.42)
    draw.text((size / 2, size / 2), initials(name), fill="#ffffff", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def industry_of(description: str) -> str:
    return next((label for words, label in INDUSTRIES if words in description), "")


def furnish(organisations: Iterable[Organisation]) -> int:
    """Fill what is still empty of the demo organisations' profiles; returns how many
    changed."""
    changed = 0
    for index, organisation in enumerate(organisations):
        fields = []
        headquarters, size = HEADQUARTERS.get(organisation.name, ("", ""))
        for name, value in (
            ("industry", industry_of(organisation.description)),
            ("headquarters", headquarters),
            ("size", size),
        ):
            if value and not getattr(organisation, name):
                setattr(organisation, name, value)
                fields.append(name)
        if organisation.description and "\n\n" not in organisation.description:
            organisation.description += ABOUT
            fields.append("description")
        if fields:
            organisation.save(update_fields=[*fields, "updated_at"])
        wants_logo = index % WITHOUT_LOGO_EVERY != WITHOUT_LOGO_EVERY - 1
        if wants_logo and not organisation.logo_digest:
            organisation.set_logo(logos.store(io.BytesIO(draw_logo(organisation.name))))
            fields.append("logo")
        changed += bool(fields)
    return changed
