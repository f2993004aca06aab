"""Batch audit: real reports uploaded at once or taken from the generated ones, audited by the
background task report by report, one summary table, its Excel, who may see what.

The reports are real: public reports of the audit's corpus (``tests/data/real``, with their
answer keys) and the system's own rendered 自评报告 (Word and PDF). Each row of the table
must say exactly what the engine's folder audit (``jixiao audit FOLDER``) says of the file.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from personas import PERSONAS as ALL_PERSONAS

from jixiao.audit import audit_file
from jixiao.audit.export import status as engine_status

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
MINI = Path(__file__).resolve().parents[1] / "data" / "reports-mini.yaml"
#: Real reports: two whose answer keys list errors, one clean.
WITH_ERRORS = ("kunming-sci-sangong-2018.txt", "lincang-unit-budget-2018.txt")
CLEAN = "fengxin-sangong-2023.txt"
SCIENCE = "广东省科学技术厅"


@pytest.fixture(scope="module")
def rendered() -> dict[str, tuple[str, bytes]]:
    """The mini dataset's 自评报告 rendered by the engine: format → (file name, bytes)."""
    from jixiao.evaluation import evaluate
    from jixiao.io.formats import load_dataset
    from jixiao.reports.api import report_files

    files = report_files(
        evaluate(load_dataset(MINI)), ["docx", "pdf"], review_formats=[], parallel=False
    )
    return {f.filename.rsplit(".", 1)[1]: (f.filename, f.data) for f in files}


def _real(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (REAL / name).read_bytes(), "text/plain")


def _must_find_errors(name: str) -> int:
    key = json.loads((REAL / name).with_suffix(".json").read_text("utf-8"))
    return sum(1 for m in key["must_find"] if m["severity"] == "error")


def _upload(client: Any, files: list[SimpleUploadedFile], capture: Any, **extra: str) -> Any:
    with capture(execute=True):  # the task runs as the transaction commits, before returning
        return client.post(reverse("audit:batch_upload"), {"reports": files, **extra})


def _batch(response: Any) -> Any:
    from jixiao_web.audit.models import BatchAudit

    assert response.status_code == 302, response.content.decode()[:2000]
    return BatchAudit.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


# --------------------------------------------------------------------------- uploads


@pytest.mark.django_db
def test_real_reports_are_audited_like_the_folder_audit(
    login: Any, django_capture_on_commit_callbacks: Any, rendered: Any
) -> None:
    client = login("bureau-admin")
    docx_name, docx = rendered["docx"]
    pdf_name, pdf = rendered["pdf"]
    uploads = [
        *(_real(n) for n in (*WITH_ERRORS, CLEAN)),
        SimpleUploadedFile(docx_name, docx),
        SimpleUploadedFile(pdf_name, pdf),
    ]
    batch = _batch(_upload(client, uploads, django_capture_on_commit_callbacks))
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("done", 5, 5)
    items = {i.name: i for i in batch.items.all()}
    assert list(items) == [*WITH_ERRORS, CLEAN, docx_name, pdf_name]
    for name in (*WITH_ERRORS, CLEAN):
        engine = audit_file(REAL / name)
        item = items[name]
        assert (item.status, item.errors, item.warnings, item.claims, item.checked) == (
            "done",
            engine.errors,
            engine.warnings,
            engine.claims,
            engine.checked,
        ), name
        assert len(item.findings) == len(engine.findings)
        assert item.errors >= _must_find_errors(name)
    assert items[WITH_ERRORS[0]].verdict == "有错误"
    assert items[CLEAN].errors == 0
    # The system's own rendered report reads in both formats.
    for name in (docx_name, pdf_name):
        assert items[name].status == "done" and items[name].claims > 0, name
    # The uploads are not kept once audited.
    assert all(not i.stored for i in items.values())
    assert not default_storage.exists(f"batch-audit/{batch.pk}")


@pytest.mark.django_db
def test_the_summary_table_shows_each_report(
    login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login("bureau-admin")
    name = f"{SCIENCE}_{WITH_ERRORS[0]}"
    upload = SimpleUploadedFile(name, (REAL / WITH_ERRORS[0]).read_bytes())
    batch = _batch(_upload(client, [upload, _real(CLEAN)], django_capture_on_commit_callbacks))
    html = client.get(reverse("audit:batch", args=[batch.pk])).content.decode()
    table = html.split('id="batch-table"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    first = [
        re.sub(r"<[^>]+>", " ", c).split()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", rows[0], re.S)
    ]
    engine = audit_file(REAL / WITH_ERRORS[0])
    assert first[0] == [name]
    assert first[1] == [SCIENCE]  # the department named in the file's name
    assert first[2] == ["有错误"]
    assert first[3] == [str(engine.errors)]
    top = " ".join(first[5])
    worst = next(f for f in engine.findings if f.severity.value == "error")
    assert top.startswith(f"错误 第 {worst.location.line} 行")
    item = batch.items.get(position=1)
    assert reverse("audit:batch_item", args=[batch.pk, item.pk]) in rows[0]
    assert "共 2 份报告" in html and "导出 Excel" in html


@pytest.mark.django_db
def test_the_full_findings_page_lists_every_finding(
    login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login("dept-admin")
    batch = _batch(_upload(client, [_real(WITH_ERRORS[1])], django_capture_on_commit_callbacks))
    item = batch.items.get()
    page = client.get(reverse("audit:batch_item", args=[batch.pk, item.pk])).content.decode()
    engine = audit_file(REAL / WITH_ERRORS[1])
    body = page.split('id="item-findings"')[1]
    assert body.count("<tr>") == 1 + len(engine.findings)  # the header and each finding
    for finding in engine.findings:
        assert finding.message.replace("“", "&ldquo;")[:10] in page or finding.message[:10] in page


#: file name, bytes → the reason the table gives (a part of it).
UNREADABLE = [
    ("截图.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "内容不是 .pdf 文件"),
    ("改名的.docx", b"%PDF-1.7\n" + b"x" * 64, "内容不是 .docx 文件"),
    ("名为文本.txt", b"PK\x03\x04" + b"\0" * 64, "内容不是文本"),
    ("空报告.txt", b"", "空文件"),
    ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "另存为 .docx"),
    ("表格.xlsx", b"PK\x03\x04" + b"\0" * 64, "不是可审核的报告格式"),
    ("程序.exe", b"MZ\x90\x00" + b"\0" * 64, "不是可审核的报告格式"),
    ("损坏.docx", b"PK\x03\x04" + b"broken" * 20, "Word 文件"),
    ("繁体.txt", "財政預算執行情況報告，總額一百萬元。".encode("big5"), "繁体"),
]


@pytest.mark.django_db
def test_unreadable_files_are_rows_with_a_chinese_reason(
    login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login("bureau-admin")
    uploads = [SimpleUploadedFile(n, data) for n, data, _ in UNREADABLE]
    batch = _batch(_upload(client, [*uploads, _real(CLEAN)], django_capture_on_commit_callbacks))
    batch.refresh_from_db()
    assert batch.status == "done" and batch.done == batch.total == len(UNREADABLE) + 1
    items = list(batch.items.all())
    for item, (name, _, reason) in zip(items, UNREADABLE, strict=False):
        assert item.name == name
        assert item.status == "unreadable", name
        assert reason in item.problem, (name, item.problem)
    assert items[-1].status == "done"
    html = client.get(reverse("audit:batch", args=[batch.pk])).content.decode()
    assert f'其中 <span class="sev-error">{len(UNREADABLE)} 份无法读取</span>' in html
    for _, _, reason in UNREADABLE:
        assert reason in html


@pytest.mark.django_db
def test_the_excel_is_the_engines_summary_with_departments(
    login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login("dept-admin")
    uploads = [_real(WITH_ERRORS[0]), _real(CLEAN), SimpleUploadedFile("坏.pdf", b"not a pdf")]
    batch = _batch(_upload(client, uploads, django_capture_on_commit_callbacks))
    response = client.get(reverse("audit:batch_export", args=[batch.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    assert summary[0] == [
        "报告",
        "部门",
        "状态",
        "数据陈述",
        "已核对",
        "错误",
        "警告",
        "截尾",
        "提示",
    ]
    engine = audit_file(REAL / WITH_ERRORS[0])
    assert summary[1][:3] == [WITH_ERRORS[0], SCIENCE, engine_status_of(engine)]
    assert summary[1][5] == engine.errors
    assert summary[3][0] == "坏.pdf" and summary[3][2].startswith("无法读取：内容不是 .pdf")
    problems = list(book["问题"].iter_rows(min_row=2, values_only=True))
    assert len(problems) == len(engine.findings) + len(audit_file(REAL / CLEAN).findings)
    assert {p[1] for p in problems} == {SCIENCE}


def engine_status_of(result: Any) -> str:
    from jixiao.audit.batch import FileAudit

    return engine_status(FileAudit(Path("x"), result))


# --------------------------------------------------------------------------- limits


@pytest.mark.django_db
def test_too_many_files_is_one_message_and_no_batch(login: Any, settings: Any) -> None:
    from jixiao_web.audit import batch as service
    from jixiao_web.audit.models import BatchAudit

    client = login("bureau-admin")
    files = [SimpleUploadedFile(f"{n}.txt", b"x") for n in range(service.MAX_FILES + 1)]
    response = client.post(reverse("audit:batch_upload"), {"reports": files})
    assert response.status_code == 422
    assert f"一次最多审核 {service.MAX_FILES} 份报告" in response.content.decode()
    assert not BatchAudit.objects.exists()
    # More than Django's own count limit: still a Chinese message, not a 400 page.
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [SimpleUploadedFile(f"{n}.txt", b"x") for n in range(5)]
    response = client.post(reverse("audit:batch_upload"), {"reports": files})
    assert response.status_code == 422 and "一次最多审核" in response.content.decode()


@pytest.mark.django_db
def test_too_large_in_total_or_per_file(
    login: Any, settings: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from jixiao_web.audit import batch as service
    from jixiao_web.audit.models import BatchAudit

    client = login("bureau-admin")
    monkeypatch.setattr(service, "MAX_TOTAL_BYTES", 2048)
    files = [_real(WITH_ERRORS[1]), _real(CLEAN)]  # 4–6 KB together
    response = client.post(reverse("audit:batch_upload"), {"reports": files})
    assert response.status_code == 422 and "超过一次审核的上限" in response.content.decode()
    assert not BatchAudit.objects.exists()
    monkeypatch.setattr(service, "MAX_TOTAL_BYTES", 200 * 1048576)
    settings.MAX_UPLOAD_BYTES = 1024
    batch = _batch(_upload(client, [_real(WITH_ERRORS[1])], django_capture_on_commit_callbacks))
    item = batch.items.get()
    assert (
        item.status == "unreadable" and "过大（" in item.problem and "上限 1 KB）" in item.problem
    )


@pytest.mark.django_db
def test_no_file_is_a_message(login: Any) -> None:
    response = login("dept-admin").post(reverse("audit:batch_upload"), {})
    assert response.status_code == 422
    assert "请选择要审核的报告文件" in response.content.decode()


# --------------------------------------------------------------------------- progress


@pytest.mark.django_db
def test_progress_is_polled_until_done(login: Any) -> None:
    """Before the worker runs: 排队中, 已审核 0 / N 份, htmx polls; after: the table."""
    from jixiao_web.audit.batch import run_batch

    client = login("bureau-admin")
    response = client.post(
        reverse("audit:batch_upload"),
        {"reports": [_real(CLEAN), SimpleUploadedFile("x.exe", b"MZ")]},
    )
    batch = _batch(response)  # the task was not run: on_commit callbacks are not captured
    url = reverse("audit:batch", args=[batch.pk])
    waiting = client.get(url).content.decode()
    assert "已审核 1 / 2 份" in waiting  # the refused file counts as done at once
    assert f'hx-get="{url}"' in waiting and 'hx-trigger="every 1s"' in waiting
    assert 'id="batch-table"' not in waiting
    assert run_batch.call(batch.pk) == "done"
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith(f'<div id="batch-{batch.pk}"')
    assert "hx-get" not in fragment and 'id="batch-table"' in fragment
    assert run_batch.call(batch.pk) == "done"  # a second run changes nothing


# --------------------------------------------------------------------------- generated reports


@pytest.mark.django_db
def test_generated_reports_of_a_year(
    login: Any, science: Any, synthetic: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The 科技厅's newest generated report (Word) is audited; a dataset of the year without
    one is a row saying so. As 财政: the whole region; as the 财务处: its department only."""
    from jixiao_web.evaluation.reports import generate_reports, request_reports

    job = request_reports(science, None, ["docx"], [])
    generate_reports.call(job.pk)
    report = job.files.get()
    client = login("bureau-admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:batch_reports"), {"year": str(science.year)})
    batch = _batch(response)
    batch.refresh_from_db()
    assert batch.status == "done" and batch.source == "reports" and batch.year == science.year
    items = {i.owner: i for i in batch.items.all()}
    item = items[SCIENCE]
    assert item.report_file_id == report.pk and item.name == report.filename
    assert item.status == "done" and item.claims > 0
    expected = {d.department.name for d in (science, synthetic) if d.year == science.year}
    assert set(items) == expected
    for owner, other in items.items():
        if owner != SCIENCE:
            assert other.status == "unreadable" and "尚未生成" in other.problem
    # The department's own batch holds only its own dataset.
    client = login("dept-admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:batch_reports"), {"year": str(science.year)})
    assert [i.owner for i in _batch(response).items.all()] == [SCIENCE]


@pytest.mark.django_db
def test_a_year_without_datasets_is_a_message(login: Any) -> None:
    response = login("bureau-admin").post(reverse("audit:batch_reports"), {"year": "1999"})
    assert response.status_code == 422 and "没有 1999 年度的数据集" in response.content.decode()
    response = login("bureau-admin").post(reverse("audit:batch_reports"), {"year": "abc"})
    assert response.status_code == 422 and "请选择年度" in response.content.decode()


# --------------------------------------------------------------------------- who may

# The shared personas less the second unit clerk: this matrix's columns are one per role.
PERSONAS = tuple(p for p in ALL_PERSONAS if p != "unit-clerk-2")

#: view → status per persona (anonymous first). "region batch": made by 财政 for the whole
#: region; "department batch": made by the 科技厅's 财务处; "other batch": made by the
#: 财务处 of another department of the same region (合成示范厅). A batch outside one's scope
#: is a 404 (its existence is not revealed); a role without batch audit at all is a 403.
#: "reports" takes the generated 自评报告 of 2023: the outsider's department has no dataset
#: of that year (422, a message).
MATRIX = """
view                    anon bureau-admin bureau-reviewer dept-admin division unit-clerk evaluator outsider
page                    302  200          200             200        403      403        403       200
upload                  302  302          302             302        403      403        403       302
reports                 302  302          302             302        403      403        403       422
region-batch            302  200          200             404        404      404        404       404
region-item             302  200          200             404        404      404        404       404
region-export           302  200          200             404        404      404        404       404
department-batch        302  200          200             200        404      404        404       404
department-item         302  200          200             200        404      404        404       404
department-export       302  200          200             200        404      404        404       404
other-batch             302  200          200             404        404      404        404       404
other-item              302  200          200             404        404      404        404       404
other-export            302  200          200             404        404      404        404       404
missing-batch           302  404          404             404        404      404        404       404
"""


def _matrix() -> list[tuple[str, str, int]]:
    lines = MATRIX.strip().splitlines()
    header = lines[0].split()[1:]
    cases = []
    for line in lines[1:]:
        view, *codes = line.split()
        cases += [(view, persona, int(code)) for persona, code in zip(header, codes, strict=True)]
    return cases


@pytest.fixture
def batches(db: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """A region batch (by bureau-admin), a department batch (by dept-admin) and another
    department's (by the 合成示范厅's administrator, made for this test), audited."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from jixiao_web.orgs.demo import SYNTHETIC_NAME
    from jixiao_web.orgs.models import Department, Membership, Role

    other = Department.objects.get(name=SYNTHETIC_NAME)
    other_admin = get_user_model().objects.create_user("synthetic-admin")
    Membership.objects.create(
        user=other_admin, role=Role.DEPT_ADMIN, region_id=other.region_id, department=other
    )
    made = {}
    for key, username in (
        ("region", "bureau-admin"),
        ("department", "dept-admin"),
        ("other", "synthetic-admin"),
    ):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        made[key] = _batch(_upload(client, [_real(CLEAN)], django_capture_on_commit_callbacks))
    assert made["region"].department_id is None
    assert made["department"].department_id != made["other"].department_id == other.pk
    return made


@pytest.mark.django_db
@pytest.mark.parametrize(("view", "persona", "expected"), _matrix())
def test_permissions(
    client: Any, batches: dict[str, Any], view: str, persona: str, expected: int
) -> None:
    from django.contrib.auth import get_user_model

    if persona != "anon":
        client.force_login(get_user_model().objects.get(username=persona))
    if view == "page":
        response = client.get(reverse("audit:batches"))
    elif view == "upload":
        response = client.post(reverse("audit:batch_upload"), {"reports": [_real(CLEAN)]})
    elif view == "reports":
        response = client.post(reverse("audit:batch_reports"), {"year": "2023"})
    elif view == "missing-batch":
        response = client.get(reverse("audit:batch", args=[999999]))
    else:
        which, what = view.split("-")
        batch = batches[which]
        if what == "batch":
            response = client.get(reverse("audit:batch", args=[batch.pk]))
        elif what == "item":
            item = batch.items.get()
            response = client.get(reverse("audit:batch_item", args=[batch.pk, item.pk]))
        else:
            response = client.get(reverse("audit:batch_export", args=[batch.pk]))
    assert response.status_code == expected, (view, persona)


@pytest.mark.django_db
def test_a_department_cannot_choose_the_regions_scope(login: Any, science: Any) -> None:
    from jixiao_web.audit.models import BatchAudit

    client = login("dept-admin")
    forged = {"scope": f"r{science.region_id}", "reports": [_real(CLEAN)]}
    assert client.post(reverse("audit:batch_upload"), forged).status_code == 403
    forged = {"scope": f"r{science.region_id}", "year": str(science.year)}
    assert client.post(reverse("audit:batch_reports"), forged).status_code == 403
    assert not BatchAudit.objects.exists()


@pytest.mark.django_db
def test_an_item_of_another_batch_is_not_found(login: Any, batches: dict[str, Any]) -> None:
    other = batches["department"].items.get()
    url = reverse("audit:batch_item", args=[batches["region"].pk, other.pk])
    assert login("bureau-admin").get(url).status_code == 404


@pytest.mark.django_db
def test_the_batch_list_shows_only_ones_own(login: Any, batches: dict[str, Any]) -> None:
    bureau = login("bureau-admin").get(reverse("audit:batches")).context["page"]
    assert {b.pk for b in bureau} == {b.pk for b in batches.values()}  # the region's three
    department = login("dept-admin").get(reverse("audit:batches")).context["page"]
    assert [b.pk for b in department] == [batches["department"].pk]
    assert list(login("outsider").get(reverse("audit:batches")).context["page"]) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "shown"), [("bureau-admin", True), ("division", False)])
def test_the_region_dashboard_links_to_batch_audit(
    login: Any, persona: str, shown: bool, science: Any
) -> None:
    page = login(persona).get(reverse("audit:report_audit", args=[science.pk])).content.decode()
    assert (reverse("audit:batches") in page) is shown
    if shown:
        region = login(persona).get(reverse("region:dashboard")).content.decode()
        assert reverse("audit:batches") in region


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "shown"),
    [("bureau-admin", True), ("dept-admin", True), ("bureau-reviewer", False), ("division", False)],
)
def test_the_dataset_page_links_to_its_publish_page(
    login: Any, science: Any, persona: str, shown: bool
) -> None:
    page = login(persona).get(reverse("datasets:detail", args=[science.pk])).content.decode()
    assert (reverse("disclosure:manage", args=[science.pk]) in page) is shown


# The rules themselves, as a table: who may batch-audit where (orgs/access.py decides).
SCOPES = [
    ("bureau-admin", ["广东省（全部部门）"]),
    ("bureau-reviewer", ["广东省（全部部门）"]),
    ("dept-admin", ["广东省科学技术厅"]),
    ("division", []),
    ("unit-clerk", []),
    ("evaluator", []),
    ("outsider", ["北京市某局"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "labels"), SCOPES)
def test_batch_scopes_are_decided_in_access(persona: str, labels: list[str]) -> None:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    from jixiao_web.orgs.access import Access, batch_scope, batch_scopes, require_batch_scopes

    access = Access.of(get_user_model().objects.get(username=persona))
    assert [s.label for s in batch_scopes(access)] == labels
    if not labels:
        with pytest.raises(PermissionDenied, match="只有财政部门和主管部门管理员"):
            require_batch_scopes(access)
        return
    assert batch_scope(access, "").label == labels[0]
    with pytest.raises(PermissionDenied, match="您不能在该范围内批量审核报告"):
        batch_scope(access, "r999999")


@pytest.mark.django_db
def test_a_report_without_figures_is_not_called_clean_in_the_table(
    login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """主要问题 said “未发现问题” of a file with no figure in it: nothing was checked."""
    client = login("bureau-admin")
    text = SimpleUploadedFile("说明.txt", "本单位认真贯彻落实各项工作部署。".encode(), "text/plain")
    batch = _batch(_upload(client, [text], django_capture_on_commit_callbacks))
    page = client.get(reverse("audit:batch", args=[batch.pk])).content.decode()
    row = page.split("说明.txt", 1)[1].split("</tr>", 1)[0]
    assert "没有识别到数字陈述" in row, row
