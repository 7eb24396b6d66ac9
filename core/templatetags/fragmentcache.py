"""{% fragmentcache "name" value ... [layer="attempt-reviews"] %}…{% endfragmentcache %}: a template
fragment kept in the "fragments" cache layer (core/caching.py), or in the layer named last.

Like Django's {% cache %}, with what that tag leaves to the caller built in: the fragment is stored
under the content version (so it is rendered again after any content change), per host and
language, and the process keeps it in memory once read (the "memory" layer). Whatever in it
depends on the reader must be among the values (such as an outline's progress signature): never
put a CSRF token, a name or a message inside."""

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

from core import caching

register = template.Library()


class FragmentCacheNode(template.Node):
    def __init__(self, nodelist, name, values, layer):
        self.nodelist = nodelist
        self.name = name
        self.values = values
        self.layer = layer

    def render(self, context):
        request = context.get("request")
        host = request.get_host() if request is not None else ""
        values = ":".join(str(value.resolve(context)) for value in self.values)
        name = f"{host}:{translation.get_language()}:{self.name.resolve(context)}:{values}"
        # A plain str: a SafeString would not be plain frozen data for the memory layer.
        html = caching.remember(self.layer, name, lambda: str(self.nodelist.render(context)))
        return mark_safe(html)


@register.tag
def fragmentcache(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes a name and the values the fragment depends on.")
    layer = "fragments"
    if bits[-1].startswith("layer="):
        layer = bits.pop()[len("layer=") :].strip("\"'")
        caching.enabled(layer)  # an unknown layer fails here, when the template is compiled
    nodelist = parser.parse(("endfragmentcache",))
    parser.delete_first_token()
    values = [parser.compile_filter(bit) for bit in bits[2:]]
    return FragmentCacheNode(nodelist, parser.compile_filter(bits[1]), values, layer)
