"""Two things WeasyPrint does not do for Chinese, added once per process before a PDF is laid out.

- **Justified Chinese.** WeasyPrint justifies a line by widening its spaces, and Chinese has
  none: a ``text-align: justify`` paragraph kept a ragged right edge. A line without spaces
  now spreads its extra width between its characters (CSS ``text-justify: inter-character``,
  what Word does for Chinese), as letter spacing on each piece of text of the line.
- **Bold from a regular face.** The shipped fonts are regular weight only, and WeasyPrint does
  not embolden: ``font-weight: bold`` (the 仿宋加粗 三级标题, a 合计 row) printed as regular.
  Such text is now drawn filled and stroked with a thin outline (PDF text render mode 2), the
  usual synthetic bold of word processors.

Both are small wrappers around WeasyPrint functions (``layout.inline.justify_line`` and the
``draw_text`` the drawing module calls), installed by :func:`install`; if a WeasyPrint release
renames them, :func:`install` leaves WeasyPrint as it is and the PDF is only less polished
(the renderer's tests then fail on the ragged edge, so an upgrade is noticed).
"""

from __future__ import annotations

from functools import cache
from typing import Any

#: The outline of a synthetic bold stroke, as a share of the font size.
BOLD_STROKE = 0.028
#: A line is spread between its characters only when its gap is below this many ems per
#: character (a short last line, or one before a forced break, is never stretched apart).
MAX_SPREAD_EMS = 0.5


def _is_cjk(char: str) -> bool:
    return (
        "\u2e80" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef" or "\u3000" <= char <= "\u303f"
    )


def _text_boxes(box: Any, boxes: Any) -> list[Any]:
    if isinstance(box, boxes.TextBox):
        return [box]
    if isinstance(box, boxes.LineBox | boxes.InlineBox):
        return [
            t
            for child in box.children
            if child.is_in_normal_flow()
            for t in _text_boxes(child, boxes)
        ]
    return []


def _spread(context: Any, box: Any, spacing: float, x_advance: float, boxes: Any) -> float:
    """Move ``box`` by ``x_advance`` and give its text ``spacing`` between characters."""
    from weasyprint.text.line_break import create_layout

    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        if box.text:
            style = box.style.copy()
            style["letter_spacing"] = spacing
            box.style = style
            layout = create_layout(
                box.text, style, context, max_width=None, justification_spacing=0
            )
            layout.deactivate()
            box.pango_layout = layout
            extra = spacing * len(box.text)
            box.width += extra
            x_advance += extra
        return x_advance
    if isinstance(box, boxes.LineBox | boxes.InlineBox):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _spread(context, child, spacing, x_advance, boxes)
        box.width += x_advance - before
        return x_advance
    box.translate(x_advance, 0)
    return x_advance


@cache
def install() -> bool:
    """Add CJK justification and synthetic bold to WeasyPrint (once per process)."""
    try:
        from weasyprint import draw
        from weasyprint.draw import text as draw_text_module
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout import inline
    except ImportError:  # pragma: no cover - WeasyPrint is a dependency
        return False
    original_justify = getattr(inline, "justify_line", None)
    original_draw = getattr(draw, "draw_text", None)
    if (
        original_justify is None
        or original_draw is None
        or not hasattr(inline, "count_expandable_spaces")
    ):
        return False

    def justify_line(context: Any, line: Any, extra_width: float) -> None:
        if inline.count_expandable_spaces(line) or extra_width <= 0:
            original_justify(context, line, extra_width)
            return
        pieces = _text_boxes(line, boxes)
        text = "".join(t.text for t in pieces)
        if len(text) < 2 or not any(_is_cjk(c) for c in text):
            return
        size = pieces[0].style["font_size"] or 16
        spacing = extra_width / (len(text) - 1)
        if spacing > MAX_SPREAD_EMS * size:
            return
        _spread(context, line, spacing, 0.0, boxes)

    def draw_text(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        if textbox.style["font_weight"] < 600:
            return original_draw(stream, textbox, *args, **kwargs)
        stream.set_text_rendering(2)  # fill and stroke: the regular face drawn bold
        stream.set_line_width(textbox.style["font_size"] * BOLD_STROKE)
        stream.set_color(textbox.style["color"], stroke=True)
        try:
            return original_draw(stream, textbox, *args, **kwargs)
        finally:
            stream.set_text_rendering(0)

    inline.justify_line = justify_line
    draw.draw_text = draw_text
    del draw_text_module  # imported only to be sure the module layout is the one expected
    return True
