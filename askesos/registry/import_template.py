"""The import template: CSV (header + an example row) and XLSX (the same, plus a sheet that explains
each column). The guide is written in Indonesian on purpose: it is read by LPA staff filling the
sheet, and the column names themselves are Indonesian."""

from __future__ import annotations

import csv
import io

import xlsxwriter

from askesos.registry.importer import COLUMNS, OPTIONAL_COLUMNS
from askesos.registry.rules import OCCUPATION_LABELS_ID

EXAMPLE = {
    "nik": "3175031708850001",
    "no_kk": "3175031203150007",
    "nama": "Budi Santoso",
    "tanggal_lahir": "17/08/1985",
    "jenis_kelamin": "L",
    "status_kawin": "Kawin",
    "pekerjaan": "Pedagang kaki lima",
    "penghasilan": "1.500.000",
    "pencari_nafkah_utama": "ya",
    "telepon": "0812-3456-7890",
    "alamat": "Jl. Bekasi Timur Raya No. 12, RT 003/RW 005",
    "kode_kelurahan": "31.75.03.1001",
}

GUIDE = {
    "nik": "NIK 16 digit sesuai KTP. Format kolom sebagai Teks agar Excel tidak mengubahnya menjadi "
    "3,17503E+15 (angka yang hilang tidak bisa dipulihkan).",
    "no_kk": "Nomor Kartu Keluarga 16 digit. Format kolom sebagai Teks.",
    "nama": "Nama lengkap sesuai KTP.",
    "tanggal_lahir": "Tanggal lahir hari/bulan/tahun, tahun 4 digit: 17/08/1985 atau 1985-08-17.",
    "jenis_kelamin": "L (laki-laki) atau P (perempuan).",
    "status_kawin": "Belum kawin, Kawin, Cerai hidup atau Cerai mati.",
    "pekerjaan": "Salah satu: " + "; ".join(OCCUPATION_LABELS_ID.values()) + ".",
    "penghasilan": "Penghasilan per bulan dalam rupiah, misalnya 1.500.000.",
    "pencari_nafkah_utama": "ya atau tidak: apakah pencari nafkah utama keluarga.",
    "telepon": "Nomor HP (boleh kosong), misalnya 0812-3456-7890.",
    "alamat": "Alamat domisili (jalan, nomor, RT/RW).",
    "kode_kelurahan": "Kode Kemendagri kelurahan/desa domisili, misalnya 31.75.03.1001 "
    "(dengan atau tanpa titik).",
}


def template_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerow([EXAMPLE[c] for c in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    text = book.add_format({"num_format": "@"})
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    data = book.add_worksheet("data")
    for col, name in enumerate(COLUMNS):
        # Every column is Text, so NIK/KK numbers and codes keep all their digits.
        data.set_column(col, col, 22, text)
        data.write_string(0, col, name, bold)
        data.write_string(1, col, EXAMPLE[name], text)
    data.freeze_panes(1, 0)
    guide = book.add_worksheet("petunjuk")
    guide.set_column(0, 0, 24)
    guide.set_column(1, 1, 16)
    guide.set_column(2, 2, 90, wrap)
    for col, title in enumerate(("kolom", "wajib", "keterangan")):
        guide.write_string(0, col, title, bold)
    for row, name in enumerate(COLUMNS, start=1):
        guide.write_string(row, 0, name)
        guide.write_string(row, 1, "tidak" if name in OPTIONAL_COLUMNS else "ya")
        guide.write_string(row, 2, GUIDE[name])
    last = len(COLUMNS) + 2
    guide.write_string(
        last,
        2,
        "Baris kesalahan: setelah impor, unduh file kesalahan. Setiap baris yang ditolak tercantum dengan "
        "nomor baris (baris, seperti di Excel, judul = baris 1), kolom, dan alasan. "
        "Perbaiki lalu impor lagi: "
        "baris yang sudah terdaftar tidak akan ditambahkan dua kali.",
    )
    book.close()
    return buffer.getvalue()
