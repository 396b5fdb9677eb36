"""Default texts a cycle starts with; the admin may rewrite them before the cycle runs."""

from django.utils.translation import gettext_lazy as _

DEFAULT_PURPOSE = _(
    "Penilaian 360° ini memetakan kompetensi setiap pegawai terhadap standar kompetensi jabatannya "
    "dari beberapa sumber sekaligus — diri sendiri, atasan, rekan kerja, dan bawahan — agar "
    "penilaian lebih objektif dan lengkap daripada penilaian satu orang."
)
DEFAULT_USE = _(
    "Hasilnya dipakai untuk pengembangan: menunjukkan kesenjangan kompetensi setiap pegawai dan "
    "pelatihan yang menutupnya (setiap ASN berhak atas minimal 20 JP pengembangan kompetensi per "
    "tahun), serta sebagai salah satu dasar pemetaan talenta dan pengembangan karier. Penilaian "
    "perilaku kerja (BerAKHLAK) menjadi masukan bagi atasan dalam menetapkan rating perilaku."
)
DEFAULT_VISIBILITY = _(
    "Jawaban rekan kerja dan bawahan bersifat anonim: tidak ada orang — termasuk pegawai yang "
    "dinilai, atasan, dan admin — yang melihat siapa menjawab apa. Hasil kelompok rekan atau bawahan "
    "hanya ditampilkan bila penilainya paling sedikit sebanyak ambang anonimitas; bila kurang, "
    "kelompok digabung atau tidak ditampilkan. Penilaian atasan tidak anonim. Pegawai melihat "
    "hasilnya sendiri; atasan melihat hasil timnya; admin kepegawaian melihat rekap instansi."
)
DEFAULT_OBJECTION = _(
    "Pegawai yang tidak sependapat dengan hasilnya dapat mengajukan keberatan secara tertulis "
    "kepada atasan dari pejabat penilai dalam 14 hari sejak menerima hasil, disertai alasan. Kedua "
    "pihak didengar dan keputusan atas keberatan dicatat."
)

# The window for an objection that DEFAULT_OBJECTION states: the home page counts it down.
OBJECTION_DAYS = 14
