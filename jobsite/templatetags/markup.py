"""`{% load markup %}`: jobsite.markup's functions, as the templates use them.

- `{{ text|markdown }}`: sanitised HTML.
- `{{ organisation.website|web_address }}`: the address if it is http(s), else "".
- `{% json_ld data %}`: a JSON-LD script block, escaped like `json_script`.
"""

from django import template

from jobsite import markup

register = template.Library()
register.filter("markdown", markup.render_markdown)
register.filter("web_address", markup.web_address)
register.simple_tag(markup.json_ld, name="json_ld")
