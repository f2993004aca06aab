"""The figures areas; importing this package registers them, in this order.

Order matters: later areas read earlier figures (the carry-over flow reads the income
and expenditure totals), so the imports are kept in this order on purpose.
"""

# isort: skip_file
from __future__ import annotations

from jixiao.figures.areas import money  # noqa: F401  (income, expenditure, "三公")
from jixiao.figures.areas import economic  # noqa: F401
from jixiao.figures.areas import facts  # noqa: F401  (carry-over, headcount, units, assets)
from jixiao.figures.areas import targets  # noqa: F401  (indicators, projects, self-scores)
from jixiao.figures.areas import per_unit  # noqa: F401  (per-unit and 汇总)
