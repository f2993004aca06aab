"""Money and number helpers: the one place where rounding happens.

Every amount in jixiao is a :class:`~decimal.Decimal` from parsing to rendering.
Rounding is half-up (四舍五入), the convention of Chinese financial reports, and
is done only by :func:`round_half_up`; formatting (千分位, 万元/元) only by the
``format_*`` helpers, which are called at the edges (CLI, reports).
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal, InvalidOperation
from fractions import Fraction

ZERO = Decimal(0)
HUNDRED = Decimal(100)
WAN = Decimal(10000)  #: 1 万元 = 10,000 元

#: Input numbers must be smaller than this in magnitude (10^21, far beyond any budget even
#: in 元) and, unless zero, at least :data:`MIN_MAGNITUDE`: then every ratio of two inputs
#: stays within :data:`_ROUNDING`'s digits, and ``1e999`` is an input error, not a crash.
MAX_MAGNITUDE = Decimal(10) ** 21
MIN_MAGNITUDE = Decimal(10) ** -40
#: Enough digits to round any figure of in-range inputs (a ratio over a tiny base can
#: exceed the default context's 28 digits, where ``quantize`` raises).
_ROUNDING = Context(prec=100)

#: Money is normalised to this unit when a dataset is loaded.
CANONICAL_UNIT = "万元"
AMOUNT_UNITS: dict[str, Decimal] = {"元": Decimal(1) / WAN, "万元": Decimal(1), "亿元": WAN}


def quantum(places: int) -> Decimal:
    """The Decimal exponent for ``places`` decimal places (``2`` → ``0.01``)."""
    return Decimal(1).scaleb(-places)


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round half-up to ``places`` decimals: ``round_half_up(Decimal("2.345")) == Decimal("2.35")``."""
    return value.quantize(quantum(places), rounding=ROUND_HALF_UP, context=_ROUNDING)


def truncate(value: Decimal, places: int = 2) -> Decimal:
    """Cut (not round) to ``places`` decimals; used to tell truncation from rounding errors."""
    return value.quantize(quantum(places), rounding=ROUND_DOWN, context=_ROUNDING)


def split_largest_remainder(
    total: Decimal, weights: list[Decimal], places: int = 2
) -> list[Decimal]:
    """``total`` shared by ``weights`` at ``places`` decimals, the parts adding up to ``total``.

    Largest remainder (最大余额法): each part is first cut down to ``places`` decimals; the
    quanta still missing go one each to the parts that lost the most, earlier parts first
    on a tie. 25 over 12 equal weights → four parts of 2.09 and eight of 2.08 (not twelve
    of 2.08, which add up to 24.96). Exact (fractions), so ties are real ties.
    """
    if not weights:
        return []
    whole = sum((Fraction(str(w)) for w in weights), Fraction(0))
    if whole <= 0:
        raise ValueError("weights must add up to more than 0")
    scale = 10**places
    units = Fraction(str(total)) * scale
    exact = [units * Fraction(str(w)) / whole for w in weights]
    parts = [math.floor(x) for x in exact]
    missing = math.floor(units) - sum(parts)
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:missing]:
        parts[i] += 1
    return [Decimal(p).scaleb(-places) for p in parts]


def ratio_percent(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """``numerator / denominator × 100`` unrounded, or ``None`` when the base is zero."""
    if denominator == 0:
        return None
    return numerator / denominator * HUNDRED


def to_canonical(amount: Decimal, unit: str) -> Decimal:
    """Convert an amount entered in ``unit`` (元/万元/亿元) to 万元, exactly."""
    return amount * AMOUNT_UNITS[unit]


def from_canonical(amount: Decimal, unit: str) -> Decimal:
    """Convert an amount in 万元 back to ``unit``, exactly (no rounding).

    Values that fit in 2 decimals are shown with 2 (``12021.60``), as people write money.
    """
    value = amount / AMOUNT_UNITS[unit]
    cents = value.quantize(quantum(2))
    return cents if cents == value else normalize(value)


def normalize(value: Decimal) -> Decimal:
    """Drop exponent noise without changing the value: ``Decimal("1.50E+3")`` → ``Decimal("1500")``."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def parse_decimal(text: str) -> Decimal | None:
    """Parse a number as people type it: ``"12,021.60"``, ``"１２０２１.６"``, ``" 35 "``.

    Returns ``None`` when the text is not a number (the caller reports where).
    """
    cleaned = text.strip().translate(_FULL_WIDTH).replace(" ", "")
    if "," in cleaned:
        # Thousands separators must sit every three digits: "12,0216" is a typo, not 120216.
        if not _GROUPED.match(cleaned):
            return None
        cleaned = cleaned.replace(",", "")
    if not cleaned or cleaned in {"-", "+", "."}:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value


_GROUPED = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋　", "0123456789.,-+ ")


def exact_text(value: Decimal | int | str | None) -> str:
    """A value as exact decimal text, no exponent (``Decimal("1E+3")`` → ``"1000"``); ``""`` for none.

    For machine-readable outputs (figure inputs, finding values), not for display.
    """
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def in_range(value: Decimal) -> bool:
    """Whether an input number can be computed with (see :data:`MAX_MAGNITUDE`)."""
    return value.is_zero() or MIN_MAGNITUDE <= abs(value) < MAX_MAGNITUDE


def format_amount(value: Decimal, places: int = 2) -> str:
    """Format with 千分位 and fixed decimals: ``617056.54`` → ``"617,056.54"``."""
    return f"{round_half_up(value, places):,.{places}f}"


def format_number(value: Decimal, places: int = 2) -> str:
    """Format a ratio or plain number without thousands separators: ``"342.35"``."""
    return f"{round_half_up(value, places):.{places}f}"


def plain_number(value: Decimal | int) -> str:
    """A count or score as a sentence states it: ``898``, ``13.5``, ``100`` (no exponent).

    A whole number loses its decimals (``100.00`` → ``100``); other values keep the
    places they were entered with (``13.50`` stays ``13.50``).
    """
    if isinstance(value, int):
        return str(value)
    return format(normalize(value) if value == value.to_integral_value() else value, "f")
