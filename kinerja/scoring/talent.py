"""The 9-box of PermenPANRB 3/2020: kinerja from the predikat, potensial from the JPM category."""

from __future__ import annotations

from kinerja.scoring.policy import JPM_CATEGORY_SETS

BOXES = {
    ("di_atas", "rendah"): 4,
    ("di_atas", "menengah"): 7,
    ("di_atas", "tinggi"): 9,
    ("sesuai", "rendah"): 2,
    ("sesuai", "menengah"): 5,
    ("sesuai", "tinggi"): 8,
    ("di_bawah", "rendah"): 1,
    ("di_bawah", "menengah"): 3,
    ("di_bawah", "tinggi"): 6,
}
SUCCESSION_POOL = (7, 8, 9)


def kinerja_axis(predikat: str | None) -> str | None:
    if predikat is None:
        return None
    return {"sangat_baik": "di_atas", "baik": "sesuai"}.get(predikat, "di_bawah")


def potensial_axis(jpm_category: str | None) -> str | None:
    if jpm_category is None:
        return None
    for categories in JPM_CATEGORY_SETS.values():
        names = [name for name, _ in categories]
        if jpm_category in names:
            return ("tinggi", "menengah", "rendah")[names.index(jpm_category)]
    raise ValueError(jpm_category)


def nine_box(predikat: str | None, jpm_category: str | None) -> int | None:
    kinerja, potensial = kinerja_axis(predikat), potensial_axis(jpm_category)
    if kinerja is None or potensial is None:
        return None
    return BOXES[(kinerja, potensial)]
