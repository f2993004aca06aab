"""The CJK fonts shipped with jixiao and how each renderer is told about them.

Charts and PDFs must show Chinese on a machine with no CJK font installed, so they use
the OFL Noto Sans/Serif SC files of ``pylopdf-fonts-zh-cn`` (never system fonts, never
SimHei). Word documents name the fonts of Chinese official documents (GB/T 9704:
方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312); the font table gives each a free
alternative that Word/LibreOffice use when the official font is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pylopdf_fonts_zh_cn

#: Family names inside the shipped files.
SANS_FAMILY = "Noto Sans SC"
SERIF_FAMILY = "Noto Serif SC"


def sans_path() -> Path:
    return Path(pylopdf_fonts_zh_cn.sans_path())


def serif_path() -> Path:
    return Path(pylopdf_fonts_zh_cn.serif_path())


@dataclass(frozen=True)
class DocFont:
    """A font of the Word layout and the free font that stands in for it."""

    name: str
    fallback: str


#: GB/T 9704 fonts by role, with the shipped Noto font as the stand-in.
WORD_FONTS: dict[str, DocFont] = {
    "title": DocFont("方正小标宋简体", SERIF_FAMILY),
    "body": DocFont("仿宋_GB2312", SERIF_FAMILY),
    "heading1": DocFont("黑体", SANS_FAMILY),
    "heading2": DocFont("楷体_GB2312", SERIF_FAMILY),
    "table": DocFont("仿宋_GB2312", SERIF_FAMILY),
}


@cache
def register_matplotlib() -> str:
    """Register the shipped sans font with matplotlib (once per process); return its family."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, rcParams

    font_manager.fontManager.addfont(str(sans_path()))
    family = font_manager.FontProperties(fname=str(sans_path())).get_name()
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [family]
    # The shipped font has no U+2212 MINUS SIGN glyph; use the ASCII hyphen-minus.
    rcParams["axes.unicode_minus"] = False
    return str(family)


def subset_font(source: Path, text: str, target: Path) -> Path:
    """Write ``source`` cut down to the characters of ``text`` (HarfBuzz subsetting, ~10 ms).

    WeasyPrint would otherwise subset each embedded font itself, and without the system
    HarfBuzz-subset library it falls back to fontTools, which takes seconds per 65,000-glyph
    CJK font; the PDF renderer embeds this small font as it is.
    """
    import uharfbuzz as hb  # type: ignore[import-untyped]

    face = hb.Face(hb.Blob.from_file_path(str(source)))
    wanted = hb.SubsetInput()
    for code in sorted({ord(c) for c in text}):
        wanted.unicode_set.add(code)
    target.write_bytes(hb.subset(face, wanted).blob.data)
    return target


def font_face_css(text: str, folder: Path) -> str:
    """``@font-face`` rules for the shipped fonts, subset to ``text`` into ``folder``."""
    rules = []
    for family, path in ((SANS_FAMILY, sans_path()), (SERIF_FAMILY, serif_path())):
        subset = subset_font(path, text, folder / path.name)
        rules.append(f'@font-face {{ font-family: "{family}"; src: url("{subset.as_uri()}"); }}')
    return "\n".join(rules)
