"""Whether an organisation is who it says it is: its domain, checked against its owners'
verified addresses, and names that imitate a verified employer's.

- **Domain verified.** An owner whose address is verified receives mail at a domain; when
  that domain's registrable part (example.co.uk for jobs.example.co.uk, by the public
  suffix list that the pinned `publicsuffixlist` package ships, never fetched) is the
  website's, the organisation controls the domain it names. Addresses at free-mail
  providers and websites on shared hosts prove nothing of the kind, so they never verify.
- **Lookalikes.** A new organisation whose name, once legal suffixes and punctuation are
  set aside, is the same as a verified employer's or one or two letters from it
  ("Meridlan Freight" for "Meridian Freight") is held for staff (Organisation.lookalike_of).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList
from rapidfuzz import fuzz, process

if TYPE_CHECKING:
    from collections.abc import Iterable

# Mail providers anyone may have an address at: an address there says nothing of whom the
# holder works for. The widely used providers of the free-email-domains list that HubSpot
# publishes and Kikobeats/free-email-domains maintains on GitHub; add to it as sign-ups show.
_FREE_MAIL_DOMAINS = """
    163.com 126.com aol.com aim.com att.net bigpond.com btinternet.com comcast.net cox.net
    email.com fastmail.com fastmail.fm free.fr gmail.com googlemail.com gmx.com gmx.de gmx.net
    hey.com hotmail.com hotmail.co.uk hotmail.fr hotmail.de hotmail.it hotmail.es icloud.com
    inbox.com laposte.net libero.it live.com live.co.uk live.fr mac.com mail.com mail.ru me.com
    msn.com naver.com orange.fr outlook.com outlook.de outlook.fr pm.me proton.me
    protonmail.com protonmail.ch qq.com rambler.ru rediffmail.com rocketmail.com sbcglobal.net
    seznam.cz sky.com t-online.de tutanota.com tuta.io verizon.net virginmedia.com wanadoo.fr
    web.de yahoo.com yahoo.co.uk yahoo.co.in yahoo.fr yahoo.de yahoo.es yahoo.it yandex.com
    yandex.ru ymail.com zoho.com zohomail.com
    """
FREE_MAIL_DOMAINS = frozenset(_FREE_MAIL_DOMAINS.split())

# Hosts where anyone may have a site or an address: a website there is someone's page on a
# shared service, not a domain its owner controls. Many are in the public suffix list's
# private section too (then a site's registrable domain is the user's own subdomain, which
# no address is at); listed here as well, so that neither list alone decides.
_SHARED_HOSTS = """
    github.io gitlab.io bitbucket.io netlify.app netlify.com vercel.app herokuapp.com
    pages.dev workers.dev web.app firebaseapp.com appspot.com azurewebsites.net
    cloudfront.net amazonaws.com blogspot.com wordpress.com wixsite.com wix.com
    squarespace.com weebly.com webflow.io carrd.co notion.site substack.com medium.com
    tumblr.com linktr.ee sites.google.com google.com linkedin.com facebook.com
    instagram.com x.com twitter.com youtube.com
    """
SHARED_HOSTS = frozenset(_SHARED_HOSTS.split())

# Words that say what legal form an organisation takes, not which one it is: "Meridian
# Freight Ltd" is "Meridian Freight". Compared after folding case, accents and dots.
_LEGAL_SUFFIXES = """
    ltd limited llc llp lp inc incorporated corp corporation co company plc gmbh ag kg ug
    sa sas sarl srl spa bv nv oy ab as aps pty pte pvt sl kk
    """
LEGAL_SUFFIXES = frozenset(_LEGAL_SUFFIXES.split())
# How alike two folded names must be (RapidFuzz's normalised Indel similarity, 0-100) for the
# newer one to be held: one letter changed in a name of 16 letters scores about 94, and
# a different word ("Meridian Foods" against "Meridian Freight") about 67.
LOOKALIKE_SCORE = 88


@cache
def public_suffixes() -> PublicSuffixList:
    """The public suffix list as the package ships it: package data, read once a process."""
    return PublicSuffixList()


def host_of(website: str) -> str:
    """The host of a web address, lower-cased, without a trailing dot or port; "" if none."""
    try:
        host = urlsplit(website.strip()).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


def registrable_domain(host: str) -> str:
    """example.co.uk for jobs.example.co.uk; "" for a public suffix itself or nonsense."""
    host = host.strip().rstrip(".").lower()
    if not host or any(not label for label in host.split(".")):
        return ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""
    return public_suffixes().privatesuffix(host) or ""


def is_shared(host: str) -> bool:
    """Whether a host is on a shared service or a free-mail provider (or under one)."""
    labels = host.split(".")
    suffixes = {".".join(labels[start:]) for start in range(len(labels))}
    return not suffixes.isdisjoint(SHARED_HOSTS | FREE_MAIL_DOMAINS)


def verified_domain(website: str, addresses: Iterable[str]) -> str:
    """The website's registrable domain if one of `addresses` (owners' verified addresses)
    is at it, else "". Shared hosts and free-mail providers never verify."""
    host = host_of(website)
    domain = registrable_domain(host)
    if not domain or is_shared(host) or is_shared(domain):
        return ""
    for address in addresses:
        mail_host = address.rpartition("@")[2].rstrip(".").lower()
        if mail_host and not is_shared(mail_host) and registrable_domain(mail_host) == domain:
            return domain
    return ""


def folded_name(name: str) -> str:
    """A name as lookalikes are compared: lower case, no accents or punctuation, without
    the legal form ("Méridian Freight, Ltd." → "meridian freight")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = re.sub(r"[^\w\s]|_", " ", plain.replace(".", "")).split()
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def lookalike(name: str, verified: dict[int, str]) -> int | None:
    """Of `verified` (organisation id → name), the one whose name `name` matches or nearly
    matches, if any."""
    folded = folded_name(name)
    if not folded:
        return None
    choices = {pk: folded_name(other) for pk, other in verified.items()}
    found = process.extractOne(folded, choices, scorer=fuzz.ratio, score_cutoff=LOOKALIKE_SCORE)
    return found[2] if found else None
