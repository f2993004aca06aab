"""The dataset online: upload with every error at its cell, edit a row with the engine's
messages, conflicts, ownership, history."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from jixiao_web.datasets.models import ROW_MODELS

pytestmark = pytest.mark.django_db


def _workbook(client: Any, dataset: Any, tmp_path: Path) -> Path:
    response = client.get(reverse("datasets:download", args=[dataset.pk, "xlsx"]))
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    path = tmp_path / "downloaded.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def _upload(client: Any, dataset: Any, path: Path, name: str = "填报.xlsx") -> Any:
    return client.post(
        reverse("datasets:upload", args=[dataset.pk]),
        {"workbook": SimpleUploadedFile(name, path.read_bytes())},
    )


def test_upload_lists_every_error_with_its_cell_and_saves_nothing(
    login: Any, science: Any, tmp_path: Path
) -> None:
    client = login("dept-admin")
    path = _workbook(client, science, tmp_path)
    book = load_workbook(path)
    book["收入"]["D2"] = "一百万"  # 年初预算数 is not a number
    book["预算单位"]["C2"] = "机关"  # not a 单位性质
    book.save(path)
    before = science.version
    response = _upload(client, science, path)
    html = response.content.decode()
    assert response.status_code == 422
    assert "收入!D2" in html and "“一百万”不是有效金额" in html
    assert "预算单位!C2" in html and "不是有效的单位性质" in html
    assert "填报.xlsx" in html and "downloaded" not in html and "/tmp" not in html
    science.refresh_from_db()
    assert science.version == before


def test_upload_of_a_changed_workbook_records_exactly_the_change(
    login: Any, science: Any, tmp_path: Path
) -> None:
    client = login("dept-admin")
    path = _workbook(client, science, tmp_path)
    book = load_workbook(path)
    old = book["收入"]["E2"].value
    book["收入"]["E2"] = 123.45  # 决算数
    book.save(path)
    response = _upload(client, science, path)
    assert response.status_code == 200
    assert "共 1 行有变化" in response.content.decode()
    row = ROW_MODELS["income"].objects.get(dataset=science, position=0)
    assert row.final == Decimal("123.45")
    history = client.get(reverse("audit:dataset_history", args=[science.pk])).content.decode()
    assert "123.45" in history and str(old) in history and "上传“填报.xlsx”" in history


def test_upload_of_another_department_is_refused(
    login: Any, synthetic: Any, tmp_path: Path
) -> None:
    client = login("bureau-admin")
    path = _workbook(client, synthetic, tmp_path)
    client = login("dept-admin")
    from jixiao_web.datasets.models import Dataset

    science = Dataset.objects.get(department__name="广东省科学技术厅")
    response = _upload(client, science, path)
    assert response.status_code == 422
    assert "基本信息!B2" in response.content.decode()
    assert "与本数据集的部门“广东省科学技术厅”不一致" in response.content.decode()


def test_edit_a_row_shows_the_engines_message_at_the_field(login: Any, science: Any) -> None:
    client = login("dept-admin")
    row = ROW_MODELS["income"].objects.filter(dataset=science).first()
    url = reverse("datasets:row_edit", args=[science.pk, "income", row.pk])
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "version": row.version,
        "unit": "",
        "item": row.item,
        "budget": "abc",
        "adjusted": "",
        "final": "-5",
        "prior": "",
        "note": "",
    }
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "“abc”不是有效金额" in html and "年初预算数不能为负数" not in html
    assert "决算数不能为负数" in html
    row.refresh_from_db()
    assert row.budget is not None and row.version == 1


def test_edit_saves_and_records_old_and_new(login: Any, science: Any) -> None:
    client = login("dept-admin")
    row = ROW_MODELS["income"].objects.filter(dataset=science).first()
    url = reverse("datasets:row_edit", args=[science.pk, "income", row.pk])
    data = {
        "version": row.version,
        "unit": "",
        "item": row.item,
        "budget": "100.10",
        "adjusted": "",
        "final": "99",
        "prior": "",
        "note": "测试",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert str(row.budget) == "100.10" and str(row.final) == "99.00" and row.version == 2
    history = client.get(
        reverse("datasets:row_history", args=[science.pk, "income", row.pk])
    ).content.decode()
    assert "100.10" in history and "测试" in history and "修改" in history


def test_a_stale_edit_is_a_conflict_showing_what_changed(login: Any, science: Any) -> None:
    client = login("dept-admin")
    row = ROW_MODELS["income"].objects.filter(dataset=science).first()
    url = reverse("datasets:row_edit", args=[science.pk, "income", row.pk])
    base = {
        "unit": "",
        "item": row.item,
        "budget": "1.00",
        "adjusted": "",
        "final": "2.00",
        "prior": "",
        "note": "",
    }
    first = client.post(url, {**base, "version": "1", "note": "甲的说明"})
    assert first.status_code == 302
    second = client.post(url, {**base, "version": "1", "note": "乙的说明"})
    assert second.status_code == 409
    html = second.content.decode()
    assert "该行已被他人修改" in html and "甲的说明" in html
    row.refresh_from_db()
    assert row.note == "甲的说明"


def test_clerk_adds_rows_only_for_its_unit(login: Any, science: Any) -> None:
    client = login("unit-clerk")
    url = reverse("datasets:row_new", args=[science.pk, "income"])
    data = {
        "unit": "",
        "item": "财政拨款收入",
        "budget": "10",
        "adjusted": "",
        "final": "9",
        "prior": "",
        "note": "",
    }
    data["item"] = ROW_MODELS["income"].objects.filter(dataset=science).first().item
    ok = client.post(url, data)
    assert ok.status_code == 302, ok.content.decode()[:2000]
    row = ROW_MODELS["income"].objects.filter(dataset=science).order_by("-position").first()
    assert row.unit == "163001" and row.unit_code == "163001"
    other_unit = ROW_MODELS["units"].objects.filter(dataset=science).order_by("position")[1].code
    refused = client.post(url, {**data, "unit": other_unit})
    assert refused.status_code == 422  # the form again, the message beside 单位编码
    assert "只能填报本单位（163001）的数据" in refused.content.decode()
    assert not ROW_MODELS["income"].objects.filter(dataset=science, unit=other_unit).exists()
    # The other clerk does not see the row at all.
    client2 = login("unit-clerk-2")
    table = client2.get(reverse("datasets:table", args=[science.pk, "income"])).content.decode()
    assert f'id="row-{row.pk}"' not in table
    assert (
        client2.get(reverse("datasets:row_edit", args=[science.pk, "income", row.pk])).status_code
        == 404
    )


def test_table_search_sort_and_pages(login: Any, science: Any) -> None:
    client = login("bureau-reviewer")
    url = reverse("datasets:table", args=[science.pk, "indicators"])
    everything = client.get(url).content.decode()
    found = client.get(url, {"q": "满意度"}).content.decode()
    assert found.count('id="row-') < everything.count('id="row-')
    assert "满意度" in found
    ordered = client.get(url, {"sort": "-target"})
    assert ordered.status_code == 200


def test_the_downloaded_workbook_asks_for_the_audit_fields_on_the_optional_sheet(
    login: Any, science: Any, tmp_path: Path
) -> None:
    """Issue 10 item 7: the 声明 fields sit on the optional 声明数 sheet (last, explained in
    plain words), not on 基本信息/自评结论; the workbook uploads back unchanged."""
    client = login("dept-admin")
    path = _workbook(client, science, tmp_path)
    book = load_workbook(path)
    visible = [n for n in book.sheetnames if book[n].sheet_state == "visible"]
    assert visible[-1] == "声明数"
    forms = {r[0].value for name in ("基本信息", "自评结论") for r in book[name].iter_rows()}
    assert not forms & {"预算单位数量（声明）", "自评总分（声明）", "自评等级（声明）"}
    optional = book["声明数"]
    assert "只在审核已发布的报告时填写，可留空" in optional["A1"].value
    stated = {r[0].value: r[1].value for r in optional.iter_rows() if r[0].value}
    assert stated["预算单位数量（声明）"] == 10
    assert stated["自评总分（声明）"] == 89.56 and stated["自评等级（声明）"] == "优秀"
    response = _upload(client, science, path)
    assert response.status_code == 200
    assert "与现有数据相同，没有变化" in response.content.decode()
