"""The path converter of every URL that takes a database id: `<id:pk>`.

Ids are 64-bit signed integers (BigAutoField); a larger number in a URL is not an id of
anything. Django's `<int:...>` would hand it to the view, where SQLite raises OverflowError
(a 500) and PostgreSQL an out-of-range error. This converter refuses it instead, so the URL
does not match and the visitor gets the ordinary 404. Registered once, in core/apps.py."""

DATABASE_ID_MAX = 2**63 - 1


def database_id_valid(value: int) -> bool:
    """Whether `value` fits an id column (ids are never negative: `0 < value`)."""
    return 0 < value <= DATABASE_ID_MAX


class DatabaseIdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > DATABASE_ID_MAX:
            raise ValueError("not a database id")  # Django's resolver: the pattern does not match
        return number

    def to_url(self, value) -> str:
        return str(value)
