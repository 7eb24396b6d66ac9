"""The one CSV writer of Masar: every cell of the HR CSV, of the ZIP export's manifest and of a
quiz's item analysis goes through `csv_safe`, so a spreadsheet never runs a cell as a formula,
whoever typed it (a name, a course title, a question) or made it (a certificate code may start
with "-"). Numbers stay numbers: a spreadsheet computes with them, and no number is a formula."""

import csv
from decimal import Decimal

# What makes Excel, LibreOffice and Google Sheets read a cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """The cell's text, with a leading apostrophe if it would start a formula; a number as it is."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeWriter:
    """`csv.writer` whose every cell is passed through `csv_safe`."""

    def __init__(self, fh, **kwargs):
        self._writer = csv.writer(fh, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([csv_safe(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(fh, **kwargs) -> SafeWriter:
    return SafeWriter(fh, **kwargs)
