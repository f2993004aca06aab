"""The 自评任务 page's sheet summaries: scored when a sheet is issued or changed, never by a
page view.

A summary (自评得分 entered, the engine's total and grade) scores the sheet's whole
department dataset — a second or more of engine CPU on a province's department. The task
page listed them by scoring each missing one in the request, so the first views after a
task was issued (50 sheets a page) took minutes and timed out under 50 users. Now:

- :func:`issue_summaries` — :func:`~jixiao_web.assessment.services.issue_task` scores each
  new sheet's starting entries on the engine dataset it has already converted (no second
  conversion) and stores the summaries when its transaction commits;
- :func:`refresh_later` — every write that bumps a sheet's version (an entry, the texts,
  evidence) enqueues :func:`refresh_summaries` on commit, so the task worker scores the
  new version (in the request only under ``JX_TASKS=immediate``, the tests);
- :func:`sheet_summaries` reads all of a page's summaries with one ``get_many``; a summary
  still missing (its dataset changed, the cache was cleared, a new engine release) is shown
  as 计算中 and asked of the worker (once per version: :func:`_ask_once`).

The key names everything a summary is scored from: the sheet's version (its entries and
texts), the dataset's version (its rows), the framework and the engine's release (an engine
changed in place without a new release needs ``cache.clear()``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django_tasks import task

from jixiao.dataset.model import Dataset as EngineDataset
from jixiao.scoring import Scorecard
from jixiao_web.assessment.scoring import EntryValues, framework, rescore, summarize

if TYPE_CHECKING:
    from jixiao_web.assessment.models import ScoreSheet

#: How long a summary is kept; its key changes with every save, so this only bounds storage.
SUMMARY_SECONDS = 7 * 24 * 3600
#: A summary asked of the worker is not asked again for this long (the worker may be busy).
ASKED_SECONDS = 600

#: What the cache keeps of a summary: the entered total and the engine's (as text), grade.
Stored = tuple[str | None, str | None, str]


@dataclass(frozen=True)
class SheetSummary:
    """What a task's page shows of one sheet: 自评得分 entered, the engine's total, grade;
    ``ready`` False while the task worker is still scoring it (shown as 计算中)."""

    entered: Decimal | None
    computed: Decimal | None
    grade: str
    ready: bool = True


PENDING = SheetSummary(None, None, "", ready=False)


@cache
def _release() -> str:
    """The engine's release, read once per process: ``importlib.metadata.version`` reads
    the installed distribution's metadata (milliseconds), and the page keyed 50 sheets."""
    from importlib.metadata import version

    return version("jixiao")


def summary_key(
    framework_id: str, sheet_id: int, sheet_version: int, dataset_id: int, dataset_version: int
) -> str:
    return (
        f"assessment-summary:{_release()}:{framework_id}:"
        f"{sheet_id}.{sheet_version}:{dataset_id}.{dataset_version}"
    )


def _key(sheet: ScoreSheet) -> str:
    return summary_key(
        sheet.task.framework, sheet.pk, sheet.version, sheet.dataset_id, sheet.dataset.version
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _stored(entered: Decimal | None, total: Decimal | None, grade: str) -> Stored:
    return _text(entered), _text(total), grade


def _summary(stored: Stored) -> SheetSummary:
    entered, computed, grade = stored
    return SheetSummary(_decimal(entered), _decimal(computed), grade)


# --------------------------------------------------------------------------- when issued


def starting_summary(
    dataset: EngineDataset,
    framework_id: str,
    entries: Mapping[str, EntryValues],
    baseline: Scorecard,
) -> Stored:
    """A new sheet's summary: its starting ``entries`` scored on the engine ``dataset`` the
    issuer converted (``baseline``: that dataset's card, already scored for the entries)."""
    return _stored(*summarize(dataset, framework(framework_id), entries, baseline=baseline))


def issue_summaries(stored: Mapping[str, Stored]) -> None:
    """Keep the new sheets' summaries (by key) once the issuing transaction commits: a
    rolled-back task leaves none, and nobody reads a key before its sheet exists."""
    from django.core.cache import cache

    transaction.on_commit(lambda: cache.set_many(dict(stored), SUMMARY_SECONDS))


# --------------------------------------------------------------------------- when changed


def refresh_later(sheet_id: int) -> None:
    """Score the sheet's new version in the task worker after this transaction commits."""
    transaction.on_commit(lambda: refresh_summaries.enqueue([sheet_id]))


def _sheets(sheet_ids: Sequence[int]) -> list[ScoreSheet]:
    from jixiao_web.assessment.models import ScoreSheet

    return list(ScoreSheet.objects.select_related("task", "dataset").filter(pk__in=sheet_ids))


@task()
def refresh_summaries(sheet_ids: list[int]) -> int:
    """Score the current version of each sheet whose summary is missing (in the task
    worker); how many were scored. Several saves in a row queue several of these: each
    scores the version current when it runs, the later ones find it cached."""
    from django.core.cache import cache

    from jixiao_web.core.once import cached_once

    scored = 0
    for sheet in _sheets(sheet_ids):
        key = _key(sheet)
        if cache.get(key) is not None:
            continue

        def compute(sheet: ScoreSheet = sheet) -> tuple[Any, bool]:
            result = rescore(sheet)
            return _stored(result.entered_total, result.total, result.card.grade_label), True

        cached_once(key, compute, SUMMARY_SECONDS)  # once, if two workers have the sheet
        scored += 1
    return scored


# --------------------------------------------------------------------------- the page


def _ask_once(missing: Mapping[int, str]) -> None:
    """Ask the worker for the missing summaries, each version once (not on every view)."""
    from django.core.cache import cache

    asked = [pk for pk, key in missing.items() if cache.add(f"{key}:asked", 1, ASKED_SECONDS)]
    if asked:
        refresh_summaries.enqueue(asked)


def sheet_summaries(sheets: Sequence[ScoreSheet]) -> dict[int, SheetSummary]:
    """Each sheet's summary from the cache (one ``get_many``); a missing one is asked of
    the task worker and shown as :data:`PENDING` — a view scores nothing itself."""
    from django.core.cache import cache

    keys = {sheet.pk: _key(sheet) for sheet in sheets}
    found = cache.get_many(list(keys.values()))
    missing = {pk: key for pk, key in keys.items() if key not in found}
    if missing:
        _ask_once(missing)
        # with JX_TASKS=immediate (tests) the worker's answer is already there
        found.update(cache.get_many(list(missing.values())))
    return {pk: _summary(found[key]) if key in found else PENDING for pk, key in keys.items()}
