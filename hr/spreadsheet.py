"""The one CSV writer of Masar: every cell of the HR CSV and of the ZIP export's manifest goes
through `csv_safe`, so a spreadsheet never runs a cell as a formula, whoever typed it (a name,
a course title) or made it (a certificate code may start with "-")."""

import csv

# What makes Excel, LibreOffice and Google Sheets read a cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """The cell's text, with a leading apostrophe if it would start a formula."""
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
