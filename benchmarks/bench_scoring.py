"""Benchmarks of the scoring area (run: ``uv run python benchmarks/bench_scoring.py``).

1. **Province-wide project scoring through ``score_projects``**: 100,000 projects × 10
   performance indicators (1,000,000 indicator rows) in one ``Dataset``, scored with
   ``mof-project-2020``. ``score_projects`` picks the polars bulk path by itself (the
   framework and the numbers are in its exact range) and returns every total and grade.
   In the same run, a **hand-written polars query** computes the same scores from the
   same ``Dataset`` (its own frames, its own expressions for this one framework, no jixiao
   code); the two must agree on every total, grade and completeness, and the ratio of the
   two times is the figure of merit. Both timings include turning the dataset's rows into
   columns; the query-only times are reported too.
2. **Linearity of the per-item path** (the reference, and what builds each full scorecard
   with its 评分说明): 500, 1,000 and 2,000 projects × 10 indicators — the sizes that took
   5.6 / 19.6 / 60.3 s when every indicator was scanned for every project (issue 9).

The data are synthetic and deterministic (a fixed random seed). The machine is shared
(2 cores), so each timed call runs ``REPEATS`` times; the JSON keeps every run, the best
and the median, and the load average. Results go to ``benchmarks/results/scoring.json``;
``docs/performance.md`` quotes them.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from jixiao.dataset.model import Dataset, Indicator, Project
from jixiao.scoring import load_framework, score_projects
from jixiao.scoring.bulk import project_frames

PROJECTS = 100_000
PER_PROJECT = 10
LINEAR_SIZES = (500, 1_000, 2_000)
QUADRATIC_BEFORE = {500: 5.6, 1_000: 19.6, 2_000: 60.3}  #: seconds, issue 9 (before grouping)
REPEATS = 3
RESULTS = Path(__file__).resolve().parent / "results" / "scoring.json"
LEVELS = ["产出指标"] * 5 + ["效益指标"] * 3 + ["满意度指标"] * 2
SIGNS = ["≥", "≥", "≥", "≤", "＝", "定性"]
GRADES = ["达成", "部分达成", "未达成"]


def synthetic_dataset(rng: random.Random, projects: int) -> Dataset:
    """``projects`` projects (预算, 调整后预算, 执行数) with 10 indicators each, as a Dataset."""
    rows, indicators = [], []
    for n in range(projects):
        code = f"P{n:06d}"
        budget = rng.randint(10, 5_000)
        adjusted = budget + rng.randint(-5, 50) if rng.random() < 0.6 else None
        executed = rng.randint(0, budget + 20) if rng.random() < 0.97 else None
        rows.append(
            Project(
                code=code,
                name=code,
                budget=Decimal(budget),
                adjusted=None if adjusted is None else Decimal(adjusted),
                executed=None if executed is None else Decimal(executed),
            )
        )
        for k in range(PER_PROJECT):
            sign = rng.choice(SIGNS)
            target = rng.randint(1, 1_000)
            actual = None if sign == "定性" or rng.random() < 0.02 else rng.randint(0, target * 3)
            indicators.append(
                Indicator(
                    owner=code,
                    level1=LEVELS[k],
                    name=f"指标{k}",
                    sign=sign,
                    target=None if sign == "定性" else Decimal(target),
                    actual=None if actual is None else Decimal(actual),
                    qual_grade=rng.choice(GRADES) if sign == "定性" else "",
                    weight=Decimal(rng.randint(1, 20)),
                )
            )
    return Dataset(projects=tuple(rows), project_indicators=tuple(indicators))


# --------------------------------------------------------------------------- the hand-written query

UNIT = 10**6  #: numbers as Int128 units of 10⁻⁶ (exact for the synthetic data)
GROUP_POINTS = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
RATE_POINTS = 10
QUALITATIVE = {"达成": 10, "部分达成": 7, "未达成": 3}  #: tenths of the points


def _units(values: list[Decimal | None]) -> pl.Series:
    texts = pl.Series([None if v is None else str(v) for v in values], dtype=pl.String)
    return texts.str.to_decimal(scale=6).to_physical().cast(pl.Int128)


def hand_frames(dataset: Dataset) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The dataset's rows as columns, written for this benchmark (no jixiao code)."""
    projects = dataset.projects
    indicators = dataset.project_indicators
    p = pl.DataFrame(
        {
            "project": [x.code for x in projects],
            "b": _units([x.adjusted if x.adjusted is not None else x.budget for x in projects]),
            "e": _units([x.executed for x in projects]),
        }
    )
    i = pl.DataFrame(
        {
            "project": [x.owner for x in indicators],
            "level1": [x.level1 for x in indicators],
            "sign": [x.sign for x in indicators],
            "t": _units([x.target for x in indicators]),
            "a": _units([x.actual for x in indicators]),
            "grade": [x.qual_grade for x in indicators],
            "w": _units([x.weight for x in indicators]),
        }
    )
    return p, i


def hand_query(p: pl.DataFrame, i: pl.DataFrame) -> pl.DataFrame:
    """mof-project-2020 by hand: cents per project, grade, complete (same rules, own code)."""
    t, a = pl.col("t"), pl.col("a")
    zero = pl.lit(0, pl.Int128)
    clamped = pl.max_horizontal(a, zero)
    higher = pl.col("sign").is_in(["≥", "＞"])
    lower = pl.col("sign").is_in(["≤", "＜"])
    met = (
        pl.when(pl.col("sign") == "≥")
        .then(a >= t)
        .when(pl.col("sign") == "＞")
        .then(a > t)
        .when(pl.col("sign") == "≤")
        .then(a <= t)
        .when(pl.col("sign") == "＜")
        .then(a < t)
        .otherwise(a == t)
    )
    too_low = (
        (a > 0)
        & (t > 0)
        & pl.when(higher).then(a > 2 * t).when(lower).then(t > 2 * a).otherwise(False)
    )
    # the share of the points as a fraction sn / sd
    sn = (
        pl.when(pl.col("sign") == "定性")
        .then(pl.col("grade").replace_strict(QUALITATIVE, default=None, return_dtype=pl.Int128))
        .when(met & too_low)
        .then(9)
        .when(met)
        .then(10)
        .when(higher & (t > 0))
        .then(clamped * 10)
        .when(lower & (t >= 0) & (a > 0))
        .then(t * 10)
        .when((pl.col("sign") == "＝") & (t > 0) & (a < t))
        .then(clamped * 10)
        .when((pl.col("sign") == "＝") & (t > 0))
        .then(t * 10)
    )
    sd = (
        pl.when(pl.col("sign") == "定性")
        .then(10)
        .when(met)
        .then(10)
        .when(higher | ((pl.col("sign") == "＝") & (a < t)))
        .then(t * 10)
        .otherwise(a * 10)
    )
    quantitative_missing = (pl.col("sign") != "定性") & (a.is_null() | t.is_null())
    points = pl.col("level1").replace_strict(GROUP_POINTS, return_dtype=pl.Int128)
    n = points * pl.col("w") * 100 * sn  # cents
    d = pl.col("W") * sd
    scored = (
        i.lazy()
        .filter(pl.col("level1").is_in(list(GROUP_POINTS)))
        .with_columns(
            w=pl.when(
                (pl.col("w").is_not_null() & (pl.col("w") > 0)).all().over("project", "level1")
            )
            .then(pl.col("w"))
            .otherwise(pl.lit(1, pl.Int128))
        )
        .with_columns(W=pl.col("w").sum().over("project", "level1"))
        .with_columns(
            score=pl.when(quantitative_missing | sn.is_null())
            .then(None)
            .otherwise((2 * n + d) // (2 * d))
        )
        .group_by("project", "level1")
        .agg(
            score=pl.col("score").sum(),
            known=pl.col("score").is_not_null().sum(),
            count=pl.len(),
        )
        .with_columns(score=pl.when(pl.col("known") > 0).then("score"))
        .collect()
        .pivot(on="level1", index="project", values=["score", "known", "count"])
    )
    b, e = pl.col("b"), pl.col("e")
    rate = (
        pl.when(b.is_null() | e.is_null() | (b <= 0))
        .then(None)
        .when(e >= b)
        .then(RATE_POINTS * 100)
        .otherwise((2 * pl.max_horizontal(e, zero) * RATE_POINTS * 100 + b) // (2 * b))
    )
    frame = p.select("project", rate=rate).join(scored, on="project", how="left")
    groups = list(GROUP_POINTS)
    parts = [pl.col("rate"), *[pl.col(f"score_{g}") for g in groups]]
    applies = {g: pl.col(f"count_{g}").is_not_null() for g in groups}
    known = pl.sum_horizontal([c.fill_null(0) for c in parts]).cast(pl.Int128)
    applicable = RATE_POINTS + pl.sum_horizontal(
        [pl.when(applies[g]).then(GROUP_POINTS[g]).otherwise(0) for g in groups]
    ).cast(pl.Int128)
    total = (
        pl.when(~pl.any_horizontal([c.is_not_null() for c in parts]))
        .then(None)
        .when(applicable == 100)
        .then(known)
        .otherwise((2 * known * 100 + applicable) // (2 * applicable))
    )
    complete = pl.col("rate").is_not_null() & pl.all_horizontal(
        [
            ~applies[g] | (pl.col(f"known_{g}") == pl.col(f"count_{g}")).fill_null(False)
            for g in groups
        ]
    )
    grade = (
        pl.when(pl.col("total").is_null() | ~pl.col("complete"))
        .then(pl.lit(""))
        .when(pl.col("total") >= 9000)
        .then(pl.lit("优"))
        .when(pl.col("total") >= 8000)
        .then(pl.lit("良"))
        .when(pl.col("total") >= 6000)
        .then(pl.lit("中"))
        .otherwise(pl.lit("差"))
    )
    return frame.select("project", total=total, complete=complete).with_columns(grade=grade)


# --------------------------------------------------------------------------- timing


def _timed(fn: Callable[[], Any]) -> tuple[Any, list[float]]:
    runs, result = [], None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = fn()
        runs.append(round(time.perf_counter() - started, 3))
    return result, runs


def _summary(runs: list[float]) -> dict[str, object]:
    return {"runs": runs, "best": min(runs), "median": round(statistics.median(runs), 3)}


def bench_province(rng: random.Random) -> dict[str, object]:
    framework = load_framework("mof-project-2020")
    started = time.perf_counter()
    dataset = synthetic_dataset(rng, PROJECTS)
    built = time.perf_counter() - started
    load = os.getloadavg()[0]
    scores, engine_runs = _timed(lambda: score_projects(dataset, framework))
    _, frame_runs = _timed(lambda: project_frames(dataset.projects, dataset.project_indicators))
    hand, hand_runs = _timed(lambda: hand_query(*hand_frames(dataset)))
    frames = hand_frames(dataset)
    _, query_runs = _timed(lambda: hand_query(*frames))
    by_code = {
        code: (None if total is None else Decimal(total).scaleb(-2), grade, complete)
        for code, total, complete, grade in hand.iter_rows()
    }
    equal = all(
        by_code[t.code] == (t.total, t.grade, t.complete) and t.total is not None
        for t in scores.totals
    ) and len(by_code) == len(scores.totals)
    engine, baseline = min(engine_runs), min(hand_runs)
    grades: dict[str, int] = {}
    for t in scores.totals:
        grades[t.grade or "未评级"] = grades.get(t.grade or "未评级", 0) + 1
    return {
        "name": "score_projects_province",
        "what": f"score_projects：{PROJECTS} 个项目 × {PER_PROJECT} 个绩效指标"
        f"（{len(dataset.project_indicators)} 行），mof-project-2020",
        "path": scores.path,
        "load_average": round(load, 2),
        "build_dataset_seconds": round(built, 3),
        "score_projects": _summary(engine_runs),
        "of_which_rows_to_columns": _summary(frame_runs),
        "hand_written_polars": _summary(hand_runs),
        "hand_written_query_only": _summary(query_runs),
        "ratio_score_projects_to_hand": round(engine / baseline, 2),
        "results_equal": equal,
        "grades": dict(sorted(grades.items())),
    }


def bench_linear(rng: random.Random) -> dict[str, object]:
    framework = load_framework("mof-project-2020")
    sizes = []
    for size in LINEAR_SIZES:
        dataset = synthetic_dataset(rng, size)
        scores, runs = _timed(lambda d=dataset: score_projects(d, framework, path="per_item"))
        assert scores.path == "per_item" and len(scores) == size
        sizes.append(
            {
                "projects": size,
                "rows": size * PER_PROJECT,
                **_summary(runs),
                "before_seconds": QUADRATIC_BEFORE[size],
            }
        )
    first, last = sizes[0], sizes[-1]
    growth = float(str(last["best"])) / float(str(first["best"]))
    return {
        "name": "per_item_linearity",
        "what": "score_projects(path='per_item')：每个项目的完整评分表（逐项，含评分说明）",
        "load_average": round(os.getloadavg()[0], 2),
        "sizes": sizes,
        "growth_4x_projects": round(growth, 2),
    }


def main() -> None:
    rng = random.Random(20231231)
    report = {
        "machine": f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores",
        "polars": pl.__version__,
        "benchmarks": [bench_province(rng), bench_linear(rng)],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
