from django import template

from postings import display
from postings.models import Posting

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    """`{{ posting.country|country_name }}`: "GB" → "United Kingdom"."""
    return display.country_name(code)


@register.filter
def salary(posting: Posting) -> str:
    """`{{ posting|salary }}`: "£60,000–£80,000 per year", or "" without a salary."""
    return display.salary_text(posting)


@register.filter
def result_card(posting: Posting) -> display.ResultCard:
    """`{% with card=posting|result_card %}`: what a result card shows, as text."""
    return display.result_card(posting)


@register.filter
def place(posting: Posting) -> str:
    """`{{ posting|place }}`: "Manchester, England, United Kingdom"."""
    return display.place_text(posting)


@register.filter
def remote_area(posting: Posting) -> str:
    """`{{ posting|remote_area }}`: where a remote job's applicants may live: "Europe"."""
    return display.remote_area_text(posting)


@register.filter
def with_article(noun: str) -> str:
    """`{{ role.title|with_article }}`: "an Operations Manager", "a Director of Operations"."""
    article = "an" if noun[:1].lower() in "aeiou" and noun else "a"
    return f"{article} {noun}"
