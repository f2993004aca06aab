"""Write a synthetic dataset (see :mod:`jixiao.synthetic`) to a workbook or text form.

``python benchmarks/synthetic.py out.xlsx [--departments 100 --units 30]`` writes one
dataset with every department's units; the benchmarks import the generators from here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from jixiao.synthetic import synthetic_departments, synthetic_province

__all__ = ["synthetic_departments", "synthetic_province"]


def main(argv: list[str] | None = None) -> None:
    from jixiao.io.formats import save_dataset

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help=".xlsx or .yaml")
    parser.add_argument("--departments", type=int, default=100)
    parser.add_argument("--units", type=int, default=30, help="budget units per department")
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args(argv)
    save_dataset(synthetic_province(args.departments, args.units, args.seed), args.out)


if __name__ == "__main__":
    main()
