"""Which kind of form a file is, from its content (never its name), refusing zip bombs unopened.

An `.xlsx` is a zip archive: its members are listed and their declared sizes checked before
openpyxl or the CSV reader inflates anything, so a few kilobytes posing as a workbook cannot
expand to gigabytes in memory.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Literal

from mipat.questionnaires.forms.imported import FormError, not_a_form
from mipat.questionnaires.problems import worded

FormKind = Literal["workbook", "submissions-xlsx", "submissions-csv", "submissions-zip", "pdf-form"]

MAX_MEMBERS = 2_000
MAX_INFLATED = 200 * 1024 * 1024  # all members together, once inflated
MAX_RATIO = 200  # inflated / compressed, per member: office files stay well under 100
WORKBOOK_META_SHEET = "_mipat"  # the hidden sheet of a mipat workbook: questionnaire, version, language
XLSFORM_SHEETS = {"survey", "choices", "settings"}
SUBMISSION_MARKER = "mipat_questionnaire"  # the XLSForm's calculate field, a column of every data export


def _refuse(name: str, key: str) -> FormError:
    return not_a_form(name, worded(key))


def safe_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """The archive, after checking its member count and declared sizes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(name, "form_bad_zip") from None
    if len(members) > MAX_MEMBERS:
        raise _refuse(name, "form_zip_bomb")
    inflated = 0
    for member in members:
        inflated += member.file_size
        if member.file_size > MAX_RATIO * max(member.compress_size, 1024) or inflated > MAX_INFLATED:
            raise _refuse(name, "form_zip_bomb")
    return archive


def _sheet_names(archive: zipfile.ZipFile) -> list[str]:
    try:
        # workbook.xml is small (checked above); the sheet names are attributes of <sheet> elements
        text = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    except KeyError:
        return []
    return re.findall(r"<(?:\w+:)?sheet\b[^>]*\bname=\"([^\"]*)\"", text)


def detect_kind(data: bytes, name: str) -> FormKind:
    if data.startswith(b"%PDF-"):
        return "pdf-form"
    if data.startswith(b"PK\x03\x04"):
        archive = safe_zip(data, name)
        names = archive.namelist()
        if "xl/workbook.xml" in names:
            sheets = _sheet_names(archive)
            if WORKBOOK_META_SHEET in sheets:
                return "workbook"
            if {s.lower() for s in sheets} >= XLSFORM_SHEETS:
                raise _refuse(name, "form_is_xlsform")
            return "submissions-xlsx"
        if any(n.lower().endswith(".csv") for n in names):
            return "submissions-zip"
        raise _refuse(name, "form_unknown_zip")
    head = data[:4096].decode("utf-8-sig", "replace")
    if SUBMISSION_MARKER in head.splitlines()[0] if head else False:
        return "submissions-csv"
    raise _refuse(name, "form_unknown_kind")
