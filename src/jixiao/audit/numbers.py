"""Numbers as reports print them: ``180,242.93万元``, ``３０.５亿元``, ``96.02%``, ``十一个``.

:func:`normalize` makes a line comparable (full-width digits and punctuation to ASCII)
without changing its length, so that every offset still points into the original text.
:func:`find_quantities` returns each number with its kind (money, percent, score,
count), its value in the canonical unit (万元 for money) and its printed precision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from jixiao.lib.money import AMOUNT_UNITS, parse_decimal, quantum

MONEY = "money"
PERCENT = "percent"
SCORE = "score"
COUNT = "count"

#: Full-width → ASCII, one character for one character (offsets stay valid).
_WIDTH = str.maketrans("０１２３４５６７８９．％＋－　\u00a0*", "0123456789.%+-   ")
#: A full-width comma between digit groups is a thousands separator, not a clause break.
_FW_GROUP = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")

#: Money units with their factor to 万元 (the model's unit).
MONEY_UNITS: dict[str, Decimal] = {
    "万亿元": Decimal(10000) * AMOUNT_UNITS["亿元"],
    "亿元": AMOUNT_UNITS["亿元"],
    "千万元": Decimal(1000),
    "万元": AMOUNT_UNITS["万元"],
    "千元": Decimal("0.1"),
    "元": AMOUNT_UNITS["元"],
}
#: Measure words of counts (个、家、人…). Longer words first so that 人次 wins over 人.
COUNT_WORDS: tuple[str, ...] = (
    "人次",
    "个",
    "家",
    "户",
    "项",
    "名",
    "位",
    "人",
    "辆",
    "台",
    "所",
    "场",
    "篇",
    "件",
    "套",
    "座",
    "条",
    "方面",
)
#: Multipliers written before a measure word: 7.6 万家, 1.1 万人.
_MULTIPLIERS: dict[str, Decimal] = {"万": Decimal(10000), "亿": Decimal(10) ** 8, "": Decimal(1)}

_NUM = r"(?<![\d.,A-Za-z第])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_CN_NUM = r"(?<!第)([零一二两三四五六七八九十百千]+)"
_MONEY_RE = "|".join(re.escape(u) for u in MONEY_UNITS)
_COUNT_RE = "|".join(re.escape(w) for w in COUNT_WORDS)
_TOKEN = re.compile(
    _NUM
    + r"(\s*多)?\s*(?:"
    + rf"(?P<money>{_MONEY_RE})"
    + r"|(?P<percent>%|个百分点)"
    + r"|(?P<score>分)(?![钟之别类期析配布支值项数])"
    + rf"|(?P<mult>万|亿)?(?P<count>{_COUNT_RE})(?![示以在属有得需谓])"
    + r")"
)
_CN_TOKEN = re.compile(_CN_NUM + rf"\s*(?P<count>{_COUNT_RE})")
#: 约/近 only as "about": not 节约、制约、最近、附近.
_APPROX_BEFORE = re.compile(
    r"((?<![节制简预合签契])约|(?<![最附])近|超过|超|逾|不足|不到|预计|多达)\s*$"
)
_APPROX_AFTER = re.compile(r"^\s*(余|多|以上|左右|上下|之多)")


@dataclass(frozen=True)
class Quantity:
    """One number of the text with what it measures."""

    start: int  #: offset of the first digit in the line/paragraph
    end: int  #: offset after the unit
    kind: str  #: :data:`MONEY`, :data:`PERCENT`, :data:`SCORE` or :data:`COUNT`
    unit: str  #: the unit as printed (万元, %, 分, 家…)
    printed: Decimal  #: the number as printed, in its own unit
    scale: Decimal  #: factor from the printed unit to the canonical one (万元; 1 otherwise)
    places: int  #: decimals as printed
    approx: bool = False  #: 约/近/超/余…: a rounded-off statement, not checked exactly

    @property
    def value(self) -> Decimal:
        """The value in the canonical unit (万元 for money)."""
        return self.printed * self.scale

    @property
    def ulp(self) -> Decimal:
        """One unit of the last printed digit, in the canonical unit; 0 for a whole count
        ("590 人" is exact, while "7.6 万家" and every amount are rounded to what is printed)
        and for a plain 0."""
        if self.kind == COUNT and self.scale == 1 and self.places == 0:
            return Decimal(0)
        if self.printed == 0 and self.places == 0:
            return Decimal(0)  # "0 万元" is none at all: nobody writes 0 for 0.4
        return quantum(self.places) * self.scale

    @property
    def text(self) -> str:
        """The printed number without thousands separators: the finding's ``stated``."""
        return format(self.printed, "f")


def normalize(text: str) -> str:
    """Full-width digits, ``．``, ``％`` and grouping ``，`` to ASCII; same length as ``text``."""
    return _FW_GROUP.sub(",", text.translate(_WIDTH))


def places_of(number: str) -> int:
    """Decimals as printed: ``"12,021.60"`` → 2."""
    return len(number.partition(".")[2])


#: "收、支总计各是 4125.49、4143.91 万元", "分别为 12、15 万元": numbers listed after 各/分别
#: share the unit printed after the last one. A "," between them is a list separator only when
#: it cannot be a thousands separator (not followed by exactly three digits).
_LIST_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_LIST_SEP = r"(?:\s*[、，；]\s*|,(?!\d{3}(?!\d))\s*|\s*(?:和|与|及)\s*)"
_SHARED_UNIT = re.compile(
    r"(?:各|分别)(?:是|为|达|达到|减少|增加|下降|增长|上升|降低|提高|节约)?\s*"
    rf"(?P<list>{_LIST_NUM}(?:{_LIST_SEP}{_LIST_NUM})+)\s*"
    rf"(?P<unit>{_MONEY_RE}|%|个百分点|分(?![钟之别类期析配布支值项数])|{_COUNT_RE})"
)


def find_quantities(text: str) -> list[Quantity]:
    """Every number with a unit in ``text`` (already :func:`normalize`\\ d), in order."""
    found = [q for m in _TOKEN.finditer(text) if (q := _arabic(m, text)) is not None]
    taken = {q.start for q in found}
    for q in _shared_unit(text):
        if q.start not in taken:
            found.append(q)
            taken.add(q.start)
    found += [
        q
        for m in _CN_TOKEN.finditer(text)
        if (q := _chinese(m, text)) is not None and q.start not in taken
    ]
    return sorted(found, key=lambda q: q.start)


def _shared_unit(text: str) -> list[Quantity]:
    """The numbers of a "各是 A、B 万元" list, each with the unit printed after the last."""
    found = []
    for match in _SHARED_UNIT.finditer(text):
        unit = match.group("unit")
        kind, scale = _unit_kind(unit)
        offset = match.start("list")
        items = list(re.finditer(_LIST_NUM, match.group("list")))
        for index, item in enumerate(items):
            printed = parse_decimal(item.group(0))
            if printed is None:
                continue
            start = offset + item.start()
            end = match.end() if index == len(items) - 1 else offset + item.end()
            found.append(
                Quantity(
                    start,
                    end,
                    kind,
                    unit,
                    printed,
                    scale,
                    places_of(item.group(0)),
                    _is_approx(text, match.start(), match.start()),
                )
            )
    return found


def _unit_kind(unit: str) -> tuple[str, Decimal]:
    if unit in MONEY_UNITS:
        return MONEY, MONEY_UNITS[unit]
    if unit in ("%", "个百分点"):
        return PERCENT, Decimal(1)
    if unit == "分":
        return SCORE, Decimal(1)
    return COUNT, Decimal(1)


def _arabic(match: re.Match[str], text: str) -> Quantity | None:
    number = match.group(1)
    printed = parse_decimal(number)
    if printed is None:
        return None
    kind, unit, scale = _kind_of(match)
    approx = bool(match.group(2)) or _is_approx(text, match.start(), match.end())
    places = places_of(number)
    if kind == COUNT and match.group("mult"):
        unit = match.group("mult") + unit
    return Quantity(match.start(1), match.end(), kind, unit, printed, scale, places, approx)


def _kind_of(match: re.Match[str]) -> tuple[str, str, Decimal]:
    if match.group("money"):
        return MONEY, match.group("money"), MONEY_UNITS[match.group("money")]
    if match.group("percent"):
        return PERCENT, match.group("percent"), Decimal(1)
    if match.group("score"):
        return SCORE, "分", Decimal(1)
    return COUNT, match.group("count"), _MULTIPLIERS[match.group("mult") or ""]


def _chinese(match: re.Match[str], text: str) -> Quantity | None:
    value = chinese_numeral(match.group(1))
    if value is None:
        return None
    approx = _is_approx(text, match.start(), match.end())
    return Quantity(
        match.start(1),
        match.end(),
        COUNT,
        match.group("count"),
        Decimal(value),
        Decimal(1),
        0,
        approx,
    )


def _is_approx(text: str, start: int, end: int) -> bool:
    return bool(
        _APPROX_BEFORE.search(text[max(0, start - 4) : start])
        or _APPROX_AFTER.match(text[end : end + 3])
    )


_CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_numeral(text: str) -> int | None:
    """``"十一"`` → 11, ``"两"`` → 2, ``"一百零五"`` → 105; ``None`` if it is not a numeral."""
    total, digit = 0, None
    for char in text:
        if char == "零":
            continue  # 一百零五: the zero only marks a gap
        if char in _CN_DIGITS:
            if digit is not None:
                return None  # "一二" is a list, not a number
            digit = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[char]
            digit = None
        else:
            return None
    return total + (digit or 0) if text else None
