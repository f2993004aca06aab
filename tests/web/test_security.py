"""Login, throttling, CSRF, headers, uploads that must be refused, error pages in Chinese."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_and_login(client: Any) -> None:
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert "登录" in page.content.decode()
    response = client.post("/accounts/login/", {"username": "dept-admin", "password": "demo"})
    assert response.status_code == 302
    assert "广东省科学技术厅" in client.get("/").content.decode()


def test_login_is_paused_after_repeated_failures(client: Any, caplog: Any) -> None:
    caplog.set_level(logging.INFO)
    for _ in range(5):
        failed = client.post("/accounts/login/", {"username": "division", "password": "wrong"})
        assert "用户名或密码不正确" in failed.content.decode()
    # Now even the right password is refused for a while, with a message saying so.
    paused = client.post("/accounts/login/", {"username": "division", "password": "demo"})
    assert paused.status_code == 200
    assert "登录失败次数过多" in paused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another user from the same address is not affected.
    other = client.post("/accounts/login/", {"username": "unit-clerk", "password": "demo"})
    assert other.status_code == 302
    # No personal data in the logs: neither the user name nor the password.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "division" not in logged and "wrong" not in logged


def test_csrf_is_enforced() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "dept-admin", "password": "demo"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_security_headers(login: Any) -> None:
    client = login("dept-admin")
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_use_no_outside_address(login: Any, science: Any) -> None:
    """No CDN: every script and stylesheet comes from this site."""
    client = login("dept-admin")
    html = client.get(reverse("datasets:detail", args=[science.pk])).content.decode()
    assert "http://" not in html and "https://" not in html
    assert "/static/jixiao/vendor/htmx-2.0.11.min.js" in html


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("报表.docx", b"PK\x03\x04 not a workbook", 415, "不是可上传的文件类型"),
        ("../../etc/passwd", b"root:x:0:0", 415, "不是可上传的文件类型"),
        ("坏文件.xlsx", b"this is not a zip file", 422, "未导入任何数据"),
    ],
)
def test_bad_uploads_are_refused_in_chinese(
    login: Any, science: Any, name: str, content: bytes, status: int, message: str
) -> None:
    client = login("dept-admin")
    before = science.version
    response = client.post(
        reverse("datasets:upload", args=[science.pk]),
        {"workbook": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == status
    assert message in response.content.decode()
    science.refresh_from_db()
    assert science.version == before


def test_too_large_upload_is_refused(login: Any, science: Any, settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 1000
    client = login("dept-admin")
    response = client.post(
        reverse("datasets:upload", args=[science.pk]),
        {"workbook": SimpleUploadedFile("大.xlsx", b"x" * 2000)},
    )
    assert response.status_code == 413
    assert "不能上传" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/datasets/99999999999999999999999/",
        "/datasets/1/tables/../../etc/",
        "/datasets/1/download.exe",
        "/datasets/1/tables/income/abc/",
        "/no/such/page/",
    ],
)
def test_bad_addresses_get_a_chinese_page_not_a_server_error(login: Any, url: str) -> None:
    client = login("dept-admin")
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert "页面不存在" in response.content.decode() or "请求有误" in response.content.decode()
