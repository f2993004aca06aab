"""The REST API: tokens (hashed, revocable), scopes through orgs/access.py, documented errors."""

from __future__ import annotations

import json
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _token(username: str) -> str:
    from django.contrib.auth import get_user_model

    from jixiao_web.api import tokens

    _row, token = tokens.create(get_user_model().objects.get(username=username), "测试")
    return token


def _get(client: Any, url: str, token: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(url, **headers)


def test_tokens_are_stored_hashed_and_shown_once(client: Any, login: Any) -> None:
    from jixiao_web.api.models import ApiToken

    login("dept-admin")
    page = client.post("/account/api-tokens/", {"name": "一体化平台对接"}).content.decode()
    token = page.split('<code class="token">')[1].split("</code>")[0]
    assert token.startswith("jx_") and len(token) > 40
    row = ApiToken.objects.get(name="一体化平台对接")
    assert token not in (row.digest, row.prefix) and row.prefix == token[:10]
    assert token not in client.get("/account/api-tokens/").content.decode()
    client.logout()
    assert _get(client, "/api/datasets", token).status_code == 200
    login("dept-admin")
    client.post("/account/api-tokens/", {"action": "revoke", "token": str(row.pk)})
    client.logout()
    assert _get(client, "/api/datasets", token).status_code == 401


def test_a_user_cannot_revoke_another_users_token(client: Any, login: Any) -> None:
    from jixiao_web.api.models import ApiToken

    token = _token("dept-admin")
    login("division")
    row = ApiToken.objects.get(prefix=token[:10])
    page = client.post(
        "/account/api-tokens/", {"action": "revoke", "token": str(row.pk)}, follow=True
    )
    assert "没有这个令牌" in page.content.decode()
    assert ApiToken.objects.get(pk=row.pk).active


def test_the_manage_command_creates_lists_and_revokes(client: Any) -> None:
    out = StringIO()
    call_command(
        "api_token", "create", "bureau-reviewer", "--name", "脚本", stdout=out, stderr=StringIO()
    )
    token = out.getvalue().strip()
    assert _get(client, "/api/datasets", token).status_code == 200
    listing = StringIO()
    call_command("api_token", "list", "bureau-reviewer", stdout=listing)
    token_id = int(listing.getvalue().split("\t")[0])
    call_command("api_token", "revoke", "bureau-reviewer", str(token_id), stdout=StringIO())
    assert _get(client, "/api/datasets", token).status_code == 401


# Who sees which dataset through the API: the same table as the pages (orgs/access.py).
SCOPES = """
persona          科技厅-list 合成厅-list 科技厅 figures findings 合成厅
bureau-admin     yes         yes         200    200     200      200
bureau-reviewer  yes         yes         200    200     200      200
dept-admin       yes         no          200    200     200      404
division         yes         no          200    200     200      404
unit-clerk       yes         no          200    403     403      404
evaluator        yes         no          200    200     200      404
outsider         no          no          404    404     404      404
"""


def _scopes() -> list[list[str]]:
    return [line.split() for line in SCOPES.strip().splitlines()[1:]]


@pytest.mark.parametrize("row", _scopes(), ids=lambda r: r[0])
def test_the_api_respects_each_personas_scope(
    client: Any, science: Any, synthetic: Any, row: list[str]
) -> None:
    persona, sees_science, sees_synthetic, detail, figures, findings, other = row
    token = _token(persona)
    listed = {d["id"] for d in _get(client, "/api/datasets", token).json()}
    assert (science.pk in listed) is (sees_science == "yes")
    assert (synthetic.pk in listed) is (sees_synthetic == "yes")
    base = f"/api/datasets/{science.pk}"
    assert _get(client, base, token).status_code == int(detail)
    assert _get(client, f"{base}/figures", token).status_code == int(figures)
    assert _get(client, f"{base}/findings", token).status_code == int(findings)
    assert _get(client, f"/api/datasets/{synthetic.pk}", token).status_code == int(other)


def test_figures_carry_the_engines_exact_values(client: Any, science: Any) -> None:
    figures = _get(client, f"/api/datasets/{science.pk}/figures", _token("dept-admin")).json()
    income = next(f for f in figures if f["id"] == "income.final.total")
    assert (income["value"], income["text"], income["unit"]) == ("617056.54", "617,056.54", "万元")


@pytest.mark.parametrize(
    ("url", "token", "status", "message"),
    [
        ("/api/datasets", None, 401, "缺少或无效的 API 令牌"),
        ("/api/datasets", "jx_not-a-real-token", 401, "缺少或无效的 API 令牌"),
        ("/api/datasets/999999", "dept-admin", 404, "数据集不存在"),
        ("/api/datasets/0", "dept-admin", 422, "请求参数有误"),
        ("/api/datasets/abc", "dept-admin", 422, "请求参数有误"),
        ("/api/public/publications/999999", None, 404, "没有公开这个部门和年度的信息"),
        ("/api/public/publications?year=abc", None, 422, "请求参数有误"),
    ],
)
def test_errors_answer_in_chinese(
    client: Any, url: str, token: str | None, status: int, message: str
) -> None:
    if token and not token.startswith("jx_"):
        token = _token(token)
    response = _get(client, url, token)
    assert response.status_code == status
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/api/datasets/abc", "路径参数 dataset_id：应为整数"),
        ("/api/datasets/0", "路径参数 dataset_id：不得小于 1"),
        ("/api/datasets/99999999999", "路径参数 dataset_id：不得大于 2147483647"),
        ("/api/public/publications?year=abc", "查询参数 year：应为整数"),
        ("/api/public/publications?year=1800", "查询参数 year：不得小于 1949"),
        ("/api/datasets/1/findings?limit=0", "查询参数 limit：不得小于 1"),
        (
            "/api/datasets/1/findings?severity=x",
            "查询参数 severity：应为 error、warning、rounding、info 之一",
        ),
    ],
)
def test_a_bad_parameter_is_named_and_explained_in_chinese(
    client: Any, url: str, says: str
) -> None:
    """The 422's ``detail`` and each error's ``msg`` are Chinese, not pydantic's English."""
    token = None if url.startswith("/api/public") else _token("dept-admin")
    response = _get(client, url, token)
    assert response.status_code == 422
    answer = response.json()
    assert answer["detail"] == f"请求参数有误：{says}"
    for error in answer["errors"]:
        assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", error["msg"]), error


def test_an_unknown_severity_is_refused_not_an_empty_list(client: Any, science: Any) -> None:
    """``severity=errors`` (a typo) must not answer ``[]`` as if there were no errors."""
    token = _token("dept-admin")
    base = f"/api/datasets/{science.pk}/findings"
    errors = _get(client, f"{base}?severity=error", token).json()
    assert errors and {f["severity"] for f in errors} == {"error"}
    response = _get(client, f"{base}?severity=errors", token)
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "请求参数有误：查询参数 severity：应为 error、warning、rounding、info 之一"
    )


def test_the_unit_clerk_is_refused_findings_in_chinese(client: Any, science: Any) -> None:
    response = _get(client, f"/api/datasets/{science.pk}/findings", _token("unit-clerk"))
    assert response.status_code == 403 and "您的角色不能" in response.json()["detail"]


def test_the_openapi_document_lists_every_refusal(client: Any) -> None:
    document = client.get("/api/openapi.json").json()
    for path, operations in document["paths"].items():
        for operation in operations.values():
            codes = set(operation["responses"])
            expected = {"200", "400", "404", "422"}
            if path.startswith("/api/datasets"):
                expected |= {"401", "403"}
            assert expected <= codes, (path, codes)


def test_the_api_docs_lead_back_to_the_system(client: Any) -> None:
    """/api/docs (Swagger UI, no site header) links back to the site and the token page."""
    description = client.get("/api/openapi.json").json()["info"]["description"]
    for link in ("](/)", "](/account/api-tokens/)", "](/public/)"):
        assert link in description, description


def test_public_endpoints_need_no_token(client: Any, science: Any) -> None:
    listing = client.get("/api/public/publications").json()
    assert [(p["department"], p["year"], p["total_score"]) for p in listing] == [
        ("广东省科学技术厅", 2023, "89.56")
    ]
    detail = client.get(f"/api/public/publications/{listing[0]['id']}").json()
    assert detail["scorecard"][0]["name"] == "履职效能"
    assert len(detail["targets"]) == 12
    assert client.get("/api/public/publications?year=2022").json() == []


def test_swagger_ui_is_served_from_the_site(client: Any) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    text = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in text and "cdn" not in text.lower()
    json.loads(client.get("/api/openapi.json").content)


@pytest.mark.parametrize(
    ("url", "token", "chinese"),
    [
        ("/api/openapi.json", None, "预算绩效管理信息系统 API"),
        ("/api/openapi.json", None, "已公开的部门与年度"),
        ("/api/public/publications", None, "广东省科学技术厅"),
        ("/api/datasets", "dept-admin", "广东省科学技术厅"),
        ("/api/datasets/999999", "dept-admin", "数据集不存在"),
        ("/api/datasets", None, "缺少或无效的 API 令牌"),
    ],
)
def test_json_carries_chinese_as_utf8_not_escapes(
    client: Any, url: str, token: str | None, chinese: str
) -> None:
    """The body holds the characters themselves (UTF-8), not ``\\u5e7f…`` escapes."""
    response = _get(client, url, _token(token) if token else None)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert chinese.encode("utf-8") in response.content
    assert b"\\u" not in response.content
    json.loads(response.content.decode("utf-8"))
