"""Make ``JixiaoKai-Regular.ttf``, the 楷体 of the PDF report, from LXGW WenKai (OFL 1.1).

Run by hand when the font is to be remade (not at install or run time)::

    uv run python src/jixiao/data/fonts/make_kai.py /usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf

The full WenKai is 15 MB; the report needs 楷体 for its 二级标题 only, in the character
set of 楷体_GB2312 (the font GB/T 9704 names), so the subset keeps GB2312 (6,763 hanzi and
its symbols), ASCII, the full-width forms and the CJK punctuation, with the hinting dropped:
about 3.6 MB. A character outside it falls back to the shipped Noto Serif SC in the PDF.

WenKai's licence reserves the names "霞鹜" and "LXGW" for unmodified builds, so the subset
is renamed "Jixiao Kai"; ``OFL.txt`` beside it is the licence it is shipped under.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY = "Jixiao Kai"
POSTSCRIPT = "JixiaoKai-Regular"
OUT = Path(__file__).with_name("JixiaoKai-Regular.ttf")


def gb2312() -> set[int]:
    """Every character of GB2312 (rows 1–9 symbols, 16–87 hanzi)."""
    codes = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                codes.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return codes


def wanted() -> set[int]:
    codes = gb2312()
    codes |= set(range(0x20, 0x7F))  # ASCII
    codes |= set(range(0x2010, 0x2070))  # general punctuation: dashes, quotes, ‰, …
    codes |= set(range(0x3000, 0x3040))  # CJK symbols and punctuation
    codes |= set(range(0xFF01, 0xFF5F))  # full-width forms
    codes |= {0x00B7, 0x00D7, 0x00F7, 0x2103, 0x2212, 0x25CB, 0x25CF, 0x2116}
    return codes


def rename(font: TTFont) -> None:
    names = {
        1: FAMILY,
        2: "Regular",
        3: f"{POSTSCRIPT};jixiao",
        4: FAMILY,
        6: POSTSCRIPT,
        16: FAMILY,
        17: "Regular",
    }
    table = font["name"]
    table.names = [n for n in table.names if n.nameID not in {*names, 18, 21, 22}]
    for name_id, text in names.items():
        table.setName(text, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English
    description = (
        "Subset of LXGW WenKai by jixiao (GB2312 characters), renamed as the OFL requires."
    )
    table.setName(description, 10, 3, 1, 0x409)


def main(source: str) -> None:
    options = subset.Options()
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.layout_features = ["*"]
    font = TTFont(source, recalcTimestamp=False)  # the same bytes each time it is remade
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(wanted()))
    subsetter.subset(font)
    rename(font)
    font.save(OUT)
    print(f"{OUT}: {OUT.stat().st_size:,} bytes, {len(font.getBestCmap()):,} characters")


if __name__ == "__main__":
    main(sys.argv[1])
