"""A report job's page follows the engine's progress counts (the contract of jixiao.lib.progress).

The job's own callback is given to the real evaluation and the real renderer; after each
call the row is read back: it holds the step and the count the engine reported, and the
job page shows them (“评价数据：一致性检查（1/3）”) while the job runs.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from jixiao.reports.api import report_files
from jixiao_web.evaluation.models import ReportJob
from jixiao_web.evaluation.reports import job_progress, request_reports
from jixiao_web.evaluation.services import run_evaluation

pytestmark = pytest.mark.django_db


def _watching(job: ReportJob, stage: str, seen: list[tuple[str, int, int]]) -> Any:
    tell = job_progress(job.pk, stage)

    def watch(step: str, done: int, total: int, /) -> None:
        tell(step, done, total)
        job.refresh_from_db()
        seen.append((job.step, job.done, job.total))

    return watch


def _monotone_to_the_total(seen: list[tuple[str, int, int]]) -> None:
    counts = [done for _, done, _ in seen]
    assert counts[0] == 0 and counts == sorted(counts)
    assert len({total for _, _, total in seen}) == 1 and counts[-1] == seen[-1][2]


def test_the_job_row_and_page_follow_the_engines_counts(login: Any, science: Any) -> None:
    # Not run: outside a committed transaction the task is never enqueued.
    job = request_reports(science, None, ["xlsx"], ["html"])
    evaluated: list[tuple[str, int, int]] = []
    result, _, _ = run_evaluation(science, progress=_watching(job, "评价数据", evaluated))
    _monotone_to_the_total(evaluated)
    assert evaluated[0] == ("评价数据：计算指标", 0, 3)
    assert evaluated[-1] == ("评价数据：评价完成", 3, 3)

    page = login("dept-admin").get(reverse("evaluation:report_job", args=[job.pk]))
    assert page.status_code == 200
    assert "评价数据：评价完成（3/3）" in page.content.decode()

    rendered: list[tuple[str, int, int]] = []
    files = report_files(
        result,
        ["xlsx"],
        review_formats=["html"],
        parallel=False,
        progress=_watching(job, "", rendered),
    )
    _monotone_to_the_total(rendered)
    assert len(files) == 2
    assert rendered[-1] == ("审核底稿 网页", 2, 2)
    assert ("报告 Excel 工作簿", 1, 2) in rendered
