"""The one CSV writer of Masar: every cell of the HR CSV, of the ZIP export's manifest and of a
quiz's item analysis goes through `csv_safe`, so a spreadsheet never runs a cell as a formula,
whoever typed it (a name, a course title, a question) or made it (a certificate code may start
with "-"). Numbers stay numbers: a spreadsheet computes with them, and no number is a formula.

It also reads the CSVs people upload (`upload_decode`, `upload_rows`): the encodings Excel writes,
a limit on rows, and cells kept as plain text (a cell starting with "=" is never evaluated)."""

import codecs
import csv
import io
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


# --- reading an uploaded CSV --------------------------------------------------------------


class UploadError(ValueError):
    """An uploaded file that cannot be read at all; its message says why and what to do."""


def upload_decode(data: bytes) -> str:
    """The text of an uploaded CSV: UTF-8 with or without a byte order mark, or UTF-16 (Excel's
    "Unicode text") recognised by its byte order mark. Anything else (cp1256, Latin-1...) is an
    UploadError, never a guess that would garble names."""
    from django.utils.translation import gettext as _

    boms = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
    encoding = next((name for bom, name in boms if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UploadError(
            _(
                "The file is not UTF-8 or UTF-16 text (byte %(position)s cannot be read). In Excel, "
                'save it as "CSV UTF-8 (comma delimited)" and upload it again.'
            )
            % {"position": error.start + 1}
        ) from error
    if "\x00" in text:  # UTF-16 without its byte order mark, or a binary file
        raise UploadError(_("The file is not a CSV text file. Save it as CSV UTF-8 and upload it again."))
    return text


def upload_rows(text: str, *, max_rows: int) -> list[tuple[int, list[str]]]:
    """[(line number, cells)] of the non-empty rows of `text`, commas, semicolons or tabs between
    cells (Excel's UTF-16 files use tabs). Cells are plain text: nothing in them is evaluated.
    An UploadError past `max_rows` rows, before anything is done with them."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == max_rows:
                raise UploadError(
                    ngettext(
                        "The file has more than %(max)s row. Split it into files of at most %(max)s row.",
                        "The file has more than %(max)s rows. Split it into files of at most %(max)s rows.",
                        max_rows,
                    )
                    % {"max": max_rows}
                )
            rows.append((reader.line_num, [cell.strip() for cell in cells]))
    except csv.Error as error:
        raise UploadError(
            _("The file cannot be read as CSV near line %(line)s.") % {"line": reader.line_num}
        ) from error
    return rows
