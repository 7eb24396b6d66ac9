"""{% pagecache "name" value ... %}…{% endpagecache %}: a template fragment kept in the page cache.

The fragment is rendered once per content version (courses/page_cache.py), host, language and
list of values, then served from memory. Whatever in it depends on the reader must be among the
values: never put a CSRF token, a name or a message inside."""

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

from courses import page_cache

register = template.Library()


class PageCacheNode(template.Node):
    def __init__(self, nodelist, name, values):
        self.nodelist = nodelist
        self.name = name
        self.values = values

    def render(self, context):
        request = context.get("request")
        host = request.get_host() if request is not None else ""
        values = ":".join(str(value.resolve(context)) for value in self.values)
        name = f"fragment:{host}:{translation.get_language()}:{self.name.resolve(context)}:{values}"
        return page_cache.remember(name, lambda: mark_safe(self.nodelist.render(context)))


@register.tag
def pagecache(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes a name and the values the fragment depends on.")
    nodelist = parser.parse(("endpagecache",))
    parser.delete_first_token()
    return PageCacheNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])
