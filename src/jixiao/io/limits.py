"""How much input a reader accepts, checked before anything large is allocated.

One frozen value, passed explicitly (the web system passes its own; the command line
uses the defaults). Each limit is far above a province's dataset (the benchmark's
3,000-unit workbook: 4.7 MB, 49 MB of XML, 1.0 million cells, the largest sheet
1.6 million cells of used range) and far below what would exhaust a 2 GB worker.
``docs/reliability.md`` lists them with the messages a user sees.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    #: A dataset file as stored (workbook or text form).
    file_bytes: int = 64 * MB
    #: One part of a workbook (a sheet's XML, the shared strings …), uncompressed.
    part_bytes: int = 256 * MB
    #: All parts of a workbook together, uncompressed (a zip bomb is refused here).
    workbook_bytes: int = 512 * MB
    #: Files inside the workbook's zip.
    zip_entries: int = 10_000
    #: Each sheet's used range (rows × columns from its first to its last value): the
    #: reader allocates a cell for every position in it.
    sheet_cells: int = 5_000_000
    #: The used ranges of all sheets together.
    workbook_cells: int = 10_000_000
    #: Values that YAML aliases (``*name``) may add by repeating a part of the text form.
    alias_values: int = 100_000
    #: Characters that YAML aliases may add (one long text repeated by ``*name``).
    alias_chars: int = 1_000_000
    #: Values (scalars, lists, mappings) a text form may hold, estimated before parsing:
    #: each costs about 450 bytes while parsed (the province's text form: 1.6 million).
    yaml_values: int = 3_000_000
    #: Problems collected before the reader stops looking ("另有 N 项" beyond the shown).
    problems: int = 10_000
    #: A CSV file of history (``--history``).
    csv_bytes: int = 64 * MB
    #: A settings file the user names: a framework, an indicator library in YAML, a wording
    #: or rule file, a report template file. The shipped ones are under 100 KB; the cap stops
    #: a mistyped path (a dump, ``/dev/zero``) from being read into memory whole.
    config_bytes: int = 16 * MB


DEFAULT_LIMITS = ReadLimits()


def size_text(count: int) -> str:
    """``64 MB``, ``512 KB``, ``37 字节`` for messages."""
    if count >= MB:
        return f"{count / MB:,.0f} MB" if count % MB == 0 else f"{count / MB:,.1f} MB"
    if count >= 1024:
        return f"{count / 1024:,.0f} KB"
    return f"{count} 字节"


__all__ = ["DEFAULT_LIMITS", "MB", "ReadLimits", "size_text"]
