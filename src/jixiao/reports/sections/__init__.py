"""The section builders, one module per part of the outline; importing registers them."""

from __future__ import annotations

from jixiao.reports.sections import appendix, basic, evaluation, execution, money

__all__ = ["appendix", "basic", "evaluation", "execution", "money"]
