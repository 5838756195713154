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
def result_facts(posting: Posting) -> list[str]:
    """`{{ posting|result_facts|join:" · " }}`: place, workplace, terms, pay."""
    return display.result_facts(posting)


@register.filter
def result_line(posting: Posting) -> display.ResultLine:
    """`{% with line=posting|result_line %}`: a result card's place, terms and pay."""
    return display.result_line(posting)


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
