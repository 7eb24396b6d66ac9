"""Build the web fonts: WOFF2 subsets of the pinned font packages, into lms/static/fonts/.

The pages need Arabic and Latin letters, digits of both scripts and a little punctuation; the
full TTF files (about 240 KB each) carry far more. The output is committed and the command is
reproducible (same packages, same bytes): tests/lms/test_web_fonts.py rebuilds and compares.
Amiri is only the brand mark's letter on the pages, so its subset there is that one letter; the
certificate's preview has Amiri subsets of its own (every letter a name may hold).
"""

from io import BytesIO
from pathlib import Path

import fontpkg_amiri
import fontpkg_ibm_plex_sans_arabic
from django.core.management.base import BaseCommand
from fontTools import subset
from fontTools.ttLib import TTFont

PLEX_DIR = Path(fontpkg_ibm_plex_sans_arabic.__file__).parent / "files"
AMIRI_DIR = Path(fontpkg_amiri.__file__).parent / "files"
OUTPUT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"

# What the interface and the lessons write: Basic Latin and Latin-1, the Arabic block (letters,
# marks, Arabic-Indic digits, ٪ ، ؛ ؟), joiners and direction marks, dashes, quotes, bullet,
# ellipsis, the middle dot of "1 of 22 lessons · 0 of 7 quizzes", arrows and the minus sign.
TEXT_UNICODES = [
    *range(0x0020, 0x007F),
    *range(0x00A0, 0x0100),
    *range(0x0600, 0x0700),
    *range(0x200B, 0x2010),
    *range(0x2010, 0x2027),
    0x2039,
    0x203A,
    *range(0x2190, 0x2194),
    0x2212,
]
BRAND_MARK = "م"
# The certificate's preview before the names are confirmed (certificates/views.py) sets the names
# in Amiri, as the PDF does: the text above, and the other letters a name may hold (Latin
# Extended, the Arabic supplements and presentation forms of accounts.validators).
CERTIFICATE_UNICODES = [
    *TEXT_UNICODES,
    *range(0x0100, 0x0250),
    *range(0x1E00, 0x1F00),
    *range(0x0750, 0x0780),
    *range(0x08A0, 0x0900),
    *range(0xFB50, 0xFE00),
    *range(0xFE70, 0xFF00),
]

# (output file, source file, code points)
FONTS = [
    ("plex-arabic-regular.woff2", PLEX_DIR / "IBMPlexSansArabic-Regular.ttf", TEXT_UNICODES),
    ("plex-arabic-bold.woff2", PLEX_DIR / "IBMPlexSansArabic-Bold.ttf", TEXT_UNICODES),
    ("amiri-brand-mark.woff2", AMIRI_DIR / "Amiri-Regular.ttf", [ord(c) for c in BRAND_MARK]),
    ("amiri-certificate-regular.woff2", AMIRI_DIR / "Amiri-Regular.ttf", CERTIFICATE_UNICODES),
    ("amiri-certificate-bold.woff2", AMIRI_DIR / "Amiri-Bold.ttf", CERTIFICATE_UNICODES),
]


def subset_woff2(source: Path, unicodes: list[int]) -> bytes:
    """Return `source` cut down to `unicodes` (with the shaping rules they need) as WOFF2."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # Arabic joins through init/medi/fina/rlig: keep them all
    options.name_IDs = ["*"]  # the licence and the font's name stay in the file
    options.notdef_outline = True
    options.hinting = False  # screens of today scale outlines; hints only add bytes
    options.desubroutinize = True
    font = TTFont(source, recalcTimestamp=False)  # same input, same bytes
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font.flavor = "woff2"
    buffer = BytesIO()
    font.save(buffer, reorderTables=True)
    return buffer.getvalue()


def build_fonts() -> dict[str, bytes]:
    return {name: subset_woff2(source, unicodes) for name, source, unicodes in FONTS}


class Command(BaseCommand):
    help = "Write the WOFF2 subsets of the web fonts to lms/static/fonts/ (run after a font package update)."

    def handle(self, *args, **options):
        OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
        for name, data in build_fonts().items():
            (OUTPUT_DIR / name).write_bytes(data)
            self.stdout.write(f"{name}: {len(data) // 1024} KB")
