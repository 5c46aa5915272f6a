"""The default instrument: the four aspects of G. C. Edwards III (PROGRAM.md §6), 4-point Likert
(1 Sangat Tidak Setuju … 4 Sangat Setuju), plus one awareness question for non-members. Wording
follows the thesis's questionnaire themes (socialisation, officer competence, facilities, honoraria,
SOPs); ``seed_default_instrument`` is idempotent (items are matched by code)."""

from __future__ import annotations

from django.db import transaction

from askesos.evaluation.models import Aspect, Instrument, Item, ItemKind, RespondentGroup, SubDimension

DEFAULT_CODE = "EDWARDS-4-DEFAULT"
ALL = [g.value for g in RespondentGroup]
STAFF = [RespondentGroup.LPA_MANAGER.value, RespondentGroup.OFFICER.value]
A, S = Aspect, SubDimension

# code, aspect, sub-dimension, Indonesian, English, reverse-scored, asked of
ITEMS: list[tuple[str, str, str, str, str, bool, list[str]]] = [
    (
        "K1",
        A.COMMUNICATION,
        S.TRANSMISSION,
        "Informasi tentang program ASKESOS sampai kepada saya dengan baik.",
        "Information about the ASKESOS program reaches me well.",
        False,
        ALL,
    ),
    (
        "K2",
        A.COMMUNICATION,
        S.TRANSMISSION,
        "Sosialisasi ASKESOS dilakukan cukup sering di lingkungan saya.",
        "ASKESOS outreach happens often enough where I live or work.",
        False,
        ALL,
    ),
    (
        "K3",
        A.COMMUNICATION,
        S.CLARITY,
        "Manfaat, iuran dan cara klaim ASKESOS dijelaskan dengan jelas.",
        "ASKESOS benefits, premiums and how to claim are explained clearly.",
        False,
        ALL,
    ),
    (
        "K4",
        A.COMMUNICATION,
        S.CONSISTENCY,
        "Informasi dari Dinas Sosial, LPA dan petugas sering berbeda-beda.",
        "Information from Dinas Sosial, the LPA and officers often differs.",
        True,
        ALL,
    ),
    (
        "K5",
        A.COMMUNICATION,
        S.TRANSMISSION,
        "Apakah Anda pernah mendengar tentang program ASKESOS? (1 = ya, 0 = tidak)",
        "Have you heard of the ASKESOS program? (1 = yes, 0 = no)",
        False,
        [RespondentGroup.NON_MEMBER.value],
    ),
    (
        "R1",
        A.RESOURCES,
        S.STAFF,
        "Jumlah petugas lapangan cukup untuk melayani peserta.",
        "There are enough field officers to serve members.",
        False,
        ALL,
    ),
    (
        "R2",
        A.RESOURCES,
        S.STAFF,
        "Petugas lapangan mampu menjelaskan dan meyakinkan pekerja informal untuk ikut ASKESOS.",
        "Field officers can explain ASKESOS and persuade informal workers to join.",
        False,
        ALL,
    ),
    (
        "R3",
        A.RESOURCES,
        S.INFORMATION,
        "Petugas memiliki petunjuk teknis dan data peserta yang lengkap.",
        "Officers have technical guidelines and complete member data.",
        False,
        STAFF,
    ),
    (
        "R4",
        A.RESOURCES,
        S.AUTHORITY,
        "LPA memiliki kewenangan yang cukup untuk mengelola dana dan klaim.",
        "The LPA has enough authority to manage the fund and claims.",
        False,
        STAFF,
    ),
    (
        "R5",
        A.RESOURCES,
        S.FACILITIES,
        "Sarana dan prasarana (kantor, kendaraan operasional) memadai.",
        "Facilities and infrastructure (office, operational vehicles) are adequate.",
        False,
        ALL,
    ),
    (
        "R6",
        A.RESOURCES,
        S.BUDGET,
        "Anggaran operasional program mencukupi.",
        "The program's operating budget is sufficient.",
        False,
        STAFF,
    ),
    (
        "D1",
        A.DISPOSITION,
        S.COMMITMENT,
        "Pengelola dan petugas sungguh-sungguh melaksanakan program ASKESOS.",
        "Managers and officers carry out the ASKESOS program earnestly.",
        False,
        ALL,
    ),
    (
        "D2",
        A.DISPOSITION,
        S.UNDERSTANDING,
        "Pelaksana memahami tujuan dan aturan program ASKESOS.",
        "Implementers understand the aims and rules of ASKESOS.",
        False,
        ALL,
    ),
    (
        "D3",
        A.DISPOSITION,
        S.STAFFING,
        "Petugas dipilih sesuai dengan kemampuan dan pengalamannya.",
        "Officers are chosen for their skills and experience.",
        False,
        STAFF,
    ),
    (
        "D4",
        A.DISPOSITION,
        S.INCENTIVES,
        "Honorarium petugas lapangan layak dan dibayar tepat waktu.",
        "Field officers' honoraria are fair and paid on time.",
        False,
        STAFF,
    ),
    (
        "B1",
        A.BUREAUCRATIC_STRUCTURE,
        S.SOPS,
        "Ada prosedur tetap (SOP) yang jelas untuk pendaftaran, iuran dan klaim.",
        "There are clear SOPs for enrolment, premiums and claims.",
        False,
        ALL,
    ),
    (
        "B2",
        A.BUREAUCRATIC_STRUCTURE,
        S.SOPS,
        "Proses klaim berjalan cepat dan sesuai prosedur.",
        "Claims are handled quickly and by the procedure.",
        False,
        ALL,
    ),
    (
        "B3",
        A.BUREAUCRATIC_STRUCTURE,
        S.FRAGMENTATION,
        "Pembagian tugas antara Kemensos, Dinas Sosial dan LPA membingungkan.",
        "The division of tasks between Kemensos, Dinas Sosial and the LPA is confusing.",
        True,
        ALL,
    ),
]


def seed_default_instrument() -> Instrument:
    """Create or update the default instrument and its items (idempotent)."""
    with transaction.atomic():
        instrument, _created = Instrument.objects.update_or_create(
            code=DEFAULT_CODE,
            defaults={
                "name": "Evaluasi implementasi ASKESOS (Edwards III) / ASKESOS implementation evaluation",
                "scale": 4,
                "respondent_groups": ALL,
            },
        )
        for order, (code, aspect, sub, text_id, text_en, reverse, groups) in enumerate(ITEMS, start=1):
            Item.objects.update_or_create(
                instrument=instrument,
                code=code,
                defaults={
                    "order": order,
                    "aspect": aspect,
                    "sub_dimension": sub,
                    "text_id": text_id,
                    "text_en": text_en,
                    "reverse_scored": reverse,
                    "kind": ItemKind.YES_NO if code == "K5" else ItemKind.LIKERT,
                    "groups": groups,
                },
            )
    return instrument
