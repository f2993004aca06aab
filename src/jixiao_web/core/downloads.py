"""One way to hand a stored file to the browser: an attachment under its Chinese name.

Report files, evidence and batch-audit workbooks are kept in the default storage under
names the system chose; the browser gets them under the name a person gave or the
engine printed (``filename*``, RFC 5987, is Django's). Bytes that are gone — purged,
restored without files — are the site's 404 page, never a server error (the reason
goes with the :class:`Http404`, for the log and the debug page).
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404


def stored_download(name: str, filename: str, media_type: str, missing: str) -> FileResponse:
    """The stored file ``name`` as an attachment ``filename``; 404 ``missing`` when absent."""
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404(missing) from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=media_type)
