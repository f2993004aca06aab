"""The REST API at ``/api/`` (django-ninja): read-only public data and token-protected data.

- ``/api/public/…``: what has been published (:mod:`jixiao_web.disclosure`), no login;
- ``/api/datasets/…``: a user's datasets, figures and findings, with an API token
  (``Authorization: Bearer jx_…``, made on 「API 令牌」 or by ``jixiao manage api_token``),
  limited by :mod:`jixiao_web.orgs.access` exactly like the pages.

Every operation documents its refusals (400/401/403/404/422, each with a Chinese
``detail``): django-ninja leaves undocumented status codes out of the OpenAPI document
(vitalik/django-ninja#1323), which schemathesis reports, so :data:`ERRORS` is added to
every ``response=``. Identifiers are bounded (1 … 2³¹−1) so a huge number is a 422, not a
database overflow. Every answer, the OpenAPI document included, is UTF-8 JSON with the
Chinese as is (:class:`ChineseJSONRenderer`).
"""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import ABS_TPL_PATH, Swagger
from ninja.params import functions as param
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from jixiao_web.api import tokens
from jixiao_web.api.schemas import (
    DatasetDetailOut,
    DatasetOut,
    Error,
    FigureOut,
    FindingOut,
    PublicationDetailOut,
    PublicationOut,
    ValidationErrorOut,
)
from jixiao_web.disclosure.models import Publication
from jixiao_web.disclosure.services import published
from jixiao_web.evaluation.models import Evaluation, StoredFinding
from jixiao_web.evaluation.services import latest
from jixiao_web.orgs.access import Access, Action

MAX_ID = 2**31 - 1

#: The refusals every operation may answer (documented so clients and schemathesis know).
ERRORS: dict[int, Any] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    422: ValidationErrorOut,
}
PUBLIC_ERRORS: dict[int, Any] = {400: Error, 404: Error, 422: ValidationErrorOut}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: the token's user, or 401."""

    openapi_description = "API 令牌：在「API 令牌」页面或用 jixiao manage api_token create 生成"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return tokens.user_for(token)


class ChineseJSONRenderer(JSONRenderer):
    """JSON as UTF-8 text: Chinese stays readable (``"部门"``, not ``"\\u90e8\\u95e8"``)."""

    json_dumps_params = {"ensure_ascii": False}


def openapi_document(request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
    """The OpenAPI document through the API's own renderer (UTF-8, Chinese as is).

    django-ninja serves it with a plain ``JsonResponse`` (``ensure_ascii`` on, so every
    summary and description came out as ``\\u5e7f…``); only the rendering differs here."""
    schema = api.get_openapi_schema(path_params=kwargs)
    return api.create_response(request, schema, status=200)


class ChineseNinjaAPI(NinjaAPI):
    """django-ninja's API whose ``openapi.json`` is rendered like every other answer."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        return [self._utf8_document(p) for p in patterns], app_name, namespace

    def _utf8_document(self, pattern: URLResolver | URLPattern) -> URLResolver | URLPattern:
        if not isinstance(pattern, URLPattern) or pattern.name != "openapi-json":
            return pattern
        return path(str(pattern.pattern), partial(openapi_document, api=self), name=pattern.name)


class LocalSwagger(Swagger):
    """Swagger UI from the site's /static/ninja/ (no CDN). django-ninja renders its local
    template only when "ninja" is an installed app, which the settings avoid for start-up
    (``NINJA_DIR``); its other path renders the file named here as it would the CDN page."""

    template_cdn = str(ABS_TPL_PATH / "swagger.html")


api = ChineseNinjaAPI(
    docs=LocalSwagger(),
    renderer=ChineseJSONRenderer(),
    title="预算绩效管理信息系统 API",
    version="1",
    description=(
        "公开数据（/api/public/，无需登录）与授权数据（/api/datasets/，需 API 令牌，"
        '范围与网页相同）。所有错误均返回 {"detail": "中文说明"}。\n\n'
        "[返回系统](/) · [API 令牌](/account/api-tokens/) · [信息公开](/public/)"
    ),
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "缺少或无效的 API 令牌（Authorization: Bearer jx_…）")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, str(exc) or "没有权限")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    message = str(exc)
    return _error(request, 404, message if message and message != "Not Found" else "不存在")


#: Where a parameter is read (the first part of pydantic's ``loc``), in words.
SOURCES = {"path": "路径参数", "query": "查询参数", "header": "请求头", "body": "请求体"}

#: pydantic's error type → the Chinese message (``{…}`` from the error's ``ctx``).
MESSAGES = {
    "missing": "必须填写",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "greater_than_equal": "不得小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "不得大于 {le}",
    "less_than": "应小于 {lt}",
    "string_too_long": "最多 {max_length} 个字符",
    "string_too_short": "至少 {min_length} 个字符",
    "string_type": "应为文字",
    "literal_error": "应为 {expected} 之一",
    "enum": "应为 {expected} 之一",
}


def _chinese(error: dict[str, Any]) -> str:
    """One pydantic error in Chinese (never pydantic's English ``msg``)."""
    template = MESSAGES.get(str(error.get("type", "")), "取值无效")
    ctx = dict(error.get("ctx", {}))
    if "expected" in ctx:  # pydantic's "'error', 'warning' or 'info'"
        ctx["expected"] = "、".join(re.findall(r"'([^']*)'", str(ctx["expected"])))
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return "取值无效"


def _place(loc: list[str]) -> str:
    """``["query", "year"]`` → ``查询参数 year``."""
    if not loc:
        return "请求"
    source, *rest = loc
    return " ".join([SOURCES.get(source, source), ".".join(rest)]).strip()


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: list[dict[str, Any]] = [
        {
            "loc": [str(part) for part in e.get("loc", ())],
            "msg": _chinese(e),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    places = "；".join(f"{_place(e['loc'])}：{e['msg']}" for e in errors)
    return api.create_response(
        request, {"detail": f"请求参数有误：{places}", "errors": errors}, status=422
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc) if exc.status_code != 400 else "请求格式有误")


# --------------------------------------------------------------------------- public

public = Router(tags=["公开数据"])


def _publication_out(p: Publication) -> dict[str, Any]:
    return {
        "id": p.pk,
        "region_code": p.region.code,
        "region": p.region.name,
        "department_code": p.department.code,
        "department": p.department.name,
        "year": p.year,
        "total_score": p.total,
        "grade": p.grade,
        "execution_rate": p.execution_rate,
        "published_at": p.published_at,
    }


@public.get(
    "/publications",
    response={200: list[PublicationOut], **PUBLIC_ERRORS},
    summary="已公开的部门与年度",
)
def publications(
    request: HttpRequest, year: Annotated[int | None, param.Query(ge=1949, le=2100)] = None
) -> Any:
    rows = published().order_by("region__code", "department__code", "-year")
    if year is not None:
        rows = rows.filter(year=year)
    return [_publication_out(p) for p in rows]


@public.get(
    "/publications/{publication_id}",
    response={200: PublicationDetailOut, **PUBLIC_ERRORS},
    summary="一个部门一个年度的公开内容：评分表、绩效目标表、预算与决算合计",
)
def publication(
    request: HttpRequest, publication_id: Annotated[int, param.Path(ge=1, le=MAX_ID)]
) -> Any:
    p = published().filter(pk=publication_id).first()
    if p is None:
        raise Http404("没有公开这个部门和年度的信息")
    card = p.content.get("scorecard", {})
    return {
        **_publication_out(p),
        "scorecard_title": card.get("title", ""),
        "scorecard": card.get("rows", []),
        "targets": p.content.get("targets", []),
        "budget": p.content.get("budget", []),
    }


# --------------------------------------------------------------------------- private

datasets = Router(tags=["数据集（需令牌）"], auth=TokenAuth())


def _access(request: HttpRequest) -> Access:
    return Access.of(request.auth)  # type: ignore[attr-defined]


def _dataset_out(access: Access, d: Any) -> dict[str, Any]:
    return {
        "id": d.pk,
        "region_code": d.region.code,
        "department_code": d.department.code,
        "department": d.department.name,
        "year": d.year,
        "version": d.version,
        "actions": sorted(str(a) for a in access.allowed(d)),
    }


def _evaluation_out(e: Evaluation) -> dict[str, Any]:
    return {
        "id": e.pk,
        "dataset_version": e.dataset_version,
        "created_at": e.created_at,
        "framework": e.framework_name,
        "total_score": e.total,
        "grade": e.grade_label or e.grade,
        "errors": e.errors,
        "warnings": e.warnings,
        "infos": e.infos,
    }


@datasets.get("", response={200: list[DatasetOut], **ERRORS}, summary="我能查看的数据集")
def dataset_list(request: HttpRequest) -> Any:
    access = _access(request)
    return [
        _dataset_out(access, d) for d in access.datasets().order_by("department__code", "-year")
    ]


@datasets.get(
    "/{dataset_id}", response={200: DatasetDetailOut, **ERRORS}, summary="一个数据集及其最新评价"
)
def dataset_detail(
    request: HttpRequest, dataset_id: Annotated[int, param.Path(ge=1, le=MAX_ID)]
) -> Any:
    access = _access(request)
    dataset = access.dataset(dataset_id)
    access.require(Action.VIEW, dataset)
    evaluation = latest(dataset) if access.allows(Action.VIEW_ALL, dataset) else None
    return {
        **_dataset_out(access, dataset),
        "evaluation": _evaluation_out(evaluation) if evaluation is not None else None,
    }


def _evaluation_of(request: HttpRequest, dataset_id: int) -> Evaluation:
    access = _access(request)
    dataset = access.dataset(dataset_id)
    access.require(Action.VIEW_ALL, dataset)
    evaluation = latest(dataset)
    if evaluation is None:
        raise Http404("该数据集尚未评价")
    return evaluation


@datasets.get(
    "/{dataset_id}/figures",
    response={200: list[FigureOut], **ERRORS},
    summary="最新评价的全部数字（未舍入的精确值与显示值）",
)
def dataset_figures(
    request: HttpRequest, dataset_id: Annotated[int, param.Path(ge=1, le=MAX_ID)]
) -> Any:
    evaluation = _evaluation_of(request, dataset_id)
    return [
        {
            "id": f.figure_id,
            "label": f.label,
            "value": f.value,
            "text": f.text,
            "unit": f.unit,
            "formula": f.formula,
        }
        for f in evaluation.figures.all()
    ]


@datasets.get(
    "/{dataset_id}/findings",
    response={200: list[FindingOut], **ERRORS},
    summary="最新评价发现的问题",
)
def dataset_findings(
    request: HttpRequest,
    dataset_id: Annotated[int, param.Path(ge=1, le=MAX_ID)],
    severity: Annotated[
        Literal["error", "warning", "rounding", "info"] | None,
        param.Query(description="级别：error 错误、warning 警告、rounding 截尾、info 提示"),
    ] = None,
    limit: Annotated[int, param.Query(ge=1, le=5000)] = 500,
    offset: Annotated[int, param.Query(ge=0, le=MAX_ID)] = 0,
) -> Any:
    evaluation = _evaluation_of(request, dataset_id)
    rows = StoredFinding.objects.filter(evaluation=evaluation).order_by("rank", "position")
    if severity:
        rows = rows.filter(severity=severity)
    return [
        {
            "code": f.code,
            "severity": f.severity,
            "message": f.message,
            "place": f.place,
            "table": f.row_table or f.where_table,
            "unit_code": f.unit_code,
        }
        for f in rows[offset : offset + limit]
    ]


api.add_router("/public", public)
api.add_router("/datasets", datasets)
