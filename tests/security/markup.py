"""Reading rendered HTML the way a browser would, for the security tests."""

from html.parser import HTMLParser

# Stored XSS attempts: a script, an event handler, and a way out of a textarea or an attribute.
XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"
XSS_BREAKOUT = "\"'></textarea><svg onload=alert(2)>"


class _Reader(HTMLParser):
    """Collect what a script-src 'self' policy would block (inline scripts, on* handlers,
    javascript: URLs) and the text a reader sees."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocked: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self.blocked.append(self.get_starttag_text())
        for name, value in attrs.items():
            if name.startswith("on"):
                self.blocked.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.blocked.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data):
        self.text.append(data)


def _read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def blocked_by_policy(html: str) -> list[str]:
    """What in `html` would run a script of its own (and what the CSP blocks)."""
    return _read(html).blocked


def page_text(html: str) -> str:
    return "".join(_read(html).text)


def assert_shown_escaped(html: str, payload: str = XSS):
    """`payload` is on the page as text a reader sees, and nothing of it runs."""
    assert not blocked_by_policy(html), blocked_by_policy(html)
    assert payload not in html, "the payload is in the page unescaped"
    assert payload in page_text(html), "the payload is not shown as text"
