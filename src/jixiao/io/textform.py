"""The text form of a dataset (YAML), for git, diffs and the API.

Top-level keys are the table keys of :data:`jixiao.dataset.model.TABLES`; row tables
are lists of mappings, forms are mappings; field names are the English column keys.
Every scalar is read as text and parsed by the same code as Excel cells, so
``12021.60`` stays exactly ``Decimal("12021.60")`` (YAML would make it a float).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import yaml

from jixiao.dataset.build import (
    DatasetError,
    InputError,
    Problems,
    RawCell,
    RawForm,
    RawTable,
    build_dataset,
    table_values,
)
from jixiao.dataset.model import TABLES, TABLES_BY_KEY, Dataset
from jixiao.io.limits import DEFAULT_LIMITS, ReadLimits
from jixiao.lib.progress import Progress, tell_or_ignore

FORMAT_KEY = "format"
#: libyaml's parser when PyYAML has it (3× faster, same nodes and line numbers). Writing
#: stays with the Python emitter: libyaml's escapes characters beyond the BMP ("\U00020BB7"
#: for 𠮷), which names in Chinese do use.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: The plain scalars YAML reads as null (PyYAML's implicit resolver's).
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_NULL_TAG, _STR_TAG = "tag:yaml.org,2002:null", "tag:yaml.org,2002:str"


def _resolve(self: Any, kind: Any, value: str, implicit: tuple[bool, bool]) -> str:
    """A plain scalar's tag: null or text. The text form reads every value as its text
    and tells only null apart (:func:`_scalar`); PyYAML's resolver tried its regular
    expressions (bool, int, float, timestamp …) on each of a department's ~10,000 values
    for tags nothing reads, an eighth of the parse."""
    if kind is yaml.ScalarNode and implicit[0]:
        return _NULL_TAG if value in _NULLS else _STR_TAG
    return str(_LOADER.resolve(self, kind, value, implicit))


#: :data:`_LOADER` with :func:`_resolve`: the same nodes and marks, null the only tag read.
_TEXT_LOADER: Any = type("_TextFormLoader", (_LOADER,), {"resolve": _resolve})
FORMAT_VERSION = "jixiao-dataset/1"
DEEP = "YAML 格式错误：嵌套层次过深"


#: The two parts of reading the text form, as told to ``progress``: libyaml's parse (one
#: call, most of the time), then the checks and the dataset built from the nodes.
READ_STEPS = ("解析文本格式", "校验数据")


def read_text_form(
    text: str,
    name: str = "<text>",
    limits: ReadLimits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> Dataset:
    """Parse the YAML text form; raises :class:`DatasetError` naming ``file:line``.

    ``progress`` counts :data:`READ_STEPS`.
    """
    tell = tell_or_ignore(progress)
    tell(READ_STEPS[0], 0, len(READ_STEPS))
    estimate = _estimated_values(text)
    if estimate > limits.yaml_values:
        raise DatasetError(
            [
                InputError(
                    name,
                    f"文本格式约有 {estimate:,} 个值，超过上限 {limits.yaml_values:,}；"
                    "请按部门拆分数据集，或改用 Excel 工作簿",
                )
            ]
        )
    try:
        root = _compose(text)
    except UnicodeEncodeError:  # a lone surrogate in a str handed to us directly
        raise DatasetError([InputError(name, "文本含有无效的 Unicode 字符")]) from None
    except yaml.YAMLError as exc:
        raise DatasetError([yaml_error(exc, name)]) from None
    except RecursionError:  # the pure-Python parser, on lists nested thousands deep
        raise DatasetError([InputError(name, DEEP)]) from None
    if root is None:
        raise DatasetError([InputError(name, "文件为空，没有数据")])
    tell(READ_STEPS[1], 1, len(READ_STEPS))
    _check_aliases(root, name, limits)
    raw, errors = _raw_from_nodes(root, name)
    dataset = build_dataset(raw, [*repeated_keys(root, name), *errors])
    tell(READ_STEPS[1], 2, len(READ_STEPS))
    return dataset


#: What a YAML parser's problem text means, for the people who fill in the file: (a
#: fragment of PyYAML's or libyaml's wording, the Chinese explanation). The parser's own
#: words follow in parentheses for whoever knows YAML.
YAML_PROBLEMS: tuple[tuple[str, str], ...] = (
    (
        "cannot start any token",
        "此处有 YAML 不允许的字符（常见原因：用制表符 Tab 缩进，应改用空格）",
    ),
    ("expected <block end>", "缩进不一致（同一层的行应对齐）"),
    ("did not find expected key", "缩进不一致（同一层的行应对齐）"),
    ("mapping values are not allowed", "此处不能写“键: 值”（上一行缺少冒号，或缩进有误）"),
    ("could not find expected ':'", "缺少冒号“:”"),
    ("found undefined alias", "引用了未定义的别名（*名称）"),
    ("found unexpected end of stream", "文件意外结束（引号或括号没有闭合）"),
    ("',' or ']'", "方括号 [ ] 没有闭合，或缺少逗号"),
    ("',' or '}'", "花括号 { } 没有闭合，或缺少逗号"),
    ("exceeded maximum nesting depth", "嵌套层次过深"),
    ("second occurrence", "锚点（&名称）重复定义"),
    ("unacceptable character", "含有不允许的控制字符"),
)


def yaml_error(exc: yaml.YAMLError, name: str) -> InputError:
    """A YAML syntax error at ``file:line``, explained in Chinese where the problem is known
    (shared with the scoring framework loader)."""
    mark = getattr(exc, "problem_mark", None)
    where = f"{name}:{mark.line + 1}" if mark else name
    problem = getattr(exc, "problem", None) or str(exc)
    meaning = next((zh for fragment, zh in YAML_PROBLEMS if fragment in problem), "")
    return InputError(
        where, f"YAML 格式错误：{meaning}（{problem}）" if meaning else f"YAML 格式错误：{problem}"
    )


def repeated_keys(root: yaml.Node, name: str) -> list[InputError]:
    """Every key given twice in one mapping, anywhere below ``root``.

    YAML would silently keep the last value; a person who typed a key twice meant
    something by each. (``<<`` merge keys may repeat.) Each node is visited once, so
    aliases (``*a``) cannot make the walk explode.
    """
    errors: list[InputError] = Problems()
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                stack.append(value)
                if not isinstance(key, yaml.ScalarNode):  # ``? [a, b]``: reported elsewhere
                    continue
                line = key.start_mark.line + 1
                if key.value in first and key.value != "<<":
                    errors.append(
                        InputError(
                            f"{name}:{line}",
                            f"“{key.value}”重复出现（第 {first[key.value]} 行已有）",
                        )
                    )
                first.setdefault(key.value, line)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return sorted(errors, key=lambda e: int(e.location.rpartition(":")[2]))


def _estimated_values(text: str) -> int:
    """An upper estimate of the values in ``text`` before parsing (a parsed value costs
    about 450 bytes of memory): two per line (key and value), one per comma or bracket of
    the flow style (``[a, b, c]``)."""
    return 2 * text.count("\n") + text.count(",") + text.count("[") + text.count("{") + 2


def _check_aliases(root: yaml.Node, name: str, limits: ReadLimits) -> None:
    """Refuse a text form whose aliases (``*a``) repeat more than ``limits.alias_values``
    values or ``limits.alias_chars`` characters.

    Only the levels the reader walks matter (tables → rows → fields); a value reached a
    second time is reached through an alias. The text form jixiao writes has no aliases.
    """
    seen: set[int] = set()
    repeated = characters = 0
    first_alias: yaml.Node | None = None
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            repeated += 1
            first_alias = first_alias or node
            if isinstance(node, yaml.ScalarNode):
                characters += len(node.value)
        seen.add(id(node))
        if repeated > limits.alias_values or characters > limits.alias_chars:
            where = _loc(name, first_alias) if first_alias is not None else name
            raise DatasetError(
                [
                    InputError(
                        where,
                        "YAML 别名（*名称）重复引用的内容过多"
                        f"（上限 {limits.alias_values:,} 个值、{limits.alias_chars:,} 个字符），拒绝读取；"
                        "数据集文本中不需要别名，请直接写出每个值",
                    )
                ]
            )
        if depth >= 4:
            continue
        if isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_TEXT_LOADER)
    except yaml.YAMLError as error:
        if _LOADER is yaml.SafeLoader:
            raise
        # Say what is wrong the way the Python parser does: it points at the offending
        # character, where libyaml sometimes names the next line. (Not for nesting too
        # deep for libyaml, which the recursive Python parser cannot read either.)
        try:
            return yaml.compose(text, Loader=yaml.SafeLoader)
        except RecursionError:
            raise error from None


def _loc(name: str, node: yaml.Node) -> str:
    return f"{name}:{node.start_mark.line + 1}"


def _scalar(node: yaml.Node) -> object:
    if node.tag == _NULL_TAG:
        return None
    return node.value


def _raw_from_nodes(root: yaml.Node, name: str) -> tuple[dict[str, Any], list[InputError]]:
    errors: list[InputError] = Problems()
    if not isinstance(root, yaml.MappingNode):
        return {}, [InputError(_loc(name, root), "顶层应为“表名: 内容”的映射")]
    raw: dict[str, Any] = {}
    for key_node, value_node in _text_keyed(root, name, errors):
        key = key_node.value
        if key == FORMAT_KEY:
            if _scalar(value_node) != FORMAT_VERSION:
                errors.append(
                    InputError(
                        _loc(name, value_node),
                        f"不支持的格式版本“{value_node.value}”（应为 {FORMAT_VERSION}）",
                    )
                )
            continue
        spec = TABLES_BY_KEY.get(key)
        if spec is None:
            known = "、".join(t.key for t in TABLES)
            errors.append(InputError(_loc(name, key_node), f"未知的数据表“{key}”（可用：{known}）"))
            continue
        if spec.form:
            form = _mapping(value_node, name, spec.sheet, errors)
            if form is not None:
                raw[key] = form
        else:
            raw[key] = _table(value_node, name, spec.sheet, errors)
    return raw, errors


def _text_keyed(
    node: yaml.MappingNode, name: str, errors: list[InputError]
) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
    """The pairs whose key is text; a list or mapping used as a key (``? [a, b]``) is an error."""
    pairs = []
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            pairs.append((key_node, value_node))
        else:
            errors.append(InputError(_loc(name, key_node), "键应为表名或字段名，不能是列表或映射"))
    return pairs


def _mapping(node: yaml.Node, name: str, what: str, errors: list[InputError]) -> RawForm | None:
    if isinstance(node, yaml.ScalarNode) and _scalar(node) is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        errors.append(InputError(_loc(name, node), f"“{what}”应为“字段: 值”的映射"))
        return None
    cells: RawForm = {}
    for key_node, value_node in _text_keyed(node, name, errors):
        if not isinstance(value_node, yaml.ScalarNode):
            errors.append(
                InputError(_loc(name, value_node), f"“{key_node.value}”的值应为单个数值或文字")
            )
            continue
        cells[key_node.value] = RawCell(_scalar(value_node), _loc(name, value_node))
    return cells


def _table(node: yaml.Node, name: str, what: str, errors: list[InputError]) -> RawTable:
    table = RawTable(loc=_loc(name, node))
    if isinstance(node, yaml.ScalarNode) and _scalar(node) is None:
        return table
    if not isinstance(node, yaml.SequenceNode):
        errors.append(InputError(_loc(name, node), f"“{what}”应为行的列表"))
        return table
    columns = {c.key for c in _SPEC_BY_SHEET[what].columns}
    for item in node.value:
        cells = _mapping(item, name, what, errors)
        if cells is None:
            continue
        for key, cell in cells.items():
            if key not in columns:
                errors.append(
                    InputError(
                        cell.loc, f"“{what}”没有“{key}”这一列（可用：{'、'.join(sorted(columns))}）"
                    )
                )
        table.rows.append((_loc(name, item), cells))
    return table


_SPEC_BY_SHEET = {t.sheet: t for t in TABLES}


# --------------------------------------------------------------------------- write


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # never ``&id001``: equal values are written out each time


def _repr_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    # A whole number tagged float would print as ``!!float '90'``; the reader takes both as text.
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


def _repr_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_str(value)


def _repr_date(dumper: yaml.SafeDumper, value: date) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_FastDumper: Any = None  # yaml.CSafeDumper is not typed as a SafeDumper
if hasattr(yaml, "CSafeDumper"):  # libyaml's emitter: same output, about twice as fast

    class _CDumper(yaml.CSafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    _FastDumper = _CDumper

for _dumper in (_Dumper, _FastDumper):
    if _dumper is not None:
        _dumper.add_representer(Decimal, _repr_decimal)
        _dumper.add_representer(str, _repr_str)
        _dumper.add_representer(date, _repr_date)

#: libyaml escapes characters beyond the BMP (𠮷 → "\U00020BB7") where PyYAML's own
#: emitter keeps them readable; text holding one is written by the Python emitter.
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


def _has_beyond_bmp(document: Any) -> bool:
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _BEYOND_BMP.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


PYTHON_DUMPER: Any = _Dumper


def choose_dumper(document: Any) -> Any:
    """libyaml's emitter where its output is byte-identical to PyYAML's (tested:
    tests/io/test_textform_emitter.py), else PyYAML's."""
    if _FastDumper is not None and not _has_beyond_bmp(document):
        return _FastDumper
    return _Dumper


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, "")}


#: Rows of a table written at a time; the progress is told after each such chunk.
CHUNK_ROWS = 1000
#: The options every chunk is dumped with (tests dump the whole document with them).
DUMP_OPTIONS: dict[str, Any] = {"allow_unicode": True, "sort_keys": False, "width": 100000}
WRITE_STEP = "写出文本格式（行）"


def text_form_document(dataset: Dataset) -> dict[str, Any]:
    """The YAML document of ``dataset``: money in its 金额单位, blanks omitted."""
    document: dict[str, Any] = {FORMAT_KEY: FORMAT_VERSION}
    for spec in TABLES:
        rows = [_compact(v) for v in table_values(dataset, spec)]
        if spec.form:
            if rows[0]:
                document[spec.key] = rows[0]
        elif rows:
            document[spec.key] = rows
    return document


def write_text_form(
    dataset: Dataset,
    dumper: Any = None,
    *,
    progress: Progress | None = None,
    chunk: int = CHUNK_ROWS,
) -> str:
    """Serialise ``dataset`` to the YAML text form (money in its 金额单位, blanks omitted).

    ``dumper``: PyYAML's emitter class; by default :func:`choose_dumper` picks one.
    ``progress`` counts the rows written (a form is one row), told every ``chunk`` rows:
    a province's text form takes tens of seconds. The document is dumped key by key and a
    long table ``chunk`` rows at a time — the same text as one dump of the whole document
    (block style puts a mapping's sequence at the mapping's own indent, so a table's later
    rows dumped alone read the same; tests/io/test_textform_emitter.py holds it).
    """
    tell = tell_or_ignore(progress)
    document = text_form_document(dataset)
    chosen = dumper or choose_dumper(document)
    tables = [(k, v) for k, v in document.items() if k != FORMAT_KEY]
    total = sum(len(v) if isinstance(v, list) else 1 for _, v in tables)
    tell(WRITE_STEP, 0, total)
    profile = dataset.profile
    header = f"# jixiao 数据集（文本格式）：{profile.department_name} {profile.year or ''} 年度\n"
    parts = [header, yaml.dump({FORMAT_KEY: FORMAT_VERSION}, Dumper=chosen, **DUMP_OPTIONS)]
    done = 0
    for key, value in tables:
        if not isinstance(value, list):
            parts.append(yaml.dump({key: value}, Dumper=chosen, **DUMP_OPTIONS))
            done += 1
            tell(WRITE_STEP, done, total)
            continue
        for start in range(0, len(value), chunk):
            rows = value[start : start + chunk]
            piece = {key: rows} if start == 0 else rows
            parts.append(yaml.dump(piece, Dumper=chosen, **DUMP_OPTIONS))
            done += len(rows)
            tell(WRITE_STEP, done, total)
    return "".join(parts)


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 bytes as text; other encodings are named in the error (GBK and UTF-16 are
    what Windows editors save)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        hint = "文件是 UTF-16 编码"
    else:
        try:
            data.decode("gb18030")
            hint = "文件似乎是 GBK（GB18030）编码"
        except UnicodeDecodeError:
            hint = "文件不是文本，或编码无法识别"
    raise DatasetError(
        [InputError(name, f"不是 UTF-8 编码的文本文件（{hint}）；请用 UTF-8 编码另存后再导入")]
    )


def read_text_bytes(
    data: bytes,
    name: str = "<text>",
    limits: ReadLimits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> Dataset:
    """The text form from bytes (UTF-8); raises :class:`DatasetError` naming ``file:line``."""
    return read_text_form(decode_text(data, name), name, limits, progress)


def text_form_bytes(dataset: Dataset, progress: Progress | None = None) -> bytes:
    """The text form of ``dataset`` as UTF-8 bytes (``progress`` counts the rows)."""
    return write_text_form(dataset, progress=progress).encode("utf-8")


def load_text_form(path: Path) -> Dataset:
    """A convenience for path holders: :func:`jixiao.io.formats.load_dataset`."""
    from jixiao.io.formats import load_dataset

    return load_dataset(path)


class TextFormat:
    """The YAML text form."""

    identifier = "yaml"
    verbose_name = "文本格式（YAML）"
    suffixes = (".yaml", ".yml")
    media_type = "application/yaml"

    def read(
        self,
        data: bytes,
        name: str,
        limits: ReadLimits = DEFAULT_LIMITS,
        progress: Progress | None = None,
    ) -> Dataset:
        return read_text_bytes(data, name, limits, progress)

    def write(self, dataset: Dataset, out: IO[bytes]) -> None:
        out.write(text_form_bytes(dataset))
