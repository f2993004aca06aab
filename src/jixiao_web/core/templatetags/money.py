"""``{% load money %}``: amounts in templates the way the engine formats them.

Views mostly hand templates strings formatted by :mod:`jixiao.lib.money`; this filter is for
a stored ``Decimal`` printed as it is (a 绩效目标 form's 年度预算), so every page shows
万元 amounts alike: ``12000`` → ``12,000.00``.
"""

from __future__ import annotations

from decimal import Decimal

from django import template

from jixiao.lib.money import format_amount

register = template.Library()


@register.filter
def amount(value: Decimal | None) -> str:
    """``12000`` → ``"12,000.00"``; no value → ``""`` (an empty cell, not "None")."""
    return "" if value is None else format_amount(value)


@register.filter
def thousands(value: int | None) -> str:
    """A count with 千分位, as the amounts beside it: ``98466`` → ``"98,466"``."""
    return "" if value is None else f"{int(value):,}"
