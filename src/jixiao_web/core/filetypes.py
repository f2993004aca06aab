"""The file types people upload as evidence (佐证材料), with the bytes each starts with.

One table: an app decides which of these it accepts (``file_types(".pdf", ".png")``) and
never restates a media type or a signature. A file is accepted only when its content
starts the way its suffix says, so a renamed executable is not stored as a "PDF".
"""

from __future__ import annotations

from dataclasses import dataclass

_ZIP = (b"PK\x03\x04",)  # docx, xlsx and OFD are zip packages
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # old Word and Excel files


@dataclass(frozen=True)
class FileType:
    suffix: str
    media_type: str
    signatures: tuple[bytes, ...]

    def matches(self, head: bytes) -> bool:
        """Whether content starting with ``head`` is a file of this type."""
        return head.startswith(self.signatures)


FILE_TYPES: dict[str, FileType] = {
    t.suffix: t
    for t in (
        FileType(".pdf", "application/pdf", (b"%PDF-",)),
        FileType(".jpg", "image/jpeg", (b"\xff\xd8\xff",)),
        FileType(".jpeg", "image/jpeg", (b"\xff\xd8\xff",)),
        FileType(".png", "image/png", (b"\x89PNG\r\n\x1a\n",)),
        FileType(
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _ZIP,
        ),
        FileType(
            ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP
        ),
        FileType(".doc", "application/msword", _OLE),
        FileType(".xls", "application/vnd.ms-excel", _OLE),
        FileType(".ofd", "application/ofd", _ZIP),
    )
}


def file_types(*suffixes: str) -> dict[str, FileType]:
    """The types an upload accepts, in the order given."""
    return {suffix: FILE_TYPES[suffix] for suffix in suffixes}
