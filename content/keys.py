"""The key rule: a content key is a lowercase slug, the same in every language, and names one
translation key (a UUID) that every language's row or page of it shares."""

import re
import uuid

KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def content_uuid(kind: str, key: str) -> uuid.UUID:
    """Return the stable translation key of a content key: the same in every language and run."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"masar:{kind}:{key}")
