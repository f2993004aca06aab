"""Pages of a dataset: overview, tables with search/sort/filter, row edit, upload, downloads.

Views are thin: they get objects through ``request.access`` (404 outside the user's
scope, 403 for an action the role lacks) and write through :mod:`.services`.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from jixiao.dataset.build import DatasetError
from jixiao.dataset.model import AUDIT_TABLE, TABLES, TABLES_BY_KEY, audit_fields
from jixiao.dataset.schema import ColType, TableSpec
from jixiao_web.core.paging import page_of
from jixiao_web.datasets import services
from jixiao_web.datasets.convert import row_place, to_engine
from jixiao_web.datasets.models import ROW_MODELS, Dataset, DatasetRow, Upload
from jixiao_web.datasets.ownership import owning_division
from jixiao_web.orgs.access import Access, Action, unit_keyed
from jixiao_web.orgs.models import Role

PAGE_SIZE = 50
UPLOAD_SUFFIXES = {".xlsx": ".xlsx", ".yaml": ".yaml", ".yml": ".yaml"}


def access_of(request: HttpRequest) -> Access:
    return request.access  # type: ignore[attr-defined, no-any-return]


def spec_or_404(table: str) -> TableSpec:
    spec = TABLES_BY_KEY.get(table)
    if spec is None:
        raise Http404("没有这张表")
    return spec


def _visible_table(access: Access, dataset: Dataset, spec: TableSpec) -> None:
    """A clerk sees only the tables whose rows belong to units."""
    if access.unit_codes(dataset) is not None and not unit_keyed(spec.key):
        raise PermissionDenied("本表是部门的数据，预算单位不能查看")


# --------------------------------------------------------------------------- lists


@login_required
def home(request: HttpRequest) -> HttpResponse:
    access = access_of(request)
    datasets = access.datasets().order_by("department__code", "-year")
    q = request.GET.get("q", "").strip()
    if q:
        datasets = datasets.filter(department__name__icontains=q)
    years = sorted({d.year for d in access.datasets()}, reverse=True)
    year = request.GET.get("year", "")
    if year.isdigit() and int(year) in years:
        datasets = datasets.filter(year=int(year))
    else:
        year = ""
    sort = request.GET.get("sort", "")
    if sort in HOME_SORTS:
        datasets = datasets.order_by(*HOME_SORTS[sort][1])
    else:
        sort = ""
    page = page_of(request, datasets)
    return render(
        request,
        "datasets/home.html",
        {
            "datasets": page.object_list,
            "page": page,
            "q": q,
            "year": year,
            "years": years,
            "sort": sort,
            "sorts": [(k, label) for k, (label, _) in HOME_SORTS.items()],
        },
    )


#: How the home list may be sorted (default: department code, newest year first).
HOME_SORTS: dict[str, tuple[str, list[str]]] = {
    "name": ("按部门名称", ["department__name", "-year"]),
    "year": ("按年度（新到旧）", ["-year", "department__code"]),
    "updated": ("按更新时间（新到旧）", ["-updated_at", "pk"]),
}


@login_required
def dataset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_of(request)
    dataset = access.dataset(pk)
    access.require(Action.VIEW, dataset)
    tables = []
    for spec in TABLES:
        if access.unit_codes(dataset) is not None and not unit_keyed(spec.key):
            continue
        count = access.rows(dataset, ROW_MODELS[spec.key]).count()
        tables.append({"spec": spec, "count": count})
    context = {
        "dataset": dataset,
        "tables": tables,
        "allowed": access.allowed(dataset),
        "units": access.units(dataset),
        "uploads": dataset.uploads.all()[:5] if access.allows(Action.UPLOAD, dataset) else [],
    }
    context.update(_evaluation_context(request, dataset))
    return render(request, "datasets/detail.html", context)


def _evaluation_context(request: HttpRequest, dataset: Dataset) -> dict[str, Any]:
    """The latest stored evaluation, if the evaluation app provides one."""
    from jixiao_web.evaluation.views import summary_context

    return summary_context(access_of(request), dataset)


def _display(column_type: ColType, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None or value == "":
        return (1, "")
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | Decimal):
        return (0, value)
    return (0, str(value))


@login_required
def table_view(request: HttpRequest, pk: int, table: str) -> HttpResponse:
    access = access_of(request)
    dataset = access.dataset(pk)
    spec = spec_or_404(table)
    access.require(Action.VIEW, dataset)
    _visible_table(access, dataset, spec)
    rows = access.rows(dataset, ROW_MODELS[spec.key])
    q = request.GET.get("q", "").strip()
    if q:
        text_columns = [
            c.key
            for c in spec.columns
            if c.type in (ColType.TEXT, ColType.LONGTEXT, ColType.CODE, ColType.CHOICE)
        ]
        condition = Q()
        for key in text_columns:
            condition |= Q(**{f"{key}__icontains": q})
        rows = rows.filter(condition)
    unit = request.GET.get("unit", "").strip()
    if unit:
        rows = rows.filter(unit_code=unit)
    records = list(rows.order_by("position", "pk"))
    keys = [c.key for c in spec.columns]
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") in keys:
        records.sort(
            key=lambda r: _sort_key(getattr(r, sort.lstrip("-"))), reverse=sort.startswith("-")
        )
    paginator = Paginator(records, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    editable = spec.key in access.editable_tables(dataset)
    _units, divisions = services._project_maps(dataset)
    shown = []
    for row in page.object_list:
        values = {c.key: getattr(row, c.key) for c in spec.columns}
        shown.append(
            {
                "row": row,
                "place": row_place(spec, row.position) if not spec.form else spec.sheet,
                "cells": [_display(c.type, values[c.key]) for c in spec.columns],
                "editable": editable
                and access.can_edit_row(
                    dataset,
                    spec.key,
                    row.unit_code,
                    owning_division(spec.key, values, divisions),
                ),
            }
        )
    base = {k: v for k, v in {"q": q, "unit": unit}.items() if v}
    return render(
        request,
        "datasets/table.html",
        {
            "dataset": dataset,
            "spec": spec,
            "columns": spec.columns,
            "rows": shown,
            "page": page,
            "q": q,
            "unit": unit,
            "sort": sort,
            "query": urlencode(base),
            "sort_query": urlencode({**base, "sort": sort} if sort else base),
            # A form has one row; a clerk's 预算单位 is its own unit's one row, too.
            "can_add": editable
            and not (
                (spec.form or (spec.key == "units" and access.unit_codes(dataset) is not None))
                and records
            ),
            "allowed": access.allowed(dataset),
        },
    )


# --------------------------------------------------------------------------- one row


def _row_or_404(access: Access, dataset: Dataset, spec: TableSpec, row_id: int) -> DatasetRow:
    row = access.rows(dataset, ROW_MODELS[spec.key]).filter(pk=row_id).first()
    if row is None:
        raise Http404("没有这一行，或您无权查看")
    return row  # type: ignore[no-any-return]


@login_required
@require_http_methods(["GET", "POST"])
def row_edit(request: HttpRequest, pk: int, table: str, row_id: int | None = None) -> HttpResponse:
    access = access_of(request)
    dataset = access.dataset(pk)
    spec = spec_or_404(table)
    access.require(Action.VIEW, dataset)
    _visible_table(access, dataset, spec)
    access.require(Action.EDIT, dataset)
    if spec.key not in access.editable_tables(dataset):
        raise PermissionDenied("您不能修改这张表")
    row = _row_or_404(access, dataset, spec, row_id) if row_id is not None else None
    if row is None and spec.form:
        existing = access.rows(dataset, ROW_MODELS[spec.key]).first()
        if existing is not None:  # a form has one row: edit it
            return redirect("datasets:row_edit", dataset.pk, spec.key, existing.pk)
    values = services.form_values(spec, row)
    errors: list[services.FieldError] = []
    conflict: services.Conflict | None = None
    stored = values
    if request.method == "POST":
        # The audit-only fields of a form are edited on the 声明数 page: kept as stored here.
        typed = {
            c.key: stored.get(c.key, "") if c.audit else request.POST.get(c.key, "")
            for c in spec.columns
        }
        if (
            access.unit_codes(dataset) is not None
            and "unit" in typed
            and spec.column("unit").header == "单位编码"
        ):
            # A clerk's new row is its own unit's, whatever it typed.
            codes = sorted(access.unit_codes(dataset) or [])
            if row is None and codes and not typed["unit"]:
                typed["unit"] = codes[0]
        own_division = _own_division(access, dataset)
        if row is None and spec.key == "projects" and own_division and not typed["division"]:
            typed["division"] = own_division  # a 处室's new project is its own, as a clerk's row
        version = request.POST.get("version")
        try:
            saved = services.save_row(
                access,
                request.user,  # type: ignore[arg-type]
                dataset,
                spec.key,
                typed,
                row_id=row.pk if row is not None else None,
                version=int(version) if version and version.isdigit() else None,
            )
        except services.NotAllowed as error:
            # The row names another unit (处室): said beside that field, the typing kept.
            errors = [_refused_field(access, dataset, spec, typed, str(error))]
            values = typed
        except services.Invalid as error:
            errors = error.errors
            values = typed
        except services.Conflict as error:
            conflict = error
            values = typed
        else:
            target = reverse("datasets:table", args=[dataset.pk, spec.key]) + f"#row-{saved.row.pk}"
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
    by_column: dict[str, list[str]] = {}
    general = []
    for e in errors:
        if e.column:
            by_column.setdefault(e.column, []).append(e.message)
        else:
            general.append(e)
    fields = []
    own = sorted(access.unit_codes(dataset) or [])
    for column in spec.columns:
        if column.audit:
            continue  # on the 声明数 page (statements), not among what a clerk fills
        help_ = column.help
        if own and column.key == "unit" and column.header == "单位编码":
            # A clerk's blank is its own unit's row (above), never the department's 合并数.
            help_ = f"本单位编码 {'、'.join(own)}；空白即本单位"
        division = _own_division(access, dataset)
        if division and spec.key == "projects" and column.key == "division" and row is None:
            help_ = f"本处室：{division}；空白即本处室"
        fields.append(
            {
                "column": column,
                "help": help_,
                "value": values.get(column.key, ""),
                "errors": by_column.get(column.key, []),
                "changed": conflict is not None and column.key in conflict.changed,
                "stored": (
                    _display(column.type, conflict.current.get(column.key))
                    if conflict is not None and conflict.current is not None
                    else ""
                ),
                "choices": column.choices or (("是", "否") if column.type is ColType.BOOL else ()),
                "long": column.type is ColType.LONGTEXT,
            }
        )
    context = {
        "dataset": dataset,
        "spec": spec,
        "row": row,
        "fields": fields,
        "general": general,
        "conflict": conflict,
        "version": row.version if row is not None else "",
        "new": row is None,
    }
    template = "datasets/row_form.html"
    if getattr(request, "htmx", False):
        template = "datasets/_row_form.html"
    status = 409 if conflict is not None else (422 if errors else 200)
    return render(request, template, context, status=status)


def _own_division(access: Access, dataset: Dataset) -> str:
    """The 处室 a 业务处室 user writes projects for (``""``: not a 处室, or more than one)."""
    names = {
        m.division.name
        for m in access.roles_for(dataset)
        if m.role == Role.DIVISION and m.division is not None
    }
    return names.pop() if len(names) == 1 else ""


def _refused_field(
    access: Access, dataset: Dataset, spec: TableSpec, typed: dict[str, Any], message: str
) -> services.FieldError:
    """The field that made a row another unit's (or another 处室's), with what to write."""
    codes = sorted(access.unit_codes(dataset) or [])
    if codes:  # a clerk
        column = {"units": "code", "project_indicators": "owner"}.get(spec.key, "unit")
        if spec.key == "execution" and not typed.get("unit"):
            column = "project"
        message = f"只能填报本单位（{'、'.join(codes)}）的数据"
    else:  # a 业务处室: the project's 主管处室
        column = "owner" if spec.key == "project_indicators" else "division"
    keys = {c.key for c in spec.columns}
    return services.FieldError(column if column in keys else "", "", message)


@login_required
@require_POST
def row_delete(request: HttpRequest, pk: int, table: str, row_id: int) -> HttpResponse:
    access = access_of(request)
    dataset = access.dataset(pk)
    spec = spec_or_404(table)
    access.require(Action.VIEW, dataset)
    _visible_table(access, dataset, spec)
    access.require(Action.EDIT, dataset)
    row = _row_or_404(access, dataset, spec, row_id)
    version = request.POST.get("version", "")
    try:
        services.delete_row(
            access,
            request.user,  # type: ignore[arg-type]
            dataset,
            spec.key,
            row.pk,
            int(version) if version.isdigit() else -1,
        )
    except services.NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    except services.Conflict:
        return render(
            request,
            "core/message.html",
            {"title": "未删除", "message": "该行已被他人修改，请刷新后再删除。"},
            status=409,
        )
    except services.Invalid as error:
        return render(
            request,
            "core/message.html",
            {
                "title": "不能删除",
                "message": "；".join(f"{e.place} {e.message}" for e in error.errors),
            },
            status=422,
        )
    return redirect("datasets:table", dataset.pk, spec.key)


@login_required
@require_http_methods(["GET", "POST"])
def statements(request: HttpRequest, pk: int) -> HttpResponse:
    """声明数: the figures a published report states and the audit-only form fields.

    Only for auditing a report already written, so apart from the forms a clerk fills. A
    figure is picked by its Chinese label (a datalist of the dataset's figures), stored by
    its id; the audit-only fields of 基本信息 and 自评结论 are edited here, each form saved
    through the same service (and engine check) as its own page.
    """
    access = access_of(request)
    dataset = access.dataset(pk)
    access.require(Action.VIEW, dataset)
    stated = TABLES_BY_KEY[AUDIT_TABLE]
    _visible_table(access, dataset, stated)
    editable = access.allows(Action.EDIT, dataset) and access.editable_tables(dataset)
    labels = _figure_labels(dataset)
    by_label = {label: figure for figure, label in labels.items()}
    errors: list[services.FieldError] = []
    typed_row: dict[str, str] = {}
    if request.method == "POST":
        access.require(Action.EDIT, dataset)
        part = request.POST.get("part", "")
        table = part if part in {f.key for f, _ in audit_fields()} else AUDIT_TABLE
        if table not in access.editable_tables(dataset):
            raise PermissionDenied("您不能修改这张表")
        spec = TABLES_BY_KEY[table]
        row = access.rows(dataset, ROW_MODELS[table]).first() if spec.form else None
        if spec.form:
            values = services.form_values(spec, row)
            for column in spec.columns:
                if column.audit:
                    values[column.key] = request.POST.get(column.key, "")
        else:
            values = {c.key: request.POST.get(c.key, "").strip() for c in spec.columns}
            values["figure"] = by_label.get(values["figure"], values["figure"])
            typed_row = values
        try:
            services.save_row(
                access,
                request.user,  # type: ignore[arg-type]
                dataset,
                table,
                values,
                row_id=row.pk if row is not None else None,
            )
        except services.NotAllowed as error:
            raise PermissionDenied(str(error)) from None
        except services.Invalid as error:
            errors = list(error.errors)
        except services.Conflict:
            errors = [services.FieldError("", "", "该行已被他人修改，请刷新后再保存")]
        else:
            return redirect("datasets:statements", dataset.pk)
    forms = []
    for form in {f.key: f for f, _ in audit_fields()}.values():
        row = access.rows(dataset, ROW_MODELS[form.key]).first()
        values = services.form_values(form, row)
        forms.append(
            {
                "spec": form,
                "fields": [
                    {"column": c, "value": values.get(c.key, "")} for c in form.columns if c.audit
                ],
            }
        )
    rows = [
        {
            "row": r,
            "label": labels.get(r.figure, ""),
        }
        for r in access.rows(dataset, ROW_MODELS[AUDIT_TABLE]).order_by("position")
    ]
    context = {
        "dataset": dataset,
        "forms": forms,
        "rows": rows,
        "labels": sorted(labels.values()),
        "errors": errors,
        "typed": typed_row,
        "editable": bool(editable),
        "allowed": access.allowed(dataset),
    }
    return render(request, "datasets/statements.html", context, status=422 if errors else 200)


def _figure_labels(dataset: Dataset) -> dict[str, str]:
    """figure id → label of the dataset's figures (what the 数据编号 datalist offers)."""
    from jixiao.figures import compute_figures

    try:
        engine = services.load_engine(dataset)
    except DatasetError:
        return {}
    return {f.id: f.label for f in compute_figures(engine).values()}


@login_required
def row_history(request: HttpRequest, pk: int, table: str, row_id: int) -> HttpResponse:
    access = access_of(request)
    dataset = access.dataset(pk)
    spec = spec_or_404(table)
    access.require(Action.VIEW, dataset)
    _visible_table(access, dataset, spec)
    row = _row_or_404(access, dataset, spec, row_id)
    from jixiao_web.audit.history import row_changes

    return render(
        request,
        "datasets/row_history.html",
        {"dataset": dataset, "spec": spec, "row": row, "changes": row_changes(spec, row.pk)},
    )


# --------------------------------------------------------------------------- a unit's rows


@login_required
def unit_page(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    access = access_of(request)
    dataset = access.dataset(pk)
    access.require(Action.VIEW, dataset)
    limited = access.unit_codes(dataset)
    if limited is not None and code not in limited:
        raise Http404("没有这个单位，或您无权查看")
    unit = ROW_MODELS["units"].objects.filter(dataset=dataset, code=code).first()
    if unit is None:
        raise Http404("没有这个单位")
    tables = []
    for spec in TABLES:
        if not unit_keyed(spec.key):
            continue
        count = access.rows(dataset, ROW_MODELS[spec.key]).filter(unit_code=code).count()
        tables.append({"spec": spec, "count": count})
    return render(
        request,
        "datasets/unit.html",
        {"dataset": dataset, "unit": unit, "tables": tables, "allowed": access.allowed(dataset)},
    )


# --------------------------------------------------------------------------- files


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_of(request)
    dataset = access.dataset(pk)
    access.require(Action.UPLOAD, dataset)
    context: dict[str, Any] = {
        "dataset": dataset,
        "limit_mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    if request.method != "POST":
        return render(request, "datasets/upload.html", context)
    file = request.FILES.get("workbook")
    if file is None:
        context["problem"] = "请选择要上传的工作簿（.xlsx）或文本格式（.yaml）文件。"
        return render(request, "datasets/upload.html", context, status=400)
    shown_name = Path(file.name or "").name[:200]
    suffix = UPLOAD_SUFFIXES.get(Path(shown_name).suffix.lower())
    if suffix is None:
        context["problem"] = (
            f"“{shown_name}”不是可上传的文件类型：只接受 Excel 工作簿（.xlsx）或文本格式（.yaml）。"
        )
        return render(request, "datasets/upload.html", context, status=415)
    if file.size is None or file.size > settings.MAX_UPLOAD_BYTES:
        context["problem"] = f"文件超过 {context['limit_mb']} MB，不能上传。"
        return render(request, "datasets/upload.html", context, status=413)
    from jixiao.io.formats import load_dataset

    errors: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="jixiao-upload-") as folder:
        # Our own name: the browser's file name never becomes a path.
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as handle:
            for chunk in file.chunks():
                handle.write(chunk)
        try:
            engine = load_dataset(path)
            changed = services.store(dataset, engine, request.user, f"上传“{shown_name}”")  # type: ignore[arg-type]
        except DatasetError as error:
            errors = [
                {"location": _place(e.location, path, shown_name), "message": e.message}
                for e in error.errors
            ]
    Upload.objects.create(
        region_id=dataset.region_id,
        department_id=dataset.department_id,
        dataset=dataset,
        user=request.user if request.user.is_authenticated else None,
        filename=shown_name,
        size=file.size,
        accepted=not errors,
        errors=errors,
    )
    if errors:
        context.update({"errors": errors, "filename": shown_name})
        return render(request, "datasets/upload.html", context, status=422)
    context.update({"accepted": True, "changed": changed, "filename": shown_name})
    return render(request, "datasets/upload.html", context)


def _place(location: str, path: Path, shown: str) -> str:
    """Our temporary path never appears in a message: show the uploaded file's name."""
    return location.replace(str(path), shown)


@login_required
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    access = access_of(request)
    dataset = access.dataset(pk)
    access.require(Action.VIEW_ALL, dataset)
    engine, _ = to_engine(dataset)
    stem = f"{dataset.department.name}{dataset.year}年度绩效数据"
    if fmt == "yaml":
        from jixiao.io.textform import write_text_form

        text = HttpResponse(write_text_form(engine), content_type="application/yaml; charset=utf-8")
        text["Content-Disposition"] = _attachment(f"{stem}.yaml")
        return text
    if fmt != "xlsx":
        raise Http404("没有这种格式")
    from jixiao.io.excel import write_workbook

    folder = tempfile.TemporaryDirectory(prefix="jixiao-download-")
    path = Path(folder.name) / "dataset.xlsx"
    write_workbook(engine, path)
    handle = path.open("rb")
    response: FileResponse = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{stem}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    # The temporary folder goes when the response is closed.
    response._resource_closers.append(folder.cleanup)  # type: ignore[attr-defined]
    return response


def _attachment(filename: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(as_attachment=True, filename=filename) or "attachment"
