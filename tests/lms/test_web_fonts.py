"""The web fonts: small WOFF2 subsets, rebuilt byte for byte from the pinned font packages."""

import re
from io import BytesIO
from pathlib import Path

from fontTools.ttLib import TTFont

from lms.management.commands import build_fonts

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "lms" / "static" / "css" / "masar.css"


def test_the_committed_fonts_are_what_build_fonts_makes():
    built = build_fonts.build_fonts()
    assert set(built) == {name for name, _, _ in build_fonts.FONTS}
    for name, data in built.items():
        committed = (build_fonts.OUTPUT_DIR / name).read_bytes()
        assert data == committed, f"{name} is stale: run `make fonts`"


def test_the_stylesheet_loads_only_woff2_subsets_that_exist():
    sources = re.findall(r'url\("\.\./fonts/([^"]+)"\)', CSS.read_text(encoding="utf-8"))
    assert sources, "no @font-face in masar.css"
    for name in sources:
        assert name.endswith(".woff2"), name
        assert (build_fonts.OUTPUT_DIR / name).is_file(), name
    assert ".ttf" not in CSS.read_text(encoding="utf-8")


def test_the_text_font_covers_both_scripts_and_stays_small():
    for name in ("plex-arabic-regular.woff2", "plex-arabic-bold.woff2"):
        data = (build_fonts.OUTPUT_DIR / name).read_bytes()
        assert data[:4] == b"wOF2"
        assert len(data) < 60_000, f"{name}: {len(data)} bytes"
        font = TTFont(BytesIO(data))
        cmap = font.getBestCmap()
        for text in ("Masar 0123456789", "مسار تدريب ٠١٢٣٤٥٦٧٨٩ ٪ ، ؟", "·"):
            missing = [c for c in text if ord(c) not in cmap]
            assert not missing, f"{name} lacks {missing}"
        # Arabic joins: the shaping rules came along with the letters.
        features = {record.FeatureTag for record in font["GSUB"].table.FeatureList.FeatureRecord}
        assert {"init", "medi", "fina"} <= features


def test_amiri_is_only_the_brand_mark():
    font = TTFont(BytesIO((build_fonts.OUTPUT_DIR / "amiri-brand-mark.woff2").read_bytes()))
    assert set(font.getBestCmap()) == {ord("م")}


def test_the_certificate_preview_font_has_every_letter_of_a_name_in_both_scripts():
    for name in ("amiri-certificate-regular.woff2", "amiri-certificate-bold.woff2"):
        data = (build_fonts.OUTPUT_DIR / name).read_bytes()
        assert data[:4] == b"wOF2" and len(data) < 160_000, (name, len(data))
        cmap = TTFont(BytesIO(data)).getBestCmap()
        for text in ("Zoë Łukasz Şükrü Ørsted", "عبد الرحمن الأنصاري ڤ ٠١٢٣", "ﷲ"):
            missing = [c for c in text if c != " " and ord(c) not in cmap]
            assert not missing, (name, missing)
