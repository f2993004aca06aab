"""Benchmarks of the scoring area (run: ``uv run python benchmarks/bench_scoring.py``).

1. The province-wide case: 100,000 projects × 10 indicators (1,000,000 indicator rows)
   scored with ``mof-project-2020`` by the bulk path (budget: < 10 s on 2 cores).
2. Bulk against per-item on the same 50,000 rows (5,000 projects): both are timed, their
   results compared (they must be equal), and the speed-up per-item ÷ bulk reported
   (aim ≥ 20×).

The data are synthetic and deterministic (a fixed random seed). Building the frames and
the dataset rows is timed separately from the scoring call. Results go to
``benchmarks/results/scoring.json``; ``docs/performance.md`` quotes them.
"""

from __future__ import annotations

import json
import os
import platform
import random
import time
from decimal import Decimal
from pathlib import Path

import polars as pl

from jixiao.dataset.model import Indicator, Project
from jixiao.scoring import load_framework, score_project
from jixiao.scoring.bulk import decimal_results, score_projects_bulk

PROJECTS = 100_000
PER_PROJECT = 10
SAME_DATA_PROJECTS = 10_000
LIMIT_SECONDS = 10.0
AIM_SPEEDUP = 20.0
RESULTS = Path(__file__).resolve().parent / "results" / "scoring.json"
LEVELS = ["产出指标"] * 5 + ["效益指标"] * 3 + ["满意度指标"] * 2
SIGNS = ["≥", "≥", "≥", "≤", "＝", "定性"]
GRADES = ["达成", "部分达成", "未达成"]


def _rows(
    rng: random.Random, projects: int
) -> tuple[dict[str, list[object]], dict[str, list[object]]]:
    """Plain columns: projects (预算/执行) and their 10 indicators each."""
    p: dict[str, list[object]] = {"project": [], "budget": [], "adjusted": [], "executed": []}
    i: dict[str, list[object]] = {
        k: [] for k in ("project", "level1", "sign", "target", "actual", "qual_grade", "weight")
    }
    for n in range(projects):
        code = f"P{n:06d}"
        budget = rng.randint(10, 5_000)
        p["project"].append(code)
        p["budget"].append(budget)
        p["adjusted"].append(budget + rng.randint(-5, 50) if rng.random() < 0.6 else None)
        p["executed"].append(rng.randint(0, budget + 20) if rng.random() < 0.97 else None)
        for k in range(PER_PROJECT):
            sign = rng.choice(SIGNS)
            target = rng.randint(1, 1_000)
            i["project"].append(code)
            i["level1"].append(LEVELS[k])
            i["sign"].append(sign)
            i["target"].append(None if sign == "定性" else target)
            i["actual"].append(
                None if sign == "定性" or rng.random() < 0.02 else rng.randint(0, target * 3)
            )
            i["qual_grade"].append(rng.choice(GRADES) if sign == "定性" else "")
            i["weight"].append(rng.randint(1, 20))
    return p, i


def _frames(
    p: dict[str, list[object]], i: dict[str, list[object]]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    projects = pl.DataFrame(
        p,
        schema={
            "project": pl.String,
            "budget": pl.Int64,
            "adjusted": pl.Int64,
            "executed": pl.Int64,
        },
    )
    indicators = pl.DataFrame(
        i,
        schema={
            "project": pl.String,
            "level1": pl.String,
            "sign": pl.String,
            "target": pl.Int64,
            "actual": pl.Int64,
            "qual_grade": pl.String,
            "weight": pl.Int64,
        },
    )
    return projects, indicators


def _objects(
    p: dict[str, list[object]], i: dict[str, list[object]]
) -> list[tuple[Project, list[Indicator]]]:
    def dec(value: object) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    by_project: dict[str, list[Indicator]] = {}
    for n, code in enumerate(i["project"]):
        by_project.setdefault(str(code), []).append(
            Indicator(
                owner=str(code),
                level1=str(i["level1"][n]),
                name=f"指标{n}",
                sign=str(i["sign"][n]),
                target=dec(i["target"][n]),
                actual=dec(i["actual"][n]),
                qual_grade=str(i["qual_grade"][n]),
                weight=dec(i["weight"][n]),
            )
        )
    return [
        (
            Project(
                code=str(code),
                name=str(code),
                budget=dec(p["budget"][n]),
                adjusted=dec(p["adjusted"][n]),
                executed=dec(p["executed"][n]),
            ),
            by_project.get(str(code), []),
        )
        for n, code in enumerate(p["project"])
    ]


def bench_bulk(rng: random.Random) -> dict[str, object]:
    framework = load_framework("mof-project-2020")
    started = time.perf_counter()
    projects, indicators = _frames(*_rows(rng, PROJECTS))
    built = time.perf_counter() - started
    started = time.perf_counter()
    result = score_projects_bulk(framework, projects, indicators)
    seconds = time.perf_counter() - started
    return {
        "name": "bulk_province",
        "what": f"{PROJECTS} 个项目 × {PER_PROJECT} 个绩效指标（{indicators.height} 行），mof-project-2020，批量路径",
        "seconds": round(seconds, 3),
        "build_seconds": round(built, 3),
        "limit_seconds": LIMIT_SECONDS,
        "passed": seconds < LIMIT_SECONDS,
        "rows": indicators.height,
        "projects_scored": result.height,
        "grades": {
            str(g or "未评级"): n
            for g, n in sorted(result.group_by("grade").len().iter_rows(), key=lambda r: str(r[0]))
        },
    }


def bench_ratio(rng: random.Random) -> dict[str, object]:
    framework = load_framework("mof-project-2020")
    p, i = _rows(rng, SAME_DATA_PROJECTS)
    projects, indicators = _frames(p, i)
    items = _objects(p, i)
    started = time.perf_counter()
    bulk = decimal_results(framework, score_projects_bulk(framework, projects, indicators))
    bulk_seconds = time.perf_counter() - started
    started = time.perf_counter()
    cards = [score_project(framework, project, rows) for project, rows in items]
    item_seconds = time.perf_counter() - started
    equal = all(
        bulk[card.subject.split()[0]]
        == {
            **{i.code: i.score for i in card.items},
            "total": card.total,
            "grade": card.grade,
            "complete": card.complete,
        }
        for card in cards
    )
    speedup = item_seconds / bulk_seconds
    return {
        "name": "bulk_vs_per_item",
        "what": f"同一批数据：{SAME_DATA_PROJECTS} 个项目 × {PER_PROJECT} 个绩效指标（{indicators.height} 行）",
        "bulk_seconds": round(bulk_seconds, 3),
        "per_item_seconds": round(item_seconds, 3),
        "speedup": round(speedup, 1),
        "aim_speedup": AIM_SPEEDUP,
        "passed": speedup >= AIM_SPEEDUP and equal,
        "results_equal": equal,
    }


def main() -> None:
    rng = random.Random(20231231)
    report = {
        "machine": f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores",
        "polars": pl.__version__,
        "benchmarks": [bench_bulk(rng), bench_ratio(rng)],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
