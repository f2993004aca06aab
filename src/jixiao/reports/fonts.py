"""The CJK fonts shipped with jixiao and how each renderer is told about them.

Charts and PDFs must show Chinese on a machine with no CJK font installed, so they use
the OFL Noto Sans/Serif SC files of ``pylopdf-fonts-zh-cn`` and the 楷体 "Jixiao Kai" shipped
in ``jixiao/data/fonts`` (a GB2312 subset of LXGW WenKai, OFL; ``make_kai.py`` there makes it),
never system fonts, never SimHei. Word documents name the fonts of Chinese official documents (GB/T 9704:
方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312); the font table gives each a free
alternative that Word/LibreOffice use when the official font is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pylopdf_fonts_zh_cn

#: Family names inside the shipped files.
SANS_FAMILY = "Noto Sans SC"
SERIF_FAMILY = "Noto Serif SC"
KAI_FAMILY = "Jixiao Kai"


def sans_path() -> Path:
    return Path(pylopdf_fonts_zh_cn.sans_path())


def serif_path() -> Path:
    return Path(pylopdf_fonts_zh_cn.serif_path())


def kai_path() -> Path:
    """The shipped 楷体 (GB2312 characters; others fall back to Noto Serif SC)."""
    # The package is installed as files (never zipped), so the resource is a real path.
    return Path(str(resources.files("jixiao.data") / "fonts" / "JixiaoKai-Regular.ttf"))


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
