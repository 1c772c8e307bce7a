"""Deterministic synthetic demo data with planted effects and known truth.

The demo data set stands in for real analyst templates: six fictional pemda in a fictional province
"99", their OPD budgets (pagu murni, pagu perubahan, realisasi) and their Perjanjian Kinerja indicators
for 2018-2023. It carries the mess that real LKjIP data carries (negative polarity, range targets,
"n/a"/"-" actuals, targets lowered in APBD-P, a pile-up at exactly 100 %, a renamed and a merged OPD)
and one planted effect whose size is known: OPDs that were cut harder in 2020-21 lose capaian.

The effect is planted on the *dose* as the analysis must measure it (:func:`truth_dose`): budgets are
generated first, the dose is computed from the finished budget table, and only then are achievements
drawn. :func:`truth` returns the planted parameters; :func:`write` writes the data folder in the analyst
template format (Indonesian headers), byte for byte the same for the same seed.
"""
from __future__ import annotations

import csv
import functools
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema
from ..config import DEFAULT_SEED, Periods

PERIODS = Periods()
YEARS = tuple(range(PERIODS.pre[0], PERIODS.post[1] + 1))
REFOCUSING_YEARS = tuple(PERIODS.years("refocusing"))

#: latent achievement a = 100 + u_i + region + YEAR_EFFECTS[y] + EVENT_STUDY_PER_10PP[y] * 10 * dose + e
YEAR_EFFECTS = {2018: 0.0, 2019: 0.5, 2020: -2.0, 2021: -1.0, 2022: 0.5, 2023: 1.0}
EVENT_STUDY_PER_10PP = {2018: 0.0, 2019: 0.0, 2020: -3.5, 2021: -2.5, 2022: -1.5, 2023: -0.5}
NOISE_SD = {"indicator": 6.0, "region": 2.0, "residual": 5.0}
#: P(target lowered in APBD-P, refocusing years) = base + slope * (10 * max(dose, 0)); lowered by 10-20 %
REVISION = {"base": 0.05, "slope_per_10pp": 0.03, "lowered_by": (0.10, 0.20)}
PILE_UP = {"window": 4.0, "share": 0.15}
MISSING_SHARE = 0.02
N_TARGET_ZERO = 3
MISSING_MARKERS = ("n/a", "-")
OPD_TYPES = ("pegawai", "barang_jasa", "modal")
#: units counted in whole numbers: actuals are rounded to integers (targets there are >= ~100)
COUNT_UNITS = {"orang", "dokumen", "kasus", "unit", "pelaku usaha", "arsip", "ton", "kkal/kapita/hari"}

# (code, name, kind, short name used for kecamatan)
REGIONS = [
    ("99.01", "Kabupaten Sukamaju (fiktif)", "kabupaten", "Sukamaju"),
    ("99.02", "Kabupaten Tanah Harapan (fiktif)", "kabupaten", "Tanah Harapan"),
    ("99.03", "Kabupaten Sinar Pagi (fiktif)", "kabupaten", "Sinar Pagi"),
    ("99.04", "Kabupaten Lembah Damai (fiktif)", "kabupaten", "Lembah Damai"),
    ("99.71", "Kota Pelita (fiktif)", "kota", "Pelita"),
    ("99.72", "Kota Bandar Sentosa (fiktif)", "kota", "Bandar Sentosa"),
]
RENAME = ("99.02", "KOMINFO", "Dinas Komunikasi, Informatika dan Persandian",
          "Ganti nomenklatur: urusan persandian digabung (Perda perubahan SOTK)")
MERGE = ("99.71", ("PARIWISATA", "KEBUDAYAAN"), "Dinas Pariwisata dan Kebudayaan",
         "Penggabungan OPD (Perda perubahan SOTK)")
#: one negative indicator in one region is scored T/R in its LKjIP (per-row ``formula`` override)
OVERRIDE = ("99.03", "DINKES", "Angka kematian bayi")
CHANGE_YEAR = 2021
KECAMATAN_SUFFIXES = ("Kota", "Utara", "Selatan", "Barat", "Timur", "Tengah")

GENERIC_INDICATORS = [
    ("Nilai evaluasi SAKIP perangkat daerah", "nilai", "+", 62, 1.5,
     "Meningkatnya akuntabilitas kinerja perangkat daerah"),
    ("Indeks kepuasan masyarakat terhadap layanan perangkat daerah", "indeks", "+", 78, 0.8,
     "Meningkatnya kualitas pelayanan publik"),
    ("Persentase dokumen perencanaan dan pelaporan kinerja yang tepat waktu", "%", "+", 88, 1.5,
     "Meningkatnya akuntabilitas kinerja perangkat daerah"),
    ("Persentase ASN yang memenuhi standar kompetensi jabatan", "%", "+", 65, 3,
     "Meningkatnya kapasitas aparatur perangkat daerah"),
]


def _opd(key, name, size, cut, sasaran, indicators, core=False, kind=None):
    """One catalogue entry. size = 2019 (pegawai, barang_jasa, modal) in Rp miliar for an average pemda;
    cut = barang/jasa cut share in 2020 (None = a health OPD, whose budget grew); indicators are
    (name, unit, polarity "+"/"-"/"r", 2018 target, change per year, sasaran index[, range width])."""
    return dict(key=key, name=name, size=size, cut=cut, sasaran=sasaran, indicators=indicators,
                core=core, kind=kind)


CATALOGUE = [
    _opd("SETDA", "Sekretariat Daerah", (30, 45, 8), 0.40,
         ["Meningkatnya kualitas tata kelola pemerintahan daerah",
          "Meningkatnya kualitas layanan administrasi"],
         [("Indeks reformasi birokrasi", "nilai", "+", 58, 2, 0),
          ("Nilai SAKIP pemerintah daerah", "nilai", "+", 60, 2, 0),
          ("Persentase produk hukum daerah yang ditetapkan tepat waktu", "%", "+", 80, 2, 1),
          ("Persentase pengadaan barang/jasa melalui katalog elektronik", "%", "+", 35, 8, 0),
          ("Indeks kepuasan layanan administrasi Sekretariat Daerah", "indeks", "+", 76, 1, 1)], core=True),
    _opd("SETWAN", "Sekretariat Dewan Perwakilan Rakyat Daerah", (8, 45, 3), 0.55,
         ["Meningkatnya kualitas dukungan terhadap fungsi DPRD"],
         [("Persentase Perda inisiatif DPRD yang ditetapkan", "%", "+", 60, 3, 0),
          ("Persentase rapat paripurna yang terfasilitasi tepat waktu", "%", "+", 92, 1, 0),
          ("Persentase aspirasi masyarakat yang ditindaklanjuti", "%", "+", 65, 3, 0),
          ("Indeks kepuasan anggota DPRD terhadap layanan kesekretariatan", "indeks", "+", 78, 1, 0)],
         core=True),
    _opd("INSPEKTORAT", "Inspektorat Daerah", (6, 5, 0.8), 0.25,
         ["Meningkatnya kualitas pengawasan internal"],
         [("Level maturitas SPIP", "level", "+", 2.6, 0.15, 0),
          ("Level kapabilitas APIP", "level", "+", 2.4, 0.15, 0),
          ("Persentase temuan BPK yang belum ditindaklanjuti", "%", "-", 18, -1.5, 0),
          ("Persentase rekomendasi hasil pengawasan yang ditindaklanjuti", "%", "+", 80, 2, 0)], core=True),
    _opd("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", (5, 9, 0.8), 0.40,
         ["Meningkatnya kualitas perencanaan pembangunan daerah", "Meningkatnya kesejahteraan masyarakat"],
         [("Waktu penyelesaian dokumen RKPD", "bulan", "-", 7, 0, 0, 1),
          ("Persentase konsistensi program RKPD dengan RPJMD", "%", "+", 85, 2, 0),
          ("Indeks Pembangunan Manusia", "indeks", "+", 68.5, 0.5, 1),
          ("Persentase penduduk miskin", "%", "-", 11.8, -0.4, 1),
          ("Persentase usulan Musrenbang yang diakomodasi dalam RKPD", "%", "+", 40, 2, 0),
          ("Pertumbuhan ekonomi daerah", "%", "+", 5.2, 0.05, 1)], core=True),
    _opd("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah", (10, 12, 3), 0.25,
         ["Meningkatnya kualitas pengelolaan keuangan dan aset daerah"],
         [("Persentase aset daerah yang bersertifikat", "%", "+", 55, 5, 0),
          ("Persentase realisasi belanja daerah", "%", "+", 90, 0.5, 0),
          ("Waktu penyampaian LKPD unaudited", "hari", "-", 85, -1, 0),
          ("Persentase SP2D yang diterbitkan tepat waktu", "%", "+", 88, 1.5, 0)], core=True),
    _opd("BAPENDA", "Badan Pendapatan Daerah", (6, 10, 1), 0.25,
         ["Meningkatnya pendapatan asli daerah"],
         [("Persentase realisasi pendapatan asli daerah terhadap target", "%", "+", 92, 0.5, 0),
          ("Rasio PAD terhadap total pendapatan daerah", "%", "+", 9, 0.5, 0),
          ("Rasio tunggakan PBB-P2", "%", "-", 22, -1, 0),
          ("Jumlah wajib pajak daerah terdaftar", "orang", "+", 18000, 800, 0)]),
    _opd("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", (5, 8, 0.6), 0.25,
         ["Meningkatnya profesionalitas aparatur sipil negara"],
         [("Indeks profesionalitas ASN", "indeks", "+", 58, 2, 0),
          ("Persentase ASN yang mengikuti pengembangan kompetensi 20 JP", "%", "+", 45, 6, 0),
          ("Persentase ASN yang dijatuhi hukuman disiplin", "%", "-", 1.4, -0.1, 0),
          ("Persentase layanan kepegawaian yang selesai tepat waktu", "%", "+", 85, 2, 0)]),
    _opd("DISDIK", "Dinas Pendidikan", (75, 20, 16), 0.35,
         ["Meningkatnya akses dan mutu pendidikan dasar", "Meningkatnya kualitas pendidik"],
         [("Angka partisipasi murni SD/MI", "%", "+", 94, 0.5, 0),
          ("Angka partisipasi murni SMP/MTs", "%", "+", 76, 1, 0),
          ("Angka putus sekolah SD/MI", "%", "-", 0.45, -0.03, 0),
          ("Rata-rata nilai ujian sekolah SMP", "nilai", "+", 65, 1, 0),
          ("Persentase guru bersertifikat pendidik", "%", "+", 62, 3, 1),
          ("Persentase sekolah terakreditasi minimal B", "%", "+", 78, 2, 0),
          ("Persentase ruang kelas dalam kondisi rusak", "%", "-", 22, -1.5, 0),
          ("Jumlah peserta didik penerima bantuan pendidikan", "orang", "+", 4200, 150, 0)], core=True),
    _opd("DINKES", "Dinas Kesehatan", (35, 40, 15), None,
         ["Meningkatnya derajat kesehatan masyarakat", "Meningkatnya mutu pelayanan kesehatan dasar"],
         [("Angka kematian bayi", "per 1.000 KH", "-", 13, -0.4, 0),
          ("Angka kematian ibu", "per 100.000 KH", "-", 115, -3, 0),
          ("Prevalensi balita stunting", "%", "-", 27, -1.5, 0),
          ("Persentase persalinan di fasilitas pelayanan kesehatan", "%", "+", 88, 1.5, 1),
          ("Cakupan imunisasi dasar lengkap", "%", "+", 90, 1, 1),
          ("Persentase puskesmas terakreditasi", "%", "+", 60, 8, 1),
          ("Jumlah kasus demam berdarah dengue", "kasus", "-", 260, -10, 0),
          ("Persentase penduduk yang memiliki jaminan kesehatan", "%", "+", 78, 3, 1)], core=True),
    _opd("RSUD", "Rumah Sakit Umum Daerah", (25, 45, 10), None,
         ["Meningkatnya mutu pelayanan rumah sakit"],
         [("Bed occupancy rate (BOR)", "%", "r", 60, 0, 0, 20),
          ("Net death rate (NDR)", "per 1.000 pasien", "-", 25, -0.5, 0),
          ("Rata-rata waktu tunggu pelayanan rawat jalan", "menit", "-", 60, -2, 0),
          ("Indeks kepuasan pasien", "indeks", "+", 78, 1, 0),
          ("Persentase pemenuhan standar pelayanan minimal rumah sakit", "%", "+", 80, 2, 0),
          ("Cost recovery rate", "%", "+", 85, 1.5, 0)], core=True),
    _opd("PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", (8, 12, 85), 0.50,
         ["Meningkatnya kualitas infrastruktur jalan dan jembatan", "Meningkatnya layanan sumber daya air"],
         [("Persentase panjang jalan dalam kondisi mantap", "%", "+", 62, 2.5, 0),
          ("Persentase jembatan dalam kondisi baik", "%", "+", 70, 2, 0),
          ("Persentase jalan dalam kondisi rusak berat", "%", "-", 15, -1, 0),
          ("Persentase luas daerah irigasi dalam kondisi baik", "%", "+", 58, 2, 1),
          ("Luas kawasan tergenang banjir", "ha", "-", 240, -10, 1),
          ("Persentase rumah tangga dengan akses air minum layak", "%", "+", 72, 2.5, 1),
          ("Panjang jalan yang ditingkatkan", "km", "+", 35, 1, 0)], core=True),
    _opd("PERKIM", "Dinas Perumahan dan Kawasan Permukiman", (4, 6, 30), 0.50,
         ["Meningkatnya kualitas perumahan dan kawasan permukiman"],
         [("Persentase rumah tidak layak huni", "%", "-", 12, -0.7, 0),
          ("Luas kawasan permukiman kumuh", "ha", "-", 90, -6, 0),
          ("Persentase rumah tangga dengan akses sanitasi layak", "%", "+", 70, 3, 0),
          ("Jumlah rumah tidak layak huni yang ditangani", "unit", "+", 300, 20, 0)]),
    _opd("SATPOLPP", "Satuan Polisi Pamong Praja", (8, 6, 1), 0.20,
         ["Meningkatnya ketenteraman dan ketertiban umum"],
         [("Persentase penegakan Perda dan Perkada", "%", "+", 75, 2, 0),
          ("Jumlah pelanggaran Perda", "kasus", "-", 420, -15, 0),
          ("Persentase gangguan trantibum yang tertangani", "%", "+", 85, 1.5, 0),
          ("Persentase anggota Satlinmas yang terlatih", "%", "+", 40, 5, 0)], core=True),
    _opd("BPBD", "Badan Penanggulangan Bencana Daerah", (3, 5, 3), 0.10,
         ["Meningkatnya ketangguhan daerah terhadap bencana"],
         [("Indeks risiko bencana", "indeks", "-", 150, -3, 0),
          ("Rata-rata waktu tanggap darurat bencana", "menit", "-", 45, -2, 0),
          ("Persentase desa/kelurahan tangguh bencana", "%", "+", 20, 3, 0),
          ("Persentase masyarakat yang mendapat sosialisasi kesiapsiagaan", "%", "+", 30, 4, 0)], core=True),
    _opd("DINSOS", "Dinas Sosial", (4, 9, 1), 0.10,
         ["Menurunnya penyandang masalah kesejahteraan sosial"],
         [("Persentase PMKS yang tertangani", "%", "+", 60, 3, 0),
          ("Persentase keluarga penerima manfaat yang tergraduasi", "%", "+", 8, 0.8, 0),
          ("Persentase data terpadu kesejahteraan sosial yang mutakhir", "%", "+", 70, 4, 0),
          ("Jumlah penyandang disabilitas yang mendapat rehabilitasi sosial", "orang", "+", 450, 20, 0)],
         core=True),
    _opd("DISNAKER", "Dinas Tenaga Kerja", (3, 4, 1), 0.40,
         ["Meningkatnya kesempatan kerja"],
         [("Tingkat pengangguran terbuka", "%", "-", 5.4, -0.15, 0),
          ("Persentase pencari kerja yang ditempatkan", "%", "+", 35, 2, 0),
          ("Jumlah tenaga kerja yang mendapat pelatihan berbasis kompetensi", "orang", "+", 600, 30, 0),
          ("Persentase perselisihan hubungan industrial yang diselesaikan", "%", "+", 75, 2, 0)]),
    _opd("DP3A", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", (2.5, 4, 0.5), 0.40,
         ["Meningkatnya kesetaraan gender dan perlindungan anak"],
         [("Indeks pembangunan gender", "indeks", "+", 88, 0.5, 0),
          ("Indeks pemberdayaan gender", "indeks", "+", 62, 1, 0),
          ("Jumlah kasus kekerasan terhadap perempuan dan anak", "kasus", "-", 130, -5, 0),
          ("Persentase kasus kekerasan yang tertangani", "%", "+", 85, 2, 0)]),
    _opd("KETAPANG", "Dinas Ketahanan Pangan", (3, 5, 2), 0.40,
         ["Meningkatnya ketahanan pangan masyarakat"],
         [("Skor pola pangan harapan", "skor", "+", 82, 1, 0),
          ("Persentase penduduk rawan pangan", "%", "-", 9, -0.4, 0),
          ("Ketersediaan energi per kapita", "kkal/kapita/hari", "+", 2400, 20, 0),
          ("Persentase pangan segar yang memenuhi syarat keamanan", "%", "+", 80, 2, 0)]),
    _opd("DLH", "Dinas Lingkungan Hidup", (12, 18, 8), 0.40,
         ["Meningkatnya kualitas lingkungan hidup", "Meningkatnya pengelolaan persampahan"],
         [("Indeks kualitas lingkungan hidup", "indeks", "+", 62, 0.8, 0),
          ("Persentase sampah yang tertangani", "%", "+", 65, 3, 1),
          ("Persentase timbulan sampah yang tidak terkelola", "%", "-", 30, -2, 1),
          ("Indeks kualitas air", "indeks", "+", 55, 1, 0),
          ("Persentase usaha/kegiatan yang taat izin lingkungan", "%", "+", 60, 3, 0)]),
    _opd("DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", (5, 6, 1.5), 0.25,
         ["Meningkatnya kualitas layanan administrasi kependudukan"],
         [("Persentase penduduk wajib KTP yang memiliki KTP elektronik", "%", "+", 92, 1, 0),
          ("Persentase anak yang memiliki akta kelahiran", "%", "+", 85, 2, 0),
          ("Rata-rata waktu penerbitan dokumen kependudukan", "hari", "-", 5, -0.3, 0),
          ("Persentase anak yang memiliki kartu identitas anak", "%", "+", 35, 8, 0),
          ("Jumlah dokumen kependudukan yang diterbitkan", "dokumen", "+", 42000, 1500, 0)], core=True),
    _opd("DPPKB", "Dinas Pengendalian Penduduk dan Keluarga Berencana", (6, 4, 1), 0.40,
         ["Terkendalinya pertumbuhan penduduk"],
         [("Laju pertumbuhan penduduk", "%", "r", 1.1, -0.02, 0, 0.2),
          ("Persentase peserta KB aktif", "%", "+", 68, 1, 0),
          ("Persentase unmet need KB", "%", "-", 11, -0.5, 0),
          ("Total fertility rate (TFR)", "anak per wanita", "-", 2.4, -0.03, 0)]),
    _opd("DISHUB", "Dinas Perhubungan", (5, 8, 10), 0.50,
         ["Meningkatnya keselamatan dan pelayanan transportasi"],
         [("Jumlah kecelakaan lalu lintas", "kasus", "-", 320, -10, 0),
          ("Persentase kendaraan wajib uji yang lulus uji berkala", "%", "+", 75, 2, 0),
          ("Persentase fasilitas perlengkapan jalan yang terpasang", "%", "+", 55, 3, 0),
          ("Persentase trayek angkutan umum yang terlayani", "%", "+", 70, 2, 0)]),
    _opd("KOMINFO", "Dinas Komunikasi dan Informatika", (3, 8, 3), 0.40,
         ["Meningkatnya penyelenggaraan pemerintahan berbasis elektronik"],
         [("Indeks SPBE", "indeks", "+", 2.1, 0.2, 0),
          ("Persentase perangkat daerah yang terhubung jaringan intra pemerintah", "%", "+", 60, 6, 0),
          ("Persentase informasi publik yang dipublikasikan tepat waktu", "%", "+", 80, 2, 0),
          ("Persentase aduan SP4N-LAPOR yang ditindaklanjuti", "%", "+", 75, 3, 0),
          ("Rata-rata waktu tindak lanjut aduan masyarakat", "hari", "-", 7, -0.4, 0)], core=True),
    _opd("KOPUKM", "Dinas Koperasi dan Usaha Kecil Menengah", (2.5, 4, 0.8), 0.40,
         ["Meningkatnya daya saing koperasi dan UMKM"],
         [("Persentase koperasi aktif", "%", "+", 55, 2, 0),
          ("Persentase koperasi sehat", "%", "+", 30, 2, 0),
          ("Jumlah UMKM yang naik kelas", "pelaku usaha", "+", 250, 20, 0),
          ("Jumlah UMKM yang masuk katalog elektronik", "pelaku usaha", "+", 150, 40, 0)]),
    _opd("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", (3, 3.5, 0.5), 0.35,
         ["Meningkatnya iklim investasi dan kualitas pelayanan perizinan"],
         [("Rata-rata waktu penyelesaian perizinan", "hari", "-", 6, -0.4, 0),
          ("Indeks kepuasan masyarakat atas pelayanan perizinan", "indeks", "+", 80, 0.8, 0),
          ("Persentase pertumbuhan nilai investasi", "%", "+", 8, 0.3, 0),
          ("Jumlah izin yang diterbitkan", "dokumen", "+", 2600, 120, 0)]),
    _opd("DISPORA", "Dinas Pemuda dan Olahraga", (2.5, 6, 6), 0.55,
         ["Meningkatnya peran pemuda dan prestasi olahraga"],
         [("Persentase organisasi kepemudaan yang aktif", "%", "+", 55, 3, 0),
          ("Jumlah atlet berprestasi tingkat provinsi dan nasional", "orang", "+", 120, 8, 0),
          ("Persentase sarana olahraga dalam kondisi baik", "%", "+", 50, 3, 0),
          ("Indeks pembangunan pemuda", "indeks", "+", 50, 1, 0)]),
    _opd("KESBANGPOL", "Badan Kesatuan Bangsa dan Politik", (2, 4, 0.3), 0.40,
         ["Terjaganya stabilitas politik dan kerukunan sosial"],
         [("Persentase partisipasi pemilih", "%", "+", 72, 1, 0),
          ("Persentase konflik sosial yang tertangani", "%", "+", 90, 1, 0),
          ("Persentase ormas yang terdaftar dan aktif", "%", "+", 60, 2, 0),
          ("Indeks kerukunan umat beragama", "indeks", "+", 72, 0.5, 0)]),
    _opd("DISPERPUS", "Dinas Perpustakaan", (2, 2.5, 1.5), 0.55,
         ["Meningkatnya budaya baca dan literasi masyarakat"],
         [("Tingkat gemar membaca masyarakat", "nilai", "+", 52, 2, 0),
          ("Jumlah pengunjung perpustakaan", "orang", "+", 38000, 1500, 0),
          ("Persentase koleksi bahan pustaka yang diperbarui", "%", "+", 12, 1, 0),
          ("Indeks pembangunan literasi masyarakat", "indeks", "+", 45, 2, 0)]),
    _opd("DISARSIP", "Dinas Kearsipan", (1.5, 1.5, 0.5), 0.50,
         ["Meningkatnya tertib pengelolaan arsip"],
         [("Persentase perangkat daerah yang tertib arsip", "%", "+", 45, 5, 0),
          ("Nilai pengawasan kearsipan", "nilai", "+", 60, 3, 0),
          ("Jumlah arsip statis yang diselamatkan", "arsip", "+", 1800, 150, 0)]),
    _opd("PARIWISATA", "Dinas Pariwisata", (2.5, 6, 5), 0.60,
         ["Meningkatnya daya tarik pariwisata daerah"],
         [("Jumlah kunjungan wisatawan", "orang", "+", 380000, 20000, 0),
          ("Lama tinggal rata-rata wisatawan", "hari", "+", 1.8, 0.05, 0),
          ("Persentase destinasi wisata yang dikelola sesuai standar", "%", "+", 40, 4, 0),
          ("Kontribusi sektor pariwisata terhadap PDRB", "%", "+", 3.2, 0.1, 0)]),
    _opd("KEBUDAYAAN", "Dinas Kebudayaan", (2, 4, 3), 0.55,
         ["Meningkatnya pelestarian dan pemajuan kebudayaan"],
         [("Persentase cagar budaya yang dilestarikan", "%", "+", 45, 4, 0),
          ("Persentase kelompok kesenian yang aktif", "%", "+", 55, 3, 0),
          ("Jumlah pengunjung museum daerah", "orang", "+", 15000, 800, 0),
          ("Persentase warisan budaya takbenda yang terdokumentasi", "%", "+", 35, 5, 0)]),
    _opd("DISTAN", "Dinas Pertanian", (12, 10, 12), 0.40,
         ["Meningkatnya produktivitas dan kesejahteraan petani"],
         [("Produktivitas padi", "ton/ha", "+", 5.4, 0.05, 0),
          ("Nilai tukar petani", "indeks", "+", 102, 0.5, 0),
          ("Persentase kelompok tani yang menerapkan teknologi budidaya", "%", "+", 45, 3, 0),
          ("Luas lahan pertanian yang terserang OPT", "ha", "-", 800, -30, 0)]),
    _opd("DISKAN", "Dinas Perikanan", (4, 4, 4), 0.40,
         ["Meningkatnya produksi dan konsumsi hasil perikanan"],
         [("Produksi perikanan budidaya", "ton", "+", 12000, 500, 0),
          ("Angka konsumsi ikan", "kg/kapita/tahun", "+", 38, 1.5, 0),
          ("Nilai tukar nelayan", "indeks", "+", 100, 0.5, 0),
          ("Persentase pembudidaya ikan yang bersertifikat CBIB", "%", "+", 20, 3, 0)]),
    _opd("DISDAG", "Dinas Perdagangan", (3, 4, 6), 0.45,
         ["Meningkatnya stabilitas harga dan kelancaran distribusi barang"],
         [("Tingkat inflasi daerah", "%", "r", 2.5, 0, 0, 1.5),
          ("Persentase pasar rakyat dalam kondisi baik", "%", "+", 50, 4, 0),
          ("Persentase alat ukur yang ditera ulang", "%", "+", 70, 3, 0),
          ("Pertumbuhan nilai ekspor daerah", "%", "+", 4, 0.2, 0)]),
    _opd("DISPERIN", "Dinas Perindustrian", (2, 3, 1.5), 0.50,
         ["Meningkatnya daya saing industri kecil dan menengah"],
         [("Pertumbuhan PDRB sektor industri pengolahan", "%", "+", 4.5, 0.1, 0),
          ("Jumlah industri kecil menengah yang dibina", "unit", "+", 300, 20, 0),
          ("Persentase IKM yang memiliki sertifikat halal atau SNI", "%", "+", 10, 2, 0)]),
    _opd("DPMD", "Dinas Pemberdayaan Masyarakat dan Desa", (3, 6, 0.5), 0.35,
         ["Meningkatnya kemandirian desa"],
         [("Indeks desa membangun", "indeks", "+", 0.62, 0.015, 0),
          ("Persentase desa mandiri", "%", "+", 5, 1.5, 0),
          ("Persentase desa yang menyampaikan laporan APBDes tepat waktu", "%", "+", 75, 3, 0),
          ("Persentase BUMDes yang aktif", "%", "+", 40, 4, 0),
          ("Persentase desa tertinggal", "%", "-", 18, -1.5, 0)], kind="kabupaten"),
]
KECAMATAN = _opd("KEC", "Kecamatan", (2.5, 1.8, 0.6), 0.35,
                 ["Meningkatnya kualitas pelayanan dan ketertiban di kecamatan"],
                 [("Persentase layanan PATEN yang diselesaikan tepat waktu", "%", "+", 85, 1.5, 0),
                  ("Rata-rata waktu penyelesaian layanan PATEN", "hari", "-", 3, -0.1, 0),
                  ("Persentase desa/kelurahan dengan administrasi pemerintahan tertib", "%", "+", 70, 3, 0),
                  ("Persentase gangguan ketenteraman yang tertangani", "%", "+", 80, 2, 0),
                  ("Persentase usulan Musrenbang kecamatan yang diakomodasi", "%", "+", 40, 2, 0),
                  ("Jumlah dokumen kependudukan yang difasilitasi", "dokumen", "+", 2500, 100, 0)])


def _digits(value: float, *, actual: bool) -> int:
    """Decimals kept so that rounding moves capaian by at most ~0.05 pp (targets: one fewer)."""
    v = abs(value)
    d = 2 if v >= 10 else 3 if v >= 1 else 4
    return d - 1 if not actual else d


def _round(value: float, unit: str, *, actual: bool) -> float:
    if unit in COUNT_UNITS:
        return float(round(value))
    return round(float(value), _digits(value, actual=actual))


def _entities(rng, code: str, kind: str, short: str) -> list[dict]:
    """OPDs of one region as they stood before the 2021 changes (a merged pair is two entities)."""
    forced = {"KOMINFO"} | (set(MERGE[1]) if code == MERGE[0] else set())
    pool = [o for o in CATALOGUE if o["kind"] in (None, kind)]
    must = [o for o in pool if o["core"] or o["key"] in forced]
    rest = [o for o in pool if o not in must]
    n_agencies = int(rng.integers(24, 33))
    pick = rng.choice(len(rest), size=max(n_agencies - len(must), 0), replace=False)
    chosen = must + [rest[i] for i in sorted(pick)]
    chosen = sorted(chosen, key=lambda o: CATALOGUE.index(o))
    n_kec = int(rng.integers(3, 7))
    kecs = [dict(KECAMATAN, key="KEC" + s.upper(), name=f"Kecamatan {short} {s}")
            for s in KECAMATAN_SUFFIXES[:n_kec]]
    return [dict(o) for o in chosen] + kecs


def _name_in(code: str, ent: dict, year: int) -> str:
    """OPD name in a given year, after the 2021 rename/merger in the two affected regions."""
    if year >= CHANGE_YEAR:
        if code == RENAME[0] and ent["key"] == RENAME[1]:
            return RENAME[2]
        if code == MERGE[0] and ent["key"] in MERGE[1]:
            return MERGE[2]
    return ent["name"]


def _opd_budget(rng, ent: dict, mult: float, growth: float) -> list[tuple]:
    """(year, spending_type, original, revised, spent) rows of one OPD entity."""
    base = np.array(ent["size"], dtype=float) * mult * rng.lognormal(0.0, 0.15, 3) * 1e9
    if ent["cut"] is None:  # health OPDs were topped up for COVID-19 care, not cut
        c20 = -np.array([rng.uniform(0, 0.04), rng.uniform(0.10, 0.30), rng.uniform(0.0, 0.25)])
        c21 = c20 * rng.uniform(0.6, 1.0)
    else:
        k = ent["cut"] + rng.uniform(-0.05, 0.05)
        c20 = np.array([rng.uniform(-0.02, 0.05), k * rng.uniform(0.85, 1.15),
                        min(0.75, k * 1.05 * rng.uniform(0.85, 1.15))])
        c21 = np.array([rng.uniform(-0.01, 0.03), k * 0.65 * rng.uniform(0.85, 1.15),
                        min(0.75, k * 0.7 * rng.uniform(0.85, 1.15))])
    rows = []
    for y in YEARS:
        level = (1 + growth) ** (y - 2019) * rng.lognormal(0.0, 0.04)
        for t, stype in enumerate(OPD_TYPES):
            orig = base[t] * level
            cut = c20[t] if y == 2020 else c21[t] if y == 2021 else rng.uniform(-0.08, 0.08)
            rev = orig * (1 - cut)
            if stype == "pegawai":
                absorb = rng.uniform(0.92, 0.99)
            elif stype == "modal" and y == 2020:  # tenders were stopped mid-year
                absorb = rng.uniform(0.65, 0.88)
            else:
                absorb = 0.85 + 0.13 * rng.beta(4, 2)
            rows.append((y, stype, orig, rev, rev * absorb))
    return rows


def _pemda_budget(rng, kind: str, mult: float, growth: float) -> list[tuple]:
    """(year, spending_type, original, revised, spent) of the pemda-level (non-OPD) spending types."""
    spec = {  # base Rp miliar, 2020 revised factor, 2021 revised factor, absorption range outside 2020-21
        "btt": (rng.uniform(2, 6), rng.uniform(6, 15), rng.uniform(1.5, 3.0), (0.05, 0.4)),
        "bansos": (rng.uniform(3, 10), rng.uniform(1.5, 2.5), rng.uniform(1.1, 1.5), (0.85, 0.98)),
        "hibah": (rng.uniform(15, 40), rng.uniform(0.85, 1.1), rng.uniform(0.9, 1.05), (0.85, 0.98)),
    }
    if kind == "kabupaten":
        spec["bantuan_keuangan"] = (rng.uniform(60, 120), rng.uniform(0.88, 0.97), rng.uniform(0.9, 0.98),
                                    (0.9, 0.99))
    rows = []
    for y in YEARS:
        for stype, (base, f20, f21, (lo, hi)) in spec.items():
            orig = base * mult * 1e9 * (1 + growth) ** (y - 2019) * rng.lognormal(0.0, 0.08)
            if stype == "btt" and y == 2021:  # the 2021 APBD murni already set aside more for COVID-19
                orig *= 2.0
            factor = f20 if y == 2020 else f21 if y == 2021 else 1 + rng.uniform(-0.08, 0.08)
            if stype == "btt" and y == 2020:
                absorb = rng.uniform(0.6, 0.9)
            elif stype == "btt" and y == 2021:
                absorb = rng.uniform(0.4, 0.8)
            else:
                absorb = rng.uniform(lo, hi)
            rows.append((y, stype, orig, orig * factor, orig * factor * absorb))
    return rows


def _map_opd(frame: pd.DataFrame, crosswalk: pd.DataFrame | None, column: str = "opd") -> pd.Series:
    """OPD names mapped through the crosswalk within each region (followed until stable)."""
    names = frame[column].astype(str)
    if crosswalk is None or len(crosswalk) == 0:
        return names
    lookup = {(str(r), str(o)): str(n) for r, o, n in
              crosswalk[["region_code", "opd_old", "opd_new"]].itertuples(index=False)}
    out = []
    for region, name in zip(frame["region_code"].astype(str), names):
        for _ in range(10):
            if (region, name) not in lookup:
                break
            name = lookup[(region, name)]
        out.append(name)
    return pd.Series(out, index=frame.index, dtype=names.dtype)


def truth_dose(tables: dict, *, years: tuple[int, ...] = REFOCUSING_YEARS) -> pd.DataFrame:
    """Each OPD's dose: its cut share of total budget over the refocusing years.

    ``dose = (sum budget_original - sum budget_revised) / sum budget_original`` over all spending types
    and the given years, after mapping OPD names through ``opd_crosswalk`` (a merged OPD has one dose).
    Pemda-level rows (``opd == ""``) are left out. This is the definition the analysis must match.

    Parameters
    ----------
    tables : dict
        Needs ``"anggaran"``; ``"opd_crosswalk"`` is used when present.
    years : tuple of int
        The refocusing years (default: from :class:`~kinerja_analysis.config.Periods`).

    Returns
    -------
    pandas.DataFrame
        Columns ``region_code, opd, dose``, sorted.

    Examples
    --------
    >>> d = truth_dose(generate())
    >>> list(d.columns), bool(d["dose"].min() < 0 < d["dose"].max())
    (['region_code', 'opd', 'dose'], True)
    """
    a = tables["anggaran"]
    a = a[a["year"].isin(years) & a["opd"].fillna("").astype(str).ne("")].copy()
    a["opd"] = _map_opd(a, tables.get("opd_crosswalk"))
    g = a.groupby(["region_code", "opd"], sort=True)[["budget_original", "budget_revised"]].sum()
    g["dose"] = (g["budget_original"] - g["budget_revised"]) / g["budget_original"]
    return g[["dose"]].reset_index()


def _actual(rng, a: float, target: float, upper: float, polarity: str, formula: str, unit: str) -> float:
    """Back out the realisasi that scores latent achievement ``a`` against ``target``."""
    pile = rng.random() < PILE_UP["share"]
    where = rng.random()
    if not math.isnan(upper):  # range target [target, upper]: inside scores 100, outside the near bound
        if polarity == "range":
            r = target + where * (upper - target) if a >= 96 else target * a / 100
        elif a > 104:
            r = target * (2 - a / 100)
        elif a < 96:
            r = upper * (2 - a / 100)
        else:
            r = target + where * (upper - target)
    elif pile and abs(a - 100) <= PILE_UP["window"]:  # reported as exactly on target
        r = target
    elif formula == "T/R":
        r = 100 * target / a
    elif polarity == "negative":
        r = target * (2 - a / 100)
    else:
        r = target * a / 100
    return _round(max(r, 0.0), unit, actual=True)


def _indicators(rng, code: str, ent: dict) -> list[tuple]:
    """The indicators an OPD reports: range and override indicators first, then a random draw."""
    merged = code == MERGE[0] and ent["key"] in MERGE[1]
    n = int(rng.integers(3, 5) if merged else rng.integers(3, 9))  # a merged OPD must stay <= 8
    own = [(i[0], i[1], i[2], i[3], i[4], ent["sasaran"][i[5]], i[6] if len(i) > 6 else None)
           for i in ent["indicators"]]
    pinned = [i for i in own if i[6] is not None or (ent["key"] == OVERRIDE[1] and i[0] == OVERRIDE[2])]
    rest = [i for i in own if i not in pinned]
    rest = [rest[j] for j in rng.permutation(len(rest))]
    generic = [GENERIC_INDICATORS[j] + (None,) for j in rng.permutation(len(GENERIC_INDICATORS))]
    return (pinned + rest + generic)[:n]


def _kinerja_rows(rng, code: str, ents: list[dict], dose: dict) -> list[dict]:
    region_effect = rng.normal(0.0, NOISE_SD["region"])
    polarity_of = {"+": "positive", "-": "negative", "r": "range"}
    rows = []
    for ent in ents:
        d = dose[(code, _name_in(code, ent, YEARS[-1]))]
        p_revise = REVISION["base"] + REVISION["slope_per_10pp"] * 10 * max(d, 0.0)
        for k, (name, unit, pol, base, step, sasaran, width) in enumerate(_indicators(rng, code, ent), 1):
            polarity = polarity_of[pol]
            u = rng.normal(0.0, NOISE_SD["indicator"])
            base = base * rng.uniform(0.9, 1.1)
            step = step * rng.uniform(0.7, 1.3)
            formula = "T/R" if (code, ent["key"], name) == OVERRIDE else ""
            for y in YEARS:
                t0 = max(base + step * (y - YEARS[0]), 0.2 * base)
                if unit == "%" and polarity == "positive":
                    t0 = min(t0, 100.0)
                t0 = _round(t0, unit, actual=False)
                upper = _round(t0 + width, unit, actual=False) if width else math.nan
                target, original = t0, math.nan
                # APBD-P lowered some targets (raised, for lower-is-better indicators); the harder the
                # OPD was cut, the likelier, so capaian against the revised target is inflated there.
                if y in REFOCUSING_YEARS and width is None and rng.random() < p_revise:
                    s = rng.uniform(*REVISION["lowered_by"])
                    target = _round(t0 * (1 - s if polarity == "positive" else 1 + s), unit, actual=False)
                    original = t0
                a = (100 + u + region_effect + YEAR_EFFECTS[y] + EVENT_STUDY_PER_10PP[y] * 10 * d
                     + rng.normal(0.0, NOISE_SD["residual"]))
                rows.append(dict(
                    region_code=code, year=y, opd=_name_in(code, ent, y), sasaran=sasaran,
                    indicator_id=f"IKU-{ent['key']}-{k:02d}", indicator=name, unit=unit, polarity=polarity,
                    target=target, target_upper=upper, target_original=original,
                    actual=_actual(rng, a, target, upper, polarity, formula, unit), formula=formula))
    return rows


@functools.lru_cache(maxsize=4)
def _build(seed: int) -> dict:
    """Generate everything once per seed: budgets first, then the dose, then achievements."""
    rng = np.random.default_rng(seed)
    regions, budget, plans = [], [], []
    for code, name, kind, short in REGIONS:
        regions.append(dict(region_code=code, bps_code=code.replace(".", ""), region_name=name, kind=kind,
                            province_code=code[:2]))
        mult = rng.uniform(0.75, 1.2) if kind == "kabupaten" else rng.uniform(0.6, 1.0)
        growth = rng.uniform(0.02, 0.06)
        ents = _entities(rng, code, kind, short)
        budget += [(code, y, "", t, o, r, s) for y, t, o, r, s in _pemda_budget(rng, kind, mult, growth)]
        for ent in ents:
            budget += [(code, y, _name_in(code, ent, y), t, o, r, s)
                       for y, t, o, r, s in _opd_budget(rng, ent, mult, growth)]
        plans.append((code, ents))

    cols = ["region_code", "year", "opd", "spending_type", "budget_original", "budget_revised", "spent"]
    ang = pd.DataFrame(budget, columns=cols)
    for c in ("budget_original", "budget_revised"):  # budgets are set in thousands of Rupiah
        ang[c] = (ang[c] / 1000).round() * 1000
    ang["spent"] = ang["spent"].round()
    ang = ang.groupby(cols[:4], sort=False, as_index=False)[cols[4:]].sum()  # a merged OPD: one row
    order = {t: i for i, t in enumerate(schema.SPENDING_TYPES)}
    ang = (ang.assign(_o=ang["spending_type"].map(order))
           .sort_values(["region_code", "year", "opd", "_o"], kind="stable").drop(columns="_o")
           .reset_index(drop=True))

    kominfo = next(o["name"] for o in CATALOGUE if o["key"] == RENAME[1])
    crosswalk = pd.DataFrame(
        [(RENAME[0], kominfo, RENAME[2], CHANGE_YEAR, RENAME[3])]
        + [(MERGE[0], o["name"], MERGE[2], CHANGE_YEAR, MERGE[3]) for o in CATALOGUE if o["key"] in MERGE[1]],
        columns=list(schema.CROSSWALK_COLUMNS))
    dose_frame = truth_dose({"anggaran": ang, "opd_crosswalk": crosswalk})
    dose = {(r, o): float(d) for r, o, d in dose_frame.itertuples(index=False)}

    rows = []
    for code, ents in plans:
        rows += _kinerja_rows(rng, code, ents, dose)
    kin = pd.DataFrame(rows)
    # a few zero targets ("nol kasus"): capaian is undefined there and must be flagged, not computed
    candidates = np.flatnonzero(((kin["unit"] == "kasus") & (kin["polarity"] == "negative")
                                 & kin["target_original"].isna() & (kin["formula"] == "")).to_numpy())
    zero = rng.choice(candidates, size=N_TARGET_ZERO, replace=False)
    kin.loc[zero, "target"] = 0.0
    kin.loc[zero, "actual"] = rng.integers(0, 4, size=N_TARGET_ZERO).astype(float)
    missing = rng.random(len(kin)) < MISSING_SHARE
    missing[zero] = False
    kin.loc[missing, "actual"] = np.nan
    kin = kin.sort_values(["region_code", "year", "opd", "indicator_id"], kind="stable")
    kin = kin.reset_index(drop=True)

    stats = {
        "rows_kinerja": int(len(kin)), "rows_anggaran": int(len(ang)),
        "targets_revised": int(kin["target_original"].notna().sum()),
        "actual_equals_target": int(((kin["actual"] == kin["target"]) & (kin["target"] > 0)).sum()),
        "actual_missing": int(kin["actual"].isna().sum()), "target_zero": N_TARGET_ZERO,
        "negative_share": round(float((kin["polarity"] == "negative").mean()), 4),
        "range_rows": int(kin["target_upper"].notna().sum()),
        "dose_min": round(float(dose_frame["dose"].min()), 4),
        "dose_max": round(float(dose_frame["dose"].max()), 4),
        "dose_mean": round(float(dose_frame["dose"].mean()), 4), "n_opd_units": int(len(dose_frame)),
    }
    tables = {"kinerja": kin, "anggaran": ang, "regions": pd.DataFrame(regions), "opd_crosswalk": crosswalk}
    return {"tables": tables, "stats": stats}


def generate(seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """Generate the demo tables (tidy, English column names), fully determined by ``seed``.

    Parameters
    ----------
    seed : int
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``kinerja``, ``anggaran``, ``regions`` and ``opd_crosswalk``. Polarity is in English
        (positive/negative/range); blank text is ``""`` (``opd`` of pemda-level budget rows, ``formula``
        where no override applies); ``target_original`` is NaN where APBD-P did not revise the target.

    Examples
    --------
    >>> t = generate()
    >>> sorted(t)
    ['anggaran', 'kinerja', 'opd_crosswalk', 'regions']
    >>> t["regions"]["region_code"].tolist()
    ['99.01', '99.02', '99.03', '99.04', '99.71', '99.72']
    """
    return {k: v.copy() for k, v in _build(int(seed))["tables"].items()}


def truth(seed: int = DEFAULT_SEED) -> dict:
    """The planted parameters (what an analysis of the demo data should recover), as in ``truth.json``.

    Parameters
    ----------
    seed : int
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    dict
        JSON-ready; year keys are strings.

    Examples
    --------
    >>> t = truth()
    >>> t["did_refocusing_per_10pp"], t["did_post_per_10pp"], t["reference_year"]
    (-3.0, -1.0, 2019)
    """
    pre = np.mean([EVENT_STUDY_PER_10PP[y] for y in PERIODS.years("pre")])
    per = {p: round(float(np.mean([EVENT_STUDY_PER_10PP[y] for y in PERIODS.years(p)]) - pre), 6)
           for p in ("refocusing", "post")}
    stats = _build(int(seed))["stats"]
    return {
        "seed": int(seed),
        "synthetic": True,
        "did_refocusing_per_10pp": per["refocusing"],
        "did_post_per_10pp": per["post"],
        "event_study_per_10pp": {str(y): b for y, b in EVENT_STUDY_PER_10PP.items()},
        "reference_year": PERIODS.reference_year,
        "periods": {p: list(getattr(PERIODS, p)) for p in PERIODS.names},
        "year_effects": {str(y): e for y, e in YEAR_EFFECTS.items()},
        "noise_sd": dict(NOISE_SD),
        "latent_model": "a = 100 + u_indicator + region_effect + year_effect[year] "
                        "+ event_study_per_10pp[year] * (10 * dose) + e",
        "dose_definition": "per OPD after mapping names through opd_crosswalk: (sum budget_original - sum "
                           "budget_revised) / sum budget_original over all spending types, years "
                           + "-".join(str(y) for y in (REFOCUSING_YEARS[0], REFOCUSING_YEARS[-1])),
        "dose": {"min": stats["dose_min"], "max": stats["dose_max"], "mean": stats["dose_mean"],
                 "n_opd": stats["n_opd_units"]},
        "target_revision": {
            "years": list(REFOCUSING_YEARS), "probability": "0.05 + 0.03 * (10 * max(dose, 0))",
            "base": REVISION["base"], "slope_per_10pp": REVISION["slope_per_10pp"],
            "lowered_by": list(REVISION["lowered_by"]),
            "direction": "positive: target lowered; negative: target raised; range targets never revised",
            "target_original": "the murni target where APBD-P revised it; blank means not revised",
            "rows": stats["targets_revised"],
        },
        "pile_up": {"window_pp": PILE_UP["window"], "share": PILE_UP["share"],
                    "rule": "rows with |a - 100| <= window are reported with actual == target with "
                            "probability share (range rows excluded)",
                    "rows_actual_equals_target": stats["actual_equals_target"]},
        "missing_actual": {"share": MISSING_SHARE, "markers": list(MISSING_MARKERS),
                           "rows": stats["actual_missing"]},
        "target_zero_rows": stats["target_zero"],
        "formula_override": {"region_code": OVERRIDE[0], "indicator": OVERRIDE[2], "formula": "T/R"},
        "counts": {"kinerja_rows": stats["rows_kinerja"], "anggaran_rows": stats["rows_anggaran"],
                   "negative_polarity_share": stats["negative_share"], "range_rows": stats["range_rows"]},
        "note": "The effects are defined on achievement against the revised target (the `target` column) "
                "before the pile-up at 100 %, range targets, zero targets and missing actuals add noise; "
                "did_* are per 10 percentage points of dose, relative to the pre period (2018-2019). "
                "Actuals are rounded (whole numbers for count units), moving capaian by < 0.5 pp.",
    }


def _number(value) -> str:
    """Indonesian decimal comma, no thousands separator, no trailing zeros; NaN -> ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", ",")


def _rupiah(value) -> str:
    return "" if pd.isna(value) else str(int(round(float(value))))


_POLARITY_ID = {"positive": "positif", "negative": "negatif", "range": "rentang"}


def _csv(frame: pd.DataFrame, formats: dict) -> str:
    """CSV text with Indonesian headers; ``formats`` maps each tidy column to a value formatter."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow([schema.INDONESIAN_HEADERS[c] for c in formats])
    missing = 0
    for row in frame[list(formats)].itertuples(index=False):
        cells = []
        for col, value in zip(formats, row):
            if col == "actual" and pd.isna(value):  # both spellings analysts use, alternating
                cells.append(MISSING_MARKERS[missing % len(MISSING_MARKERS)])
                missing += 1
            else:
                cells.append(formats[col](value))
        out.writerow(cells)
    return buf.getvalue()


def _text(value) -> str:
    return "" if pd.isna(value) else str(value)


KINERJA_FORMAT = {
    "region_code": _text, "year": _text, "opd": _text, "sasaran": _text, "indicator_id": _text,
    "indicator": _text, "unit": _text, "polarity": lambda v: _POLARITY_ID[v], "target": _number,
    "target_upper": _number, "target_original": _number, "actual": _number, "formula": _text,
}
ANGGARAN_FORMAT = {
    "region_code": _text, "year": _text, "opd": _text, "spending_type": _text,
    "budget_original": _rupiah, "budget_revised": _rupiah, "spent": _rupiah,
}
REGIONS_FORMAT = {c: _text for c in ("region_code", "bps_code", "region_name", "kind", "province_code")}
CROSSWALK_FORMAT = {c: _text for c in schema.CROSSWALK_COLUMNS}


def _table(formats: dict) -> str:
    return "\n".join(f"| `{schema.INDONESIAN_HEADERS[c]}` | `{c}` |" for c in formats)


def _readme(tables: dict, t: dict) -> str:
    kin, ang = tables["kinerja"], tables["anggaran"]
    n_opd = kin.groupby(["region_code", "year"])["opd"].nunique()
    return f"""# Demo data (SYNTHETIC) / data demo (SINTETIS)

> **SYNTHETIC DATA - DATA SINTETIS.** Every region, OPD, indicator and Rupiah in this folder is invented.
> The six pemda of the fictional province "99" (for example "99.01 Kabupaten Sukamaju (fiktif)") do not
> exist. The folder was made by `kinerja demo` (`kinerja_analysis.ingest.demo.write`, seed {t["seed"]}) to show
> the analyst template format and to test the workbook against known, planted effects.
> Never cite these numbers as evidence about a real pemda.
> *Semua wilayah dan angka di folder ini fiktif, dibuat oleh `kinerja demo`.*

## Files

| file | rows | content |
|---|---|---|
| `kinerja.csv` | {len(kin)} | Perjanjian Kinerja indicators: target and realisasi by region, year, OPD |
| `anggaran.csv` | {len(ang)} | budgets: pagu murni, pagu perubahan, realisasi by spending type |
| `regions.csv` | {len(tables["regions"])} | the fictional pemda |
| `opd_crosswalk.csv` | {len(tables["opd_crosswalk"])} | OPD renamed or merged in {CHANGE_YEAR} |
| `truth.json` | | the planted parameters an analysis should recover |
| `README.md` | | this file |

Years {YEARS[0]}-{YEARS[-1]}; {n_opd.min()}-{n_opd.max()} OPDs per region and year, 3-8 indicators per OPD.
CSV files are UTF-8 with a header row of the Indonesian names analysts use (the reader also accepts the
English tidy names). Numbers in `kinerja.csv` use the Indonesian decimal comma ("89,5") without
thousands separators, so such cells are quoted. Budgets in `anggaran.csv` are whole Rupiah in plain digits.

## Columns

`kinerja.csv` (header | tidy name):

| header | tidy name |
|---|---|
{_table(KINERJA_FORMAT)}

- `polaritas`: `positif` (higher is better, capaian R/T), `negatif` (lower is better, (2T-R)/T by
  default) or `rentang` (a range [`target`, `target_atas`]; inside it scores 100). A few `negatif`
  indicators also have a range, such as "waktu penyelesaian dokumen RKPD" of 7-8 months.
- `target`: the target in force at the end of the year (after APBD-P). `target_murni`: the original PK
  target, filled **only** where APBD-P revised it; blank means not revised.
- `realisasi`: "n/a" or "-" where the actual was not reported.
- `rumus`: blank, or a per-row formula override (`T/R`) for one negative indicator in region
  {OVERRIDE[0]}, as some LKjIPs score it.

`anggaran.csv`:

| header | tidy name |
|---|---|
{_table(ANGGARAN_FORMAT)}

`jenis_belanja`: `pegawai`, `barang_jasa`, `modal` for OPDs; pemda-level rows (empty `opd`) hold
`btt` (belanja tidak terduga), `bansos`, `hibah` and, for kabupaten, `bantuan_keuangan`.

`regions.csv`: {", ".join(f"`{schema.INDONESIAN_HEADERS[c]}`" for c in REGIONS_FORMAT)}.
`opd_crosswalk.csv`: {", ".join(f"`{schema.INDONESIAN_HEADERS[c]}`" for c in CROSSWALK_FORMAT)}.
In {RENAME[0]} "Dinas Komunikasi dan Informatika" became "{RENAME[2]}"; in {MERGE[0]} Dinas
Pariwisata and Dinas Kebudayaan merged into "{MERGE[2]}". Indicator codes continue across the change.

## Planted effects (see `truth.json`)

- Budgets: in 2020-21 barang/jasa and modal were cut hard (roughly 20-60 %, by OPD), pegawai barely;
  Dinas Kesehatan and the RSUD got more; `btt` jumped several-fold in 2020 and `bansos` rose. Other
  years have small revisions (up to 8 %). Realisasi is mostly 85-98 % of pagu perubahan, less for
  modal in 2020.
- Dose: each OPD's cut share of its total budget over 2020-21 after the crosswalk,
  (sum pagu_murni - sum pagu_perubahan) / sum pagu_murni; it ranges from {t["dose"]["min"]} to
  {t["dose"]["max"]} here.
- Capaian (against `target`) falls with the dose: per 10 pp of cut, {t["did_refocusing_per_10pp"]} pp in the
  refocusing years and {t["did_post_per_10pp"]} pp after (event study, reference 2019:
  {", ".join(f"{y}: {b}" for y, b in t["event_study_per_10pp"].items())}).
  Latent capaian = 100 + indicator effect (sd {NOISE_SD["indicator"]}) + region effect
  (sd {NOISE_SD["region"]}) + year effect + effect x 10 x dose + noise (sd {NOISE_SD["residual"]});
  realisasi is backed out from it with the row's formula, then the mess below is added.
- Harder-cut OPDs lowered more targets in APBD-P 2020-21 ({t["target_revision"]["rows"]} rows), about
  {t["counts"]["negative_polarity_share"]:.0%} of rows are negative indicators, and
  {t["pile_up"]["rows_actual_equals_target"]} rows report realisasi exactly equal to target (the pile-up at
  100 %). {t["missing_actual"]["rows"]} actuals are missing and {t["target_zero_rows"]} targets are 0.

## Regenerate

```
kinerja demo --out data/demo
# or: python -c "import kinerja_analysis.ingest.demo as d; d.write('data/demo')"
```

The same seed gives byte-identical files (with the same numpy version).
"""


def write(out_dir, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the demo data folder in the analyst template format.

    Parameters
    ----------
    out_dir : str or os.PathLike
        Folder to write; created when missing. Existing files of the same names are replaced.
    seed : int
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    list of pathlib.Path
        ``kinerja.csv``, ``anggaran.csv``, ``regions.csv``, ``opd_crosswalk.csv``, ``truth.json``,
        ``README.md``. The same seed gives byte-identical files.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in write(tmp)][:2]
    ['kinerja.csv', 'anggaran.csv']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables, t = generate(seed), truth(seed)
    texts = {
        "kinerja.csv": _csv(tables["kinerja"], KINERJA_FORMAT),
        "anggaran.csv": _csv(tables["anggaran"], ANGGARAN_FORMAT),
        "regions.csv": _csv(tables["regions"], REGIONS_FORMAT),
        "opd_crosswalk.csv": _csv(tables["opd_crosswalk"], CROSSWALK_FORMAT),
        "truth.json": json.dumps(t, sort_keys=True, indent=2, ensure_ascii=False) + "\n",
        "README.md": _readme(tables, t),
    }
    paths = []
    for name, text in texts.items():
        path = out / name
        path.write_bytes(text.encode("utf-8"))  # bytes: no platform newline translation
        paths.append(path)
    return paths
