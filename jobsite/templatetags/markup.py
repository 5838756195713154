from typing import Any

from django import template
from django.utils.safestring import SafeString

from jobsite import markup

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """`{{ posting.description|markdown }}`: sanitised HTML."""
    return markup.render_markdown(text)


@register.filter
def web_address(url: str) -> str:
    """`{{ organisation.website|web_address }}`: the address if it is http(s), else ""."""
    return markup.web_address(url)


@register.simple_tag
def json_ld(data: dict[str, Any]) -> SafeString:
    """`{% json_ld data %}`: a JSON-LD script block, escaped like `json_script`."""
    return markup.json_ld(data)
