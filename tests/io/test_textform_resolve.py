"""The text form's loader tells only null apart, and reads every value as PyYAML did.

``textform._TEXT_LOADER`` skips PyYAML's implicit resolvers (bool, int, float, timestamp …)
whose tags the reader never looked at; a value must still read as the same text, or as
null exactly where PyYAML's loader says null — plain or quoted, in a mapping or a list.
"""

from __future__ import annotations

import json

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.io.textform import _LOADER, _TEXT_LOADER, _scalar

_AWKWARD = [
    "", "~", "null", "Null", "NULL", "nULL", "none", "None", "0", "-1", "1.5", "1e3", ".inf",
    "0x1F", "0o17", "1_000", "true", "False", "yes", "no", "on", "OFF", "y", "2023-01-01",
    "2023-01-01 10:00:00", "<<", "=", "12:30", "1,234.56", "财政拨款", "—", "-", "null ",
]  # fmt: skip


def _scalars(root: yaml.Node) -> list[object]:
    found: list[object] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            found.append((_scalar(node), node.start_mark.line, node.start_mark.column))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(child for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return found


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.sampled_from(_AWKWARD), st.text(max_size=12)),
            st.sampled_from(["plain", "single", "double", "list"]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_every_value_reads_as_pyyaml_read_it(values: list[tuple[str, str]]) -> None:
    lines = []
    for i, (value, style) in enumerate(values):
        if style == "plain":
            shown = value
        elif style == "single":
            shown = "'" + value.replace("'", "''") + "'"
        elif style == "double":
            shown = json.dumps(value, ensure_ascii=False)
        else:
            shown = "[" + value + "]"
        lines.append(f"k{i}: {shown}")
    text = "\n".join(lines)
    try:
        reference = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        return  # not a document (a plain value with ': ' or '#'): the same error both ways
    ours = yaml.compose(text, Loader=_TEXT_LOADER)
    assert reference is not None and ours is not None
    assert _scalars(ours) == _scalars(reference)
