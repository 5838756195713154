"""Path converters the site's URLs share, registered in jobsite/urls.py."""


class RowId:
    """A row's id in a path (`<id:pk>`): digits that fit the database's 64-bit integers. A
    longer number names no row: the address does not match (404) instead of reaching the
    database, which refuses it with an error."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
