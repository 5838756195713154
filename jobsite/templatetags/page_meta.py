"""`{% load page_meta %}`: what base.html says of a page in its head, and its breadcrumbs.

- `{% capture name %}…{% endcapture %}`: renders its content once, as plain text (entities
  unescaped, one line), into the variable `name`; base.html captures the `title` and
  `meta_description` blocks so the title, the description and the link preview's tags say
  the same.
- `{{ title|fit_title }}`, `{{ title|bare_title }}`, `{{ text|description }}`: see
  jobsite/page_meta.py.
- `{% site_image as image %}`: the link preview's default image: its absolute `url`,
  `width`, `height` and `alt` text.
- `{% breadcrumbs crumbs %}`: the breadcrumb trail (a list of `structured_data.Crumb`, the
  page last) and its BreadcrumbList, from one list.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import Parser, Token

from jobsite import page_meta, structured_data

register = template.Library()
register.filter("fit_title", page_meta.fit_title)
register.filter("bare_title", page_meta.bare_title)
register.filter("description", page_meta.description)
register.simple_tag(page_meta.site_image, name="site_image")


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist = nodelist
        self.name = name

    def render(self, context: template.Context) -> str:
        context[self.name] = page_meta.plain(self.nodelist.render(context))
        return ""


@register.tag
def capture(parser: Parser, token: Token) -> CaptureNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% capture name %} takes one variable name.")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])


@register.inclusion_tag("includes/_breadcrumbs.html")
def breadcrumbs(crumbs: list[structured_data.Crumb]) -> dict[str, Any]:
    return {"crumbs": crumbs, "data": structured_data.breadcrumb_list(crumbs)}
