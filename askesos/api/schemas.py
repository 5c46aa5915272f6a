"""Request and response shapes of API v1 (pydantic through django-ninja).

Dates are ISO dates; months (``paid_through``, ``coverage_start``) are first-of-month dates; money is
integer rupiah. NIKs are masked (``3175••••••••0001``) unless the caller's role may see full NIKs.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Field, Schema

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_SYNC_ITEMS = 500


class ErrorOut(Schema):
    code: str = Field(..., description="Stable machine-readable code (see askesos.api.errors.ErrorCode).")
    message: str = Field(..., description="Human-readable message in the request's language.")
    field: str | None = Field(None, description="The offending input field, when there is one.")


class PageQuery(Schema):
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT})."
    )
    offset: int = Field(0, ge=0, le=1_000_000, description="Items to skip.")


class PageMeta(Schema):
    count: int | None = Field(None, description="Total items (given where cheap to count).")
    limit: int
    offset: int
    next_offset: int | None = Field(None, description="Offset of the next page; null on the last page.")


# --- regions ---------------------------------------------------------------------------------------


class WorkforceOut(Schema):
    year: int
    informal_workers: int
    source: str
    is_estimate: bool


class RegionOut(Schema):
    code: str
    name: str
    level: int = Field(..., description="1 province, 2 city/regency, 3 kecamatan, 4 kelurahan/desa.")
    kind: str
    parent_code: str | None
    postal_code: str
    workforce: WorkforceOut | None = Field(None, description="Latest informal-workforce estimate.")


class RegionPage(PageMeta):
    items: list[RegionOut]


# --- LPAs and officers -----------------------------------------------------------------------------


class LpaOut(Schema):
    code: str
    name: str
    status: str
    kelurahan_code: str
    kelurahan_name: str
    legal_form: str
    head_name: str
    phone: str


class LpaListOut(LpaOut):
    officer_count: int
    active_officer_count: int


class LpaPage(PageMeta):
    items: list[LpaListOut]


class OfficerOut(Schema):
    id: int
    lpa_code: str
    full_name: str
    nik: str
    phone: str
    active_from: dt.date
    active_to: dt.date | None
    kelurahan_codes: list[str]
    username: str | None


class OfficerPage(PageMeta):
    items: list[OfficerOut]


# --- persons ---------------------------------------------------------------------------------------


class NikIn(Schema):
    nik: str = Field(..., min_length=1, max_length=32, description="The exact 16-digit NIK.")


class PersonIn(Schema):
    lpa: str = Field(..., max_length=20, description="Code of the registering LPA.")
    nik: str = Field(..., max_length=32)
    full_name: str = Field(..., max_length=300)
    birth_date: dt.date
    sex: str = Field(..., max_length=2, description="L (male) or P (female).")
    marital_status: str = Field(..., max_length=20)
    occupation: str = Field(..., max_length=40)
    monthly_income: int = Field(..., ge=0, le=10**12)
    is_breadwinner: bool
    address: str = Field(..., max_length=500)
    kelurahan: str = Field(..., max_length=20, description="Kemendagri code of the domicile kelurahan.")
    kk_number: str = Field("", max_length=32)
    kk_relation: str = Field("", max_length=20)
    phone: str = Field("", max_length=32)


class PersonOut(Schema):
    id: int
    nik: str
    nik_masked: bool
    full_name: str
    birth_date: dt.date
    sex: str
    marital_status: str
    occupation: str
    monthly_income: int
    is_breadwinner: bool
    phone: str
    address: str
    kelurahan_code: str
    lpa_code: str
    member_number: str | None = Field(None, description="Number of the open (not terminated) membership.")


# --- members, enrolment, payments ------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    member_number: str
    status: str
    status_since: dt.date
    paid_through: dt.date | None = Field(None, description="Last month paid (first-of-month date).")
    coverage_start: dt.date
    enrolled_on: dt.date
    scheme_code: str
    lpa_code: str
    person_id: int
    full_name: str
    nik: str


class EnrolmentIn(Schema):
    scheme: str = Field(..., max_length=30, description="Scheme code.")
    lpa: str = Field(..., max_length=20, description="LPA code.")
    person_id: int | None = Field(None, ge=1, le=2**62, description="The person's id (or give nik).")
    nik: str | None = Field(None, max_length=32, description="The person's NIK (or give person_id).")


class PaymentIn(Schema):
    member_number: str = Field(..., max_length=30)
    amount: int = Field(..., gt=0, le=10**12, description="Rupiah.")
    channel: str = Field(..., max_length=16, description="cash_officer, bank_transfer or ewallet_qris.")
    paid_on: dt.date
    receipt_number: str = Field(..., min_length=1, max_length=32)
    payer: str = Field("member", max_length=8)
    carry_forward: bool = False
    collector_id: int | None = Field(
        None,
        ge=1,
        le=2**62,
        description="Field officer who took cash (default: the caller's officer record).",
    )


class PaymentOut(Schema):
    id: int
    receipt_number: str
    member_number: str
    amount: int
    months_covered: int
    period_from: dt.date
    period_to: dt.date
    channel: str
    paid_on: dt.date
    created: bool = Field(..., description="False when this receipt number had already been recorded.")
    message: str
    paid_through: dt.date | None
    status: str


# --- outreach ---------------------------------------------------------------------------------------


class LeadIn(Schema):
    event_id: int = Field(..., ge=1, le=2**62, description="The outreach event where the lead was met.")
    full_name: str = Field(..., max_length=300)
    phone: str = Field("", max_length=32)
    nik: str = Field("", max_length=32)
    consent: bool = Field(..., description="Agrees to be contacted; phone and NIK are kept only with it.")


class LeadOut(Schema):
    id: int
    event_id: int
    full_name: str
    status: str
    consent: bool


class AttendanceIn(Schema):
    event_id: int = Field(..., ge=1, le=2**62)
    attendance: int = Field(..., ge=0, le=1_000_000, description="People reached.")
    names: list[str] = Field(default_factory=list, max_length=2000, description="Attendee names to add.")


class AttendanceOut(Schema):
    id: int = Field(..., description="The event id.")
    attendance: int


# --- field-device sync -----------------------------------------------------------------------------


class SyncItemIn(Schema):
    client_id: uuid.UUID = Field(..., description="Generated on the device; the same item always keeps it.")
    kind: str = Field(..., max_length=32, description="enrolment, payment, lead or attendance.")
    data: dict[str, Any] = Field(..., description="The body the matching POST endpoint takes.")


class SyncBatchIn(Schema):
    items: list[SyncItemIn] = Field(..., max_length=MAX_SYNC_ITEMS)


class SyncItemOut(Schema):
    client_id: uuid.UUID
    kind: str
    status: Literal["ok", "duplicate", "error"]
    id: int | None = Field(None, description="Server id of what was created (also for duplicates).")
    result: dict[str, Any] | None = Field(
        None, description="The created object (the original one for duplicates)."
    )
    error: ErrorOut | None = None


class SyncBatchOut(Schema):
    results: list[SyncItemOut]
