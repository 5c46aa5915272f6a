"""One check for every uploaded file: its size, then its type decided by content.

The limit is ``settings.ASKESOS_MAX_UPLOAD_BYTES`` for every upload (documents, certificates, member
imports, third-party batches, survey responses, workforce denominators). The type comes from the
file's first bytes (PDF/JPEG/PNG signatures, a zip holding an Excel workbook, or text): never from
its name or the type the browser declares, so a web page or a program renamed ``.pdf`` or ``.csv`` is
refused.

- Services call ``check_upload`` (a ``DomainError`` whose ``field`` names the form's file field).
- Forms declare ``UploadField`` (a ``FileField`` running the same check, so the error is shown under
  the file input); after cleaning, the upload's ``content_type`` is the sniffed type.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from askesos.core.errors import DomainError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DOCUMENTS = frozenset({PDF, JPEG, PNG})  # scans and photos of letters, certificates, receipts
TABLES = frozenset({CSV, XLSX})  # spreadsheets saved as CSV or as an Excel workbook
CSV_ONLY = frozenset({CSV})

EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", CSV: ".csv", XLSX: ".xlsx"}
_ACCEPT_ATTR = {PDF: ".pdf", JPEG: ".jpg,.jpeg", PNG: ".png", CSV: ".csv,text/csv", XLSX: ".xlsx"}
_MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
SNIFF_BYTES = 8  # enough for the document signatures
HEAD_BYTES = 8192  # what is read to tell text from binary


def sniff_content_type(head: bytes) -> str | None:
    """A document's real type from its first bytes (PDF, PNG or JPEG), else None.

    The name and the browser's declared type are never trusted: an executable or HTML page
    renamed ``.pdf`` is refused because its content does not start with a known signature.
    """
    for signature, content_type in _MAGIC:
        if head.startswith(signature):
            return content_type
    return None


def is_text(head: bytes) -> bool:
    """UTF-8 (a multi-byte character cut at the end of the sample still counts) or Windows-1252
    text without NUL bytes; old Excel saves CSV as Windows-1252."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def _looks_like_markup(head: bytes) -> bool:
    """A web page or XML file (``<!doctype``, ``<html``, ``<?xml``...) is not a CSV sheet."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def _type_error(accept: frozenset[str], head: bytes) -> str:
    if accept <= DOCUMENTS:
        return _("Only PDF, JPEG or PNG files are accepted.")
    if accept == CSV_ONLY:
        if head.startswith(b"PK\x03\x04"):
            return _("This is a spreadsheet (xlsx/zip) file, not CSV. Save it as CSV and try again.")
        return _("This is not a text file. Upload a CSV file.")
    return _("This is not a CSV or XLSX file. Save the sheet as CSV or Excel workbook (.xlsx).")


def _is_workbook(upload: Any) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def check_upload(upload: Any, *, accept: Iterable[str], field: str = "file") -> CheckedUpload:
    """Size (``ASKESOS_MAX_UPLOAD_BYTES``), then the type by content among ``accept`` (``DOCUMENTS``,
    ``TABLES``, ``CSV_ONLY``...). Raises ``DomainError`` with ``field`` set to the form's file field;
    leaves the file at its start."""
    accepted = frozenset(accept)
    limit = settings.ASKESOS_MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is None or size > limit:
        raise DomainError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
            code="too_large",
            field=field,
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None and head.startswith(b"PK\x03\x04") and XLSX in accepted:
        if not _is_workbook(upload):
            raise DomainError(
                _("This zip file is not an Excel workbook (.xlsx)."), code="file_type", field=field
            )
        content_type = XLSX
    if content_type is None and CSV in accepted and not head.startswith(b"PK\x03\x04"):
        if not head:
            raise DomainError(_("The submitted file is empty."), code="empty", field=field)
        if b"\x00" in head or _looks_like_markup(head):
            raise DomainError(_type_error(accepted, head), code="file_type", field=field)
        if not is_text(head):
            raise DomainError(
                _('The file is neither UTF-8 nor Windows-1252 text; save it as "CSV UTF-8".'),
                code="file_encoding",
                field=field,
            )
        content_type = CSV
    if content_type not in accepted:
        raise DomainError(_type_error(accepted, head), code="file_type", field=field)
    return CheckedUpload(content_type=content_type, size=size)


class UploadField(forms.FileField):
    """A file input checked by ``check_upload``: the error names this field (it is shown under it).
    After cleaning, ``upload.content_type`` holds the sniffed type, not the browser's claim."""

    def __init__(self, *, accept: Iterable[str], **kwargs: Any) -> None:
        self.accept = frozenset(accept)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.setdefault("accept", ",".join(_ACCEPT_ATTR[t] for t in sorted(self.accept)))
        return attrs

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if isinstance(upload, UploadedFile):
            try:
                checked = check_upload(upload, accept=self.accept)
            except DomainError as exc:
                raise forms.ValidationError(str(exc.message), code=exc.code) from None
            upload.content_type = checked.content_type
        return upload
