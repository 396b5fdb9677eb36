"""Plain-Indonesian explanations of every stored number: inputs, weights and formula.

Pure functions over a stored item dict (EmployeeResult.items[code]), the row's fields and
CycleResult.policy: they never touch the database and never recompute a stored number (they
show how it was made and quote the stored value as the result). docs/scoring.md has the rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinerja.assessment.models import WorkResult
from kinerja.scoring.numbers import round2
from kinerja.scoring.policy import JPM_CATEGORY_SETS, rater_model_of
from kinerja.scoring.ratings import PREDIKAT_MATRIX
from kinerja.scoring.standards import jpm_category as jpm_category_of
from kinerja.scoring.talent import kinerja_axis, potensial_axis
from kinerja.scoring.uncertainty import Z95, category_uncertain, interval, reading

from .models import JpmCategory, Predikat

Item = Mapping[str, Any]
Policy = Mapping[str, Any]

GROUP_ORDER = ("atasan", "rekan", "bawahan", "rekan_bawahan", "diri")
GROUP_LABELS: dict[str, Any] = {
    "atasan": gettext_lazy("Atasan"),
    "rekan": gettext_lazy("Rekan kerja"),
    "bawahan": gettext_lazy("Bawahan"),
    "rekan_bawahan": gettext_lazy("Rekan & bawahan"),
    "diri": gettext_lazy("Diri sendiri"),
}
RATING_LABELS = dict(WorkResult.Rating.choices)
PREDIKAT_LABELS = dict(Predikat.choices)
JPM_LABELS = dict(JpmCategory.choices)
AXIS_LABELS: dict[str, Any] = {
    "di_atas": gettext_lazy("di atas ekspektasi"),
    "sesuai": gettext_lazy("sesuai ekspektasi"),
    "di_bawah": gettext_lazy("di bawah ekspektasi"),
    "tinggi": gettext_lazy("tinggi"),
    "menengah": gettext_lazy("menengah"),
    "rendah": gettext_lazy("rendah"),
}
# PermenPANRB 3/2020: the recommended follow-up of each box (DOMAIN.md §7).
NINE_BOX_FOLLOW_UP: dict[int, Any] = {
    9: gettext_lazy(
        "Dipromosikan dan dipertahankan; masuk kelompok rencana suksesi instansi/nasional; "
        "diberi penghargaan."
    ),
    8: gettext_lazy(
        "Dipertahankan; masuk kelompok rencana suksesi; rotasi atau perluasan jabatan; "
        "bimbingan kinerja (coaching)."
    ),
    7: gettext_lazy(
        "Dipertahankan; masuk kelompok rencana suksesi; rotasi atau pengayaan jabatan; "
        "pengembangan kompetensi; tugas belajar."
    ),
    6: gettext_lazy("Penempatan yang sesuai; bimbingan kinerja dan konseling kinerja."),
    5: gettext_lazy("Penempatan yang sesuai; bimbingan kinerja; pengembangan kompetensi."),
    4: gettext_lazy("Rotasi; pengembangan kompetensi."),
    3: gettext_lazy(
        "Bimbingan kinerja; konseling kinerja; pengembangan kompetensi; penempatan yang sesuai."
    ),
    2: gettext_lazy("Bimbingan kinerja; pengembangan kompetensi; penempatan yang sesuai."),
    1: gettext_lazy("Ditangani sesuai ketentuan peraturan disiplin pegawai."),
}
SUCCESSION_POOL = (7, 8, 9)


# --- numbers as shown ---------------------------------------------------------------------------


def num(value: float) -> str:
    """A score as displayed: rounded half up, two decimals, the active language's separator."""
    return number_format(Decimal(f"{round2(float(value)):.2f}"), 2)


def level(value: float) -> str:
    """A level or count: whole numbers without decimals (3), others as a score (3,50)."""
    value = float(value)
    return str(int(value)) if value.is_integer() else num(value)


def weight(value: float) -> str:
    """A weight without trailing zeros: 0,5 · 0,25 · 1."""
    text = f"{round(float(value), 4):.4f}".rstrip("0").rstrip(".")
    return number_format(Decimal(text))


def percent(value: float) -> str:
    return f"{weight(float(value) * 100)} %"


def _join(parts: Iterable[str], sep: str = " + ") -> str:
    return sep.join(parts)


# --- one item -----------------------------------------------------------------------------------


def group_means(item: Item) -> str:
    """'Atasan 4,00 (1) · Rekan & bawahan 3,00 (3)': the groups that entered the score."""
    groups = item.get("groups") or {}
    parts = [
        f"{GROUP_LABELS.get(name, name)} {num(groups[name]['mean'])} ({groups[name]['n']})"
        for name in _ordered(groups)
    ]
    return " · ".join(parts)


def flag_labels(item: Item, policy: Policy) -> list[str]:
    """The item's flags in words (low agreement is shown as a badge, not here)."""
    flags = set(item.get("flags") or ())
    out = []
    if "tidak_ada_data" in flags:
        out.append(_("tidak ada data"))
    if "anonim_dihapus" in flags:
        out.append(
            _("dihapus: kurang dari %(k)s penilai anonim")
            % {"k": policy.get("min_anonymous_raters", 3)}
        )
    elif "anonim_digabung" in flags:
        out.append(_("digabung untuk menjaga anonimitas"))
    return out


def is_low_agreement(item: Item) -> bool:
    return "kesepakatan_rendah" in (item.get("flags") or ())


def _ordered(groups: Mapping[str, Any]) -> list[str]:
    known = [g for g in GROUP_ORDER if g in groups]
    return known + sorted(g for g in groups if g not in GROUP_ORDER)


def _weights(policy: Policy) -> dict[str, float]:
    raw = policy.get("weights") or {}
    return {g: float(raw.get(g, 0.0)) for g in ("atasan", "rekan", "bawahan", "diri")}


def group_weights(item: Item, policy: Policy) -> dict[str, float]:
    """The weight each group entered the score with, as the engine recorded it ("w", scoring
    version 1.1). Results stored by version 1.0 have no trace: there a pooled anonymous group
    weighs rekan + bawahan (a pool is only kept when both had answers)."""
    groups = item.get("groups") or {}
    if groups and all(g.get("w") is not None for g in groups.values()):
        return {name: float(g["w"]) for name, g in groups.items()}
    weights = _weights(policy)
    pooled = weights["rekan"] + weights["bawahan"]
    return {
        g: pooled if g == "rekan_bawahan" else weights.get(g, 0.0)
        for g in (item.get("groups") or {})
    }


def _weighted(groups: Mapping[str, Any], weights: Mapping[str, float]) -> float:
    den = sum(weights[g] for g in groups)
    return sum(weights[g] * float(groups[g]["mean"]) for g in groups) / den if den else 0.0


def item_score(item: Item, policy: Policy) -> list[str]:
    """How an item's score was made: the weighted mean of the group means."""
    groups = item.get("groups") or {}
    weights = _weights(policy)
    k = policy.get("min_anonymous_raters", 3)
    flags = set(item.get("flags") or ())
    lines: list[str] = []
    if item.get("score") is None or not groups:
        lines.append(
            _(
                "Belum ada nilai: tidak ada penilaian dari kelompok penilai yang berbobot "
                "(atasan, rekan kerja, bawahan)."
            )
        )
    else:
        used = group_weights(item, policy)
        order = _ordered(groups)
        terms = _join(f"{weight(used[g])} × {num(groups[g]['mean'])}" for g in order)
        dens = _join(weight(used[g]) for g in order)
        if len(order) == 1:
            lines.append(
                _("Nilai = (%(terms)s) ÷ %(den)s = %(score)s.")
                % {"terms": terms, "den": dens, "score": num(item["score"])}
            )
        else:
            lines.append(
                _("Nilai = (%(terms)s) ÷ (%(den)s) = %(score)s.")
                % {"terms": terms, "den": dens, "score": num(item["score"])}
            )
        parts = []
        for g in order:
            if g == "rekan_bawahan":
                pooled = [percent(weights[r]) for r in ("rekan", "bawahan") if weights[r] > 0]
                parts.append(
                    _(
                        "rekan & bawahan digabung (%(weights)s) karena salah satu kelompok "
                        "kurang dari %(k)s penilai"
                    )
                    % {"weights": _join(pooled), "k": k}
                )
            else:
                parts.append(
                    _("%(group)s %(weight)s")
                    % {"group": str(GROUP_LABELS.get(g, g)).lower(), "weight": percent(used[g])}
                )
        lines.append(_("Bobot %(parts)s.") % {"parts": ", ".join(parts)})
        full = sum(w for g, w in weights.items() if w > 0)
        if sum(used.values()) + 1e-9 < full:
            lines.append(
                _(
                    "Kelompok yang tidak menilai butir ini tidak dihitung; karena dibagi jumlah "
                    "bobot yang dipakai, bobot kelompok lain naik sebanding."
                )
            )
        if round2(_weighted(groups, used)) != round2(float(item["score"])):
            lines.append(
                _(
                    "Rata-rata kelompok di atas ditampilkan dibulatkan; perhitungan memakai "
                    "nilai lengkapnya dan hanya hasil akhirnya yang dibulatkan."
                )
            )
    if "anonim_dihapus" in flags:
        lines.append(
            _(
                "Penilaian rekan & bawahan tidak dihitung dan tidak ditampilkan: jumlahnya "
                "kurang dari %(k)s penilai, sehingga dihapus untuk menjaga anonimitas."
            )
            % {"k": k}
        )
    model = rater_model_of(policy.get("rater_model"), policy.get("rater_correction"))
    if model == "additive":
        lines.append(
            _(
                "Koreksi efek penilai aktif: nilai atasan dikoreksi dari kecenderungan "
                "murah/pelit nilai setiap atasan sebelum dirata-ratakan."
            )
        )
    elif model == "ordinal":
        lines.append(
            _(
                "Model penilai ordinal aktif: nilai atasan dikoreksi dari kecenderungan "
                "murah/pelit nilainya, dengan memperhitungkan batas skala 1 dan 5, dan atasan "
                "yang lebih konsisten berbobot lebih besar di dalam kelompok atasan."
            )
        )
    if item.get("self") is not None:
        if weights["diri"] > 0:
            lines.append(
                _("Penilaian diri (%(self)s) ikut dihitung dengan bobot %(weight)s.")
                % {"self": level(item["self"]), "weight": percent(weights["diri"])}
            )
        else:
            lines.append(
                _("Penilaian diri (%(self)s) tidak dihitung (bobot 0) tetapi ditampilkan.")
                % {"self": level(item["self"])}
            )
    return lines


def _clipped(value: float, se: float, low: float, high: float) -> tuple[float, float]:
    lo, hi = interval(value, se)
    return max(lo, low), min(hi, high)


def band(value: float | None, se: float | None, low: float = 1.0, high: float = 5.0) -> str:
    """The 95 % interval as shown: "3,80–5,00" (clipped to the scale), "" without an error."""
    if value is None or se is None:
        return ""
    lo, hi = _clipped(value, se, low, high)
    return f"{num(lo)}–{num(hi)}"


def uncertainty(item: Item, policy: Policy, sigma: float | None) -> list[str]:
    """How the score's standard error and 95 % interval were made (scoring/uncertainty.py),
    from the engine's stored error and group counts; nothing when results carry no error."""
    se, score = item.get("se"), item.get("score")
    groups = item.get("groups") or {}
    if se is None or score is None or sigma is None or not groups:
        return []
    used = {g: w for g, w in group_weights(item, policy).items() if w > 0}
    order = [g for g in _ordered(groups) if g in used]
    root = sum(used[g] ** 2 / max(int(groups[g]["n"]), 1) for g in order) ** 0.5
    return [
        _(
            "Ketidakpastian: SE = σ × √(%(terms)s) ÷ %(den)s = %(sigma)s × %(root)s ÷ %(den)s "
            "= %(se)s. σ = %(sigma)s adalah sebaran jawaban di dalam kelompok penilai, dihitung "
            "dari seluruh siklus (bukan dari kelompok Anda sendiri, agar jawaban tetap anonim)."
        )
        % {
            "terms": _join(f"{weight(used[g])}² ÷ {groups[g]['n']}" for g in order),
            "den": weight(sum(used.values())),
            "sigma": num(sigma),
            "root": num(root),
            "se": num(se),
        },
        _(
            "Rentang 95 %%: %(score)s ± %(z)s × %(se)s → %(band)s. Nilai sebenarnya kemungkinan "
            "besar ada di rentang ini; makin banyak penilai, makin sempit rentangnya."
        )
        % {"score": num(score), "z": num(Z95), "se": num(se), "band": band(score, se)},
    ]


def gap(item: Item) -> list[str]:
    """The gap to the position's standard and whether it is met."""
    score, required = item.get("score"), item.get("required")
    if required is None:
        return [
            _(
                "Jabatan ini tidak menetapkan level standar untuk butir ini, jadi selisih "
                "tidak dihitung."
            )
        ]
    if score is None:
        return [_("Belum ada nilai, jadi selisih dengan standar tidak dihitung.")]
    lines = [
        _("Selisih = nilai − level standar = %(score)s − %(required)s = %(gap)s.")
        % {"score": num(score), "required": level(required), "gap": num(item["gap"])}
    ]
    if item.get("meets"):
        lines.append(
            _("Memenuhi standar karena %(score)s ≥ %(required)s.")
            % {"score": num(score), "required": level(required)}
        )
    else:
        lines.append(
            _("Belum memenuhi standar karena %(score)s < %(required)s.")
            % {"score": num(score), "required": level(required)}
        )
    return lines


def agreement(item: Item, policy: Policy) -> list[str]:
    """Agreement between sources: the sample sd of the means of the groups that entered the score
    (each group once, by its mean) and r_wg = 1 − sd² ÷ 2 (clipped to 0…1). The spread inside a
    group is never used: it would give away anonymous answers (docs/scoring.md, rule 7)."""
    sources = len(item.get("groups") or {})
    if item.get("sd") is None or item.get("rwg") is None:
        return [
            _(
                "Kesepakatan antarsumber tidak dihitung karena kurang dari 2 sumber (kelompok "
                "penilai) yang masuk nilai (ada %(n)s)."
            )
            % {"n": sources}
        ]
    sd = float(item["sd"])
    threshold = float(policy.get("low_agreement_rwg", 0.7))
    lines = [
        _(
            "Kesepakatan antarsumber dihitung dari rata-rata %(n)s sumber yang masuk nilai "
            "(%(means)s): simpangan baku (sd) = %(sd)s; r_wg = 1 − sd² ÷ 2 = 1 − %(sd2)s ÷ 2 = "
            "%(rwg)s."
        )
        % {
            "n": sources,
            "means": group_means(item),
            "sd": num(sd),
            "sd2": num(sd * sd),
            "rwg": num(item["rwg"]),
        }
    ]
    if 1 - sd * sd / 2 < 0:
        lines.append(_("Hasil di bawah 0 dibatasi menjadi 0."))
    lines.append(
        _(
            "r_wg 1 berarti semua sumber memberi rata-rata yang sama, 0 berarti rata-ratanya "
            "sangat tersebar. Perbedaan di dalam satu kelompok tidak dihitung, agar isian anonim "
            "tidak terbaca. Di bawah %(t)s diberi tanda “kesepakatan rendah”: baca nilainya "
            "dengan hati-hati."
        )
        % {"t": num(threshold)}
    )
    return lines


# --- the employee's summaries -------------------------------------------------------------------


def jpm(
    *,
    items: Mapping[str, Item],
    jpm_value: float | None,
    jpm_category: str,
    jpm_missing: Sequence[str],
    policy: Policy,
    names: Mapping[str, str] | None = None,
) -> list[str]:
    """JPM = 100 × Σ min(score, required) ÷ Σ required over the standard's scored competencies."""
    names = names or {}
    standard = [(code, it) for code, it in items.items() if it.get("required") is not None]
    scored = [(code, it) for code, it in standard if it.get("score") is not None]
    if jpm_value is None or not scored:
        if not standard:
            return [_("JPM tidak dihitung karena jabatan ini tidak memiliki standar kompetensi.")]
        return [_("JPM belum dapat dihitung karena belum ada kompetensi standar yang bernilai.")]
    mins = [min(float(it["score"]), float(it["required"])) for _code, it in scored]
    total_required = sum(float(it["required"]) for _code, it in scored)
    lines = [
        _("JPM = 100 × (%(mins)s) ÷ (%(required)s) = 100 × %(num)s ÷ %(den)s = %(jpm)s.")
        % {
            "mins": _join(
                f"min({num(it['score'])}; {level(it['required'])})" for _code, it in scored
            ),
            "required": _join(level(it["required"]) for _code, it in scored),
            "num": num(sum(mins)),
            "den": level(total_required),
            "jpm": num(jpm_value),
        },
        _(
            "Setiap kompetensi dihitung paling tinggi setinggi level standarnya (min), jadi "
            "nilai di atas standar tidak menutup kekurangan pada kompetensi lain."
        ),
    ]
    if jpm_missing:
        lines.append(
            _("Tidak ikut dihitung karena belum ada nilai: %(items)s.")
            % {"items": ", ".join(str(names.get(c, c)) for c in jpm_missing)}
        )
    set_name = policy.get("jpm_categories", "penempatan")
    categories = JPM_CATEGORY_SETS.get(set_name, JPM_CATEGORY_SETS["penempatan"])
    rules = [
        _("%(category)s bila ≥ %(limit)s") % {"category": JPM_LABELS[name], "limit": level(c / 100)}
        for name, c in categories[:-1]
    ]
    lines.append(
        _("Kategori: %(rules)s, selain itu %(last)s. %(jpm)s → %(category)s.")
        % {
            "rules": ", ".join(rules),
            "last": JPM_LABELS[categories[-1][0]],
            "jpm": num(jpm_value),
            "category": JPM_LABELS.get(jpm_category, jpm_category),
        }
    )
    return lines


def jpm_uncertainty(
    *, jpm_value: float | None, jpm_se: float | None, jpm_category: str, policy: Policy
) -> list[str]:
    """The JPM's standard error, its 95 % interval and whether it reaches another category."""
    if jpm_value is None or jpm_se is None:
        return []
    lines = [
        _(
            "Ketidakpastian JPM: SE = %(se)s, dari SE setiap kompetensi standar (metode delta: "
            "100 × √(Σ (p × SE)²) ÷ Σ standar, p = peluang nilai sebenarnya di bawah standar). "
            "Rentang 95 %%: %(band)s."
        )
        % {"se": num(jpm_se), "band": band(jpm_value, jpm_se, 0.0, 100.0)}
    ]
    set_name = policy.get("jpm_categories", "penempatan")
    if category_uncertain(jpm_value, jpm_se, set_name):
        lo, hi = _clipped(jpm_value, jpm_se, 0.0, 100.0)
        names = [
            JPM_LABELS[c]
            for c in dict.fromkeys(jpm_category_of(v, set_name) for v in (lo, jpm_value, hi))
            if c
        ]
        lines.append(
            _(
                "Rentang ini melewati batas kategori (%(categories)s): kategori JPM dan posisi "
                "9-box berada di perbatasan, jadi perbedaan dengan kategori di sebelahnya belum "
                "dapat dipastikan."
            )
            % {"categories": " / ".join(str(n) for n in names)}
        )
    return lines


def perilaku(
    *,
    items: Mapping[str, Item],
    behaviour_codes: Sequence[str],
    score: float | None,
    suggested: str,
    rating: str,
    policy: Policy,
    decided: bool,
) -> list[str]:
    """The perilaku score (mean of the BerAKHLAK item scores), the suggested and final rating."""
    scores = [
        float(items[c]["score"])
        for c in behaviour_codes
        if c in items and items[c].get("score") is not None
    ]
    if score is None or not scores:
        return [_("Nilai perilaku belum ada karena belum ada butir BerAKHLAK yang bernilai.")]
    thresholds = policy.get("perilaku_thresholds") or {"di_atas": 3.5, "di_bawah": 2.5}
    lines = [
        _(
            "Nilai perilaku = rata-rata nilai %(n)s butir BerAKHLAK yang ada nilainya = "
            "(%(terms)s) ÷ %(n)s = %(score)s."
        )
        % {"n": len(scores), "terms": _join(num(s) for s in scores), "score": num(score)},
        _(
            "Saran rating: %(above)s bila ≥ %(hi)s, %(below)s bila < %(lo)s, selain itu "
            "%(as)s. %(score)s → %(suggested)s."
        )
        % {
            "above": RATING_LABELS["di_atas_ekspektasi"],
            "below": RATING_LABELS["di_bawah_ekspektasi"],
            "as": RATING_LABELS["sesuai_ekspektasi"],
            "hi": num(thresholds["di_atas"]),
            "lo": num(thresholds["di_bawah"]),
            "score": num(score),
            "suggested": RATING_LABELS.get(suggested, suggested),
        },
    ]
    if rating and rating != suggested:
        lines.append(
            _("Atasan mengubah rating perilaku menjadi %(rating)s, dengan alasan tertulis.")
            % {"rating": RATING_LABELS.get(rating, rating)}
        )
    elif decided:
        lines.append(_("Atasan mengonfirmasi saran ini."))
    else:
        lines.append(_("Atasan belum mengonfirmasi; sementara dipakai rating yang disarankan."))
    return lines


def hasil_kerja(value: str) -> list[str]:
    if not value:
        return [_("Rating hasil kerja belum ditetapkan oleh atasan langsung.")]
    return [
        _(
            "Rating hasil kerja ditetapkan atasan langsung (atau diimpor pengelola kinerja) "
            "dari capaian SKP; aplikasi ini tidak menghitungnya. Nilainya: %(rating)s."
        )
        % {"rating": RATING_LABELS.get(value, value)}
    ]


def predikat(*, hasil_kerja: str, rating: str, value: str) -> list[str]:
    """The predikat from the PermenPANRB 6/2022 matrix: the row of the hasil kerja rating."""
    if not hasil_kerja or not rating or not value:
        missing = []
        if not hasil_kerja:
            missing.append(_("rating hasil kerja"))
        if not rating:
            missing.append(_("rating perilaku"))
        return [
            _("Predikat belum ada karena %(missing)s belum ada.")
            % {"missing": _(" dan ").join(str(m) for m in missing) or _("datanya")}
        ]
    row = [
        _("perilaku %(rating)s → %(predikat)s")
        % {
            "rating": str(RATING_LABELS[p]).lower(),
            "predikat": PREDIKAT_LABELS[PREDIKAT_MATRIX[(hasil_kerja, p)]],
        }
        for p in ("di_bawah_ekspektasi", "sesuai_ekspektasi", "di_atas_ekspektasi")
    ]
    return [
        _("Predikat dari tabel PermenPANRB 6/2022, baris hasil kerja %(hasil)s: %(row)s.")
        % {"hasil": str(RATING_LABELS[hasil_kerja]).lower(), "row": "; ".join(row)},
        _("Rating perilaku %(rating)s → predikat %(predikat)s.")
        % {
            "rating": str(RATING_LABELS[rating]).lower(),
            "predikat": PREDIKAT_LABELS.get(value, value),
        },
    ]


def nine_box(
    *, predikat_value: str, jpm_category: str, box: int | None, borderline: bool = False
) -> list[str]:
    """The 9-box: kinerja from the predikat, potensial from the JPM category; `borderline` when
    the JPM's 95 % interval reaches another category (uncertainty.category_uncertain)."""
    if box is None or not predikat_value or not jpm_category:
        return [_("Posisi 9-box belum ada karena predikat atau kategori JPM belum ada.")]
    kinerja = kinerja_axis(predikat_value) or ""
    potensial = potensial_axis(jpm_category) or ""
    tops = [
        [JPM_LABELS[name] for name, _c in categories]
        for categories in JPM_CATEGORY_SETS.values()
        if jpm_category in [name for name, _c in categories]
    ][0]
    return [
        _(
            "Sumbu kinerja dari predikat: Sangat Baik → di atas ekspektasi, Baik → sesuai "
            "ekspektasi, lainnya → di bawah ekspektasi. %(predikat)s → %(kinerja)s."
        )
        % {"predikat": PREDIKAT_LABELS[predikat_value], "kinerja": AXIS_LABELS[kinerja]},
        _(
            "Sumbu potensial dari kategori JPM: %(top)s → tinggi, %(middle)s → menengah, "
            "%(bottom)s → rendah. %(category)s → %(potensial)s."
        )
        % {
            "top": tops[0],
            "middle": tops[1],
            "bottom": tops[2],
            "category": JPM_LABELS[jpm_category],
            "potensial": AXIS_LABELS[potensial],
        },
        _("Kotak = kinerja %(kinerja)s × potensial %(potensial)s = %(box)s.")
        % {"kinerja": AXIS_LABELS[kinerja], "potensial": AXIS_LABELS[potensial], "box": box},
    ] + (
        [
            _(
                "Di perbatasan: rentang 95 %% JPM melewati batas kategori, jadi kotak di "
                "sebelahnya (potensial satu tingkat berbeda) sama mungkinnya. Jangan membedakan "
                "pegawai ini dari pegawai di kotak sebelah hanya karena kotaknya."
            )
            % {}
        ]
        if borderline
        else []
    )


def self_view(policy: Policy) -> list[str]:
    """How blind spots and hidden strengths are found."""
    gap_value = num(float(policy.get("blind_spot_gap", 1.0)))
    return [
        _(
            "Titik buta: penilaian diri − nilai dari orang lain ≥ %(gap)s (Anda menilai diri "
            "lebih tinggi). Kekuatan tersembunyi: penilaian diri − nilai ≤ −%(gap)s (orang lain "
            "menilai Anda lebih tinggi)."
        )
        % {"gap": gap_value}
    ]


# --- the cycle's reliability (HR) ---------------------------------------------------------------

RELIABILITY_READINGS: dict[str, Any] = {
    "keputusan_individual": gettext_lazy(
        "Hasil cukup andal untuk keputusan tentang pegawai perorangan (mis. kandidat jabatan), "
        "dengan tetap memperhatikan rentang setiap nilai."
    ),
    "perbandingan_kelompok": gettext_lazy(
        "Hasil cukup andal untuk membandingkan unit atau kelompok, belum untuk membedakan "
        "pegawai perorangan yang nilainya berdekatan."
    ),
    "bahan_dialog": gettext_lazy(
        "Hasil belum cukup andal untuk keputusan: gunakan sebagai bahan dialog kinerja. "
        "Tambah penilai per pegawai (rekan dan bawahan) pada siklus berikutnya."
    ),
}


def cycle_reliability(figures: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The cycle's reliability figures in words: [{"label", "value", "reading"}], for the
    competency scores and the JPM; the σ they rest on is quoted with each."""
    figures = figures or {}
    sigma = figures.get("sigma")
    if sigma is None:
        return []
    source = (
        _("dari %(n)s kelompok penilai siklus ini") % {"n": figures.get("sigma_groups", 0)}
        if figures.get("sigma_source") == "siklus"
        else _("nilai bawaan, karena kelompok penilai siklus ini terlalu sedikit")
    )
    rows = []
    for key, label in (
        ("items", _("Nilai kompetensi")),
        ("jpm", _("JPM")),
    ):
        value = figures.get(key)
        code = reading(value)
        rows.append(
            {
                "label": label,
                "value": num(value) if value is not None else "—",
                "reading": str(RELIABILITY_READINGS[code])
                if code
                else _("Belum dapat dihitung: terlalu sedikit nilai atau tidak ada sebaran."),
                "code": code or "",
            }
        )
    rows.append(
        {
            "label": _("Sebaran jawaban σ"),
            "value": num(sigma),
            "reading": source,
            "code": "",
        }
    )
    return rows
