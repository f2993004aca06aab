"""The self-evaluation report of a 自评表, through the evaluation app's report job.

The job (``jixiao_web.evaluation.reports``) runs in the background with its progress in
its row, evaluates with the engine's one service (``jixiao.evaluation.evaluate``, as the
command line does) and renders the report set. Here is only what it is given: the sheet's
dataset with the entered scorecard (``scoring.sheet_dataset``) and the task's framework,
read when the job runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jixiao_web.evaluation.models import ReportJob
from jixiao_web.evaluation.reports import Subject, register_source, request_reports

SOURCE = "self_evaluation"


def subject(sheet_id: int) -> Subject:
    from jixiao_web.assessment.models import ScoreSheet
    from jixiao_web.assessment.scoring import EntryValues, base_dataset, framework, sheet_dataset

    sheet = ScoreSheet.objects.select_related("task", "dataset").get(pk=sheet_id)
    fw = framework(sheet.task.framework)
    entries = {e.code: EntryValues.of(e) for e in sheet.entries.all()}
    dataset, _ = sheet_dataset(sheet, entries, fw, base_dataset(sheet))
    return Subject(dataset, fw.id, sheet.version)


def register() -> None:
    register_source(SOURCE, subject)


def request(sheet: Any, user: Any, formats: Sequence[str]) -> ReportJob:
    """A report job of ``sheet`` (raises ``BadRequest`` without a known format)."""
    return request_reports(sheet.dataset, user, formats, [], source=SOURCE, source_id=sheet.pk)


def jobs(sheet: Any) -> Any:
    return ReportJob.objects.filter(source=SOURCE, source_id=sheet.pk).order_by(
        "-requested_at", "-pk"
    )
