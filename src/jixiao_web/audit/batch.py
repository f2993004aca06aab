"""Batch audit: who may, what goes in, and the background task that audits report by report.

Who: 财政 (the bureau roles) for their whole region, a department's administrator for its
own department — the roles of the region dashboard. A batch belongs to that place
(:class:`~jixiao_web.orgs.access.BatchScope`): the bureau sees every batch of its region, a
department the batches of its own department. Those rules live with every other access
rule in :mod:`jixiao_web.orgs.access` (``batch_scopes``, ``batch_scope``, ``batches_of``).

What goes in: up to :data:`MAX_FILES` uploaded reports of at most
``settings.MAX_UPLOAD_BYTES`` each and :data:`MAX_TOTAL_BYTES` together, each checked by
its content (:mod:`jixiao_web.core.filetypes`) — or the newest generated 自评报告 of every
dataset of one year in the scope. A file that cannot be taken (wrong type, renamed, empty,
too large, no report generated yet) becomes a row that says why in Chinese; the batch goes
on without it.

The task (:func:`run_batch`) audits each report with the engine's
:func:`jixiao.audit.batch.audit_data` — the same code as ``jixiao audit FOLDER`` — writes
each result and ``已审核 n / N 份`` into the database as it goes, and at the end keeps the
engine's summary workbook (:func:`jixiao.audit.export.workbook_bytes`).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django_tasks import task

from jixiao.audit.batch import REPORT_SUFFIXES, FileAudit, audit_data
from jixiao.audit.export import status as verdict_of
from jixiao.audit.export import workbook_bytes
from jixiao.audit.findings import finding_json
from jixiao_web.audit.models import BatchAudit, BatchItem
from jixiao_web.core import jobs
from jixiao_web.core.filetypes import FILE_TYPES
from jixiao_web.orgs.access import (
    BatchScope,
    batch_datasets,
    require_batch_scope,
)
from jixiao_web.orgs.models import Department, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.core.files.uploadedfile import UploadedFile

    from jixiao_web.orgs.access import Access

logger = logging.getLogger(__name__)

#: How many reports one batch may hold, and how many bytes they may have together.
MAX_FILES = 50
MAX_TOTAL_BYTES = 200 * 1024 * 1024
#: Generated report formats the audit reads, the best first (Word keeps the text exact).
REPORT_FORMATS = ("docx", "pdf", "md", "txt")
_MB = 1024 * 1024


class Refused(Exception):
    """The batch cannot be started; the message says why (Chinese)."""


# --------------------------------------------------------------------------- years


def years_of(access: Access, scope: BatchScope) -> list[int]:
    """The years of the datasets in ``scope`` (newest first), for the generated-reports form."""
    datasets = batch_datasets(access, scope)
    return sorted(set(datasets.values_list("year", flat=True)), reverse=True)


# --------------------------------------------------------------------------- uploads


def size_text(size: int) -> str:
    """``20 MB``, ``1.5 MB``, ``12 KB``: a size as a message states it."""
    if size >= _MB:
        return f"{size / _MB:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def problem_of(name: str, size: int, head: bytes) -> str:
    """Why an uploaded file cannot be audited (Chinese), or ``""``: it may be.

    The suffix must be a report format and the content must be what the suffix says:
    a ``.pdf`` or ``.docx`` starts with its signature, a text file with no binary one.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix == ".doc":
        return "是旧版 Word（.doc）格式，请另存为 .docx 后再上传"
    if suffix not in REPORT_SUFFIXES:
        return f"不是可审核的报告格式（可上传 {'、'.join(REPORT_SUFFIXES)}）"
    if size == 0:
        return "是空文件"
    if size > settings.MAX_UPLOAD_BYTES:
        return f"过大（{size_text(size)}，上限 {size_text(settings.MAX_UPLOAD_BYTES)}）"
    expected = FILE_TYPES.get(suffix)
    if expected is not None and not expected.matches(head):
        return f"内容不是 {suffix} 文件（文件名与内容不符），未审核"
    if expected is None and any(t.matches(head) for t in FILE_TYPES.values()):
        return "内容不是文本，而是 PDF、Word、Excel 或图片等文件（文件名与内容不符），未审核"
    return ""


def _owners(scope: BatchScope) -> Callable[[str], tuple[str, Department | None]]:
    """Whose report a file is, from its name: in a region, the department named in it
    (the longest name found); in a department, that department (› the unit named in it).
    The names are read once per batch."""
    if scope.department_id is not None:
        own = Department.objects.get(pk=scope.department_id)
        units = [u for u in Unit.objects.filter(department=own).values_list("name", flat=True) if u]

        def of_department(name: str) -> tuple[str, Department | None]:
            unit = max((u for u in units if u in name), key=len, default="")
            return (f"{own.name} › {unit}" if unit else own.name), own

        return of_department
    departments = [d for d in Department.objects.filter(region_id=scope.region_id) if d.name]

    def of_region(name: str) -> tuple[str, Department | None]:
        named = [d for d in departments if d.name in name]
        found = max(named, key=lambda d: len(d.name), default=None)
        return (found.name if found is not None else ""), found

    return of_region


def request_upload(
    access: Access,
    user: AbstractBaseUser | AnonymousUser | None,
    scope: BatchScope,
    files: Sequence[UploadedFile],
) -> BatchAudit:
    """Record a batch of uploaded reports and enqueue it; :class:`Refused` for the batch
    as a whole (none, too many, too large together). Each file's own problem is a row."""
    if not files:
        raise Refused("请选择要审核的报告文件（可一次选择多份）")
    if len(files) > MAX_FILES:
        raise Refused(f"一次最多审核 {MAX_FILES} 份报告，本次选择了 {len(files)} 份")
    total = sum(f.size or 0 for f in files)
    if total > MAX_TOTAL_BYTES:
        raise Refused(
            f"所选报告合计 {size_text(total)}，超过一次审核的上限 {size_text(MAX_TOTAL_BYTES)}"
        )
    prepared: list[dict[str, Any]] = []
    folder = f"batch-audit/{secrets.token_hex(8)}"
    owner_of = _owners(scope)
    try:
        for position, upload in enumerate(files, start=1):
            name = PurePath(upload.name or f"报告{position}").name[-120:] or f"报告{position}"
            head = upload.read(16)
            upload.seek(0)
            problem = problem_of(name, upload.size or 0, head)
            owner, department = owner_of(name)
            item: dict[str, Any] = {
                "position": position,
                "name": name,
                "owner": owner,
                "department": department,
            }
            if problem:
                item |= {"status": BatchItem.Status.UNREADABLE, "problem": problem}
                item["verdict"] = f"无法读取：{problem}"
            else:
                suffix = PurePath(name).suffix.lower()
                item["stored"] = default_storage.save(f"{folder}/{position}{suffix}", upload)
            prepared.append(item)
        return _create(access, user, scope, BatchAudit.Source.UPLOAD, None, prepared)
    except Exception:
        for item in prepared:  # nothing half-written: the files go with the rows
            if item.get("stored"):
                default_storage.delete(item["stored"])
        raise


def _create(
    access: Access,
    user: AbstractBaseUser | AnonymousUser | None,
    scope: BatchScope,
    source: str,
    year: int | None,
    items: list[dict[str, Any]],
) -> BatchAudit:
    require_batch_scope(access, scope)
    refused = sum(1 for i in items if i.get("status") == BatchItem.Status.UNREADABLE)
    with transaction.atomic():
        batch = BatchAudit.objects.create(
            region_id=scope.region_id,
            department_id=scope.department_id,
            source=source,
            year=year,
            requested_by_id=user.pk if user is not None and user.is_authenticated else None,
            total=len(items),
            done=refused,
        )
        BatchItem.objects.bulk_create(
            BatchItem(region_id=scope.region_id, batch=batch, **item) for item in items
        )
        batch_id = batch.pk
        transaction.on_commit(lambda: run_batch.enqueue(batch_id))
    return batch


# --------------------------------------------------------------------------- generated reports


def request_reports(
    access: Access,
    user: AbstractBaseUser | AnonymousUser | None,
    scope: BatchScope,
    year: int,
) -> BatchAudit:
    """A batch of the newest generated 自评报告 of every dataset of ``year`` in ``scope``.

    A dataset without a generated report in a format the audit reads is a row saying so.
    """
    from jixiao_web.evaluation.models import ReportFile, ReportJob

    datasets = list(batch_datasets(access, scope).filter(year=year).order_by("department__code"))
    if not datasets:
        raise Refused(f"{scope.label}没有 {year} 年度的数据集")
    items: list[dict[str, Any]] = []
    for position, dataset in enumerate(datasets, start=1):
        files = list(
            ReportFile.objects.filter(
                job__dataset=dataset,
                job__status=ReportJob.Status.DONE,
                kind=ReportFile.Kind.REPORT,
                format__in=REPORT_FORMATS,
            ).order_by("-job__finished_at", "-job_id")
        )
        newest = [f for f in files if f.job_id == files[0].job_id] if files else []
        newest.sort(key=lambda f: REPORT_FORMATS.index(f.format))
        item: dict[str, Any] = {
            "position": position,
            "owner": dataset.department.name,
            "department": dataset.department,
        }
        if newest:
            item |= {"name": newest[0].filename[:200], "report_file": newest[0]}
        else:
            problem = "尚未生成 Word 或 PDF 格式的自评报告，请先在该数据集的「报告」页生成"
            item |= {
                "name": f"{dataset.department.name}{year}年度自评报告",
                "status": BatchItem.Status.UNREADABLE,
                "problem": problem,
                "verdict": f"无法读取：{problem}",
            }
        items.append(item)
    return _create(access, user, scope, BatchAudit.Source.REPORTS, year, items)


def totals(items: Sequence[BatchItem]) -> dict[str, int]:
    """The batch's line under the table: the stored counts summed as the engine's
    :func:`jixiao.audit.batch.summary` sums them (files, unreadable, claims … info)."""
    done = [i for i in items if i.status == BatchItem.Status.DONE]
    return {
        "files": len(items),
        "unreadable": sum(1 for i in items if i.status == BatchItem.Status.UNREADABLE),
        "claims": sum(i.claims for i in done),
        "checked": sum(i.checked for i in done),
        "errors": sum(i.errors for i in done),
        "warnings": sum(i.warnings for i in done),
        "rounding": sum(i.rounding for i in done),
        "info": sum(i.infos for i in done),
    }


# --------------------------------------------------------------------------- the task


def _bytes_of(item: BatchItem) -> bytes:
    """The report's bytes from the storage; :class:`OSError` when it is gone."""
    name = item.stored or (item.report_file.name if item.report_file is not None else "")
    if not name or not default_storage.exists(name):
        raise OSError("文件已不存在")
    with default_storage.open(name, "rb") as stored:
        data: bytes = stored.read()
        return data


def _audit_item(item: BatchItem) -> FileAudit:
    """Audit one pending item and store the result (the uploaded bytes are then removed)."""
    try:
        data = _bytes_of(item)
    except OSError:
        audit = FileAudit(
            PurePath(item.name), None, "文件已不存在（可能已被删除），未审核", item.owner
        )
    else:
        try:
            audit = audit_data(data, item.name, owner=item.owner)
        except Exception as error:  # an engine bug on one file must not hide the others
            logger.exception("batch audit item %s failed: %s", item.pk, type(error).__name__)
            problem = f"审核时出错（{type(error).__name__}），请联系系统管理员"
            audit = FileAudit(PurePath(item.name), None, problem, item.owner)
    result = audit.result
    fields: dict[str, Any] = {"verdict": verdict_of(audit)[:300]}
    if result is None:
        fields |= {"status": BatchItem.Status.UNREADABLE, "problem": audit.problem}
    else:
        counts = result.summary()
        fields |= {
            "status": BatchItem.Status.DONE,
            "claims": counts["claims"],
            "checked": counts["checked"],
            "errors": counts["errors"],
            "warnings": counts["warnings"],
            "rounding": counts["rounding"],
            "infos": counts["info"],
            "findings": [finding_json(f) for f in result.findings],
        }
    BatchItem.objects.filter(pk=item.pk).update(**fields, stored="")
    if item.stored:
        default_storage.delete(item.stored)
    return audit


@task()
def run_batch(batch_id: int) -> str:
    """Audit every report of one batch (in a worker; immediately in tests). Returns its status."""
    batch = BatchAudit.objects.filter(pk=batch_id).first()
    if batch is None or batch.finished:
        return "missing" if batch is None else str(batch.status)
    stored = ""
    try:
        # inside the try: a failure here left the batch "queued" for ever
        if not jobs.start(BatchAudit, batch_id):
            return "taken"  # another worker has it, or it was ended as stale
        audits: list[FileAudit] = []
        done = batch.done
        for item in batch.items.select_related("report_file").order_by("position"):
            if item.status == BatchItem.Status.UNREADABLE:  # refused when it was taken
                audits.append(FileAudit(PurePath(item.name), None, item.problem, item.owner))
                continue
            audits.append(_audit_item(item))
            done += 1
            jobs.beat(BatchAudit, batch_id, done=done)
        stored = default_storage.save(
            f"batch-audit/{secrets.token_hex(8)}.xlsx", ContentFile(workbook_bytes(audits))
        )
        if not jobs.finish(BatchAudit, batch_id, done=len(audits), workbook=stored):
            # ended as stale while this worker was slow: the user was told to ask again
            default_storage.delete(stored)
            return str(BatchAudit.Status.FAILED)
    except Exception as error:
        # The log names the batch and the error's type, never a report's content.
        logger.exception("batch audit %s failed: %s", batch_id, type(error).__name__)
        if stored:
            default_storage.delete(stored)
        jobs.fail(
            BatchAudit, batch_id, f"批量审核失败（{type(error).__name__}），请重试或联系系统管理员"
        )
        return str(BatchAudit.Status.FAILED)
    return str(BatchAudit.Status.DONE)
