"""The agency's results pages: who may see and do what, compute and finalise through the page,
rater correction, heatmap, predikat distribution, calibration, flagged items, exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kinerja.assessment import services as assessment
from kinerja.assessment.models import Cycle
from kinerja.assessment.simulate import simulate_responses
from kinerja.core.models import AuditEvent
from kinerja.demo.synthetic import generate_agency
from kinerja.organisation.models import Employee
from kinerja.results import explain, services
from kinerja.results.exports import COLUMNS
from kinerja.results.models import CycleResult, EmployeeResult, PerilakuDecision, UnitPredikat

from .conftest import make_user
from .test_assessment_services import make_cycle
from .test_results_services import closed_cycle  # noqa: F401, F811  (fixture)

ROLES = ("admin", "leader", "supervisor", "staff", "peer", "outsider")


def user_of(world, role: str):
    return getattr(world, role)


def results_state(cycle: Cycle) -> dict:
    """Everything a results action could change, as plain values."""
    cycle = Cycle.objects.get(pk=cycle.pk)
    return {
        "cycle": (cycle.status, cycle.rater_correction, cycle.finalised_at),
        "result": list(CycleResult.objects.filter(cycle=cycle).values()),
        "rows": sorted(
            EmployeeResult.objects.filter(cycle=cycle).values_list(
                "employee_id", "predikat", "perilaku_rating", "jpm", "nine_box"
            )
        ),
        "unit_predikat": set(
            UnitPredikat.objects.filter(cycle=cycle).values_list("unit_id", "predikat")
        ),
        "decisions": list(PerilakuDecision.objects.filter(cycle=cycle).values()),
        "audit": AuditEvent.objects.count(),
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def computed(world, closed_cycle):  # noqa: F811
    services.results_compute(cycle=closed_cycle, acting_user=world.admin)
    return Cycle.objects.get(pk=closed_cycle.pk)


# --- permissions -------------------------------------------------------------------------------

READ_PAGES = ["cycle", "calibration", "flagged", "export_xlsx", "export_csv"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", READ_PAGES)
def test_read_pages_are_for_the_admin_and_the_leadership_of_the_agency_only(
    client, world, computed, role, page
):
    client.force_login(user_of(world, role))
    response = client.get(reverse(f"results:{page}", args=[computed.pk]))
    expected = 200 if role in ("admin", "leader") else 404
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_the_agency_list_is_for_admin_and_leadership(client, world, computed, role):
    client.force_login(user_of(world, role))
    response = client.get(reverse("results:agency"))
    if role in ("admin", "leader"):
        assert response.status_code == 200
        assert computed.name in response.content.decode()
    elif role == "outsider":  # agency B's admin sees B's (empty) list, never A's cycle
        assert response.status_code == 200
        assert computed.name not in response.content.decode()
    else:
        assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, computed):
    response = client.get(reverse("results:cycle", args=[computed.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def admin_posts(world):
    return [
        ("compute", {}),
        ("finalise", {}),
        ("rater_model", {"rater_model": "ordinal"}),
        ("unit_predikat", {"unit_agency": "baik", f"unit_{world.unit.pk}": "istimewa"}),
    ]


@pytest.mark.parametrize("role", ["leader", "supervisor", "staff", "peer", "outsider"])
def test_denied_posts_answer_404_and_change_nothing(client, world, computed, role):
    client.force_login(user_of(world, role))
    before = results_state(computed)
    for name, data in admin_posts(world):
        response = client.post(reverse(f"results:{name}", args=[computed.pk]), data)
        assert response.status_code == 404, name
    assert client.get(reverse("results:finalise", args=[computed.pk])).status_code == 404
    assert results_state(computed) == before


def test_leader_sees_the_page_without_any_admin_button(client, world, computed):
    client.force_login(world.leader)
    html = client.get(reverse("results:cycle", args=[computed.pk])).content.decode()
    assert "Peta kesenjangan kompetensi" in html
    for button in ("Hitung ulang hasil", "Tetapkan final", "Simpan model", "Simpan predikat"):
        assert button not in html
    assert reverse("results:compute", args=[computed.pk]) not in html


def test_admin_posts_work(client, world, computed):
    client.force_login(world.admin)
    for name, data in admin_posts(world):
        if name == "finalise":
            continue
        response = client.post(reverse(f"results:{name}", args=[computed.pk]), data)
        assert response.status_code == 302, name
    cycle = Cycle.objects.get(pk=computed.pk)
    assert cycle.rater_model == "none"  # released results: the model is kept
    assert set(UnitPredikat.objects.filter(cycle=cycle).values_list("unit_id", "predikat")) == {
        (None, "baik"),
        (world.unit.pk, "istimewa"),
    }


# --- compute and finalise ----------------------------------------------------------------------


def test_admin_computes_a_closed_cycle_and_sees_the_counts(client, world, closed_cycle):  # noqa: F811
    client.force_login(world.admin)
    url = reverse("results:cycle", args=[closed_cycle.pk])
    html = client.get(url).content.decode()
    assert "Belum dihitung" in html and "Hitung hasil" in html
    page = client.post(reverse("results:compute", args=[closed_cycle.pk]), follow=True)
    [message] = messages_of(page)
    rows = EmployeeResult.objects.filter(cycle=closed_cycle)
    n, flagged = rows.count(), rows.filter(flagged=True).count()
    assert message == f"Hasil dihitung: {n} pegawai, {flagged} dengan catatan."
    html = page.content.decode()
    assert "Dihitung (belum final)" in html and "Hitung ulang hasil" in html
    # Recompute is allowed until final.
    client.post(reverse("results:compute", args=[closed_cycle.pk]))
    assert AuditEvent.objects.filter(action="results.compute").count() == 2


def test_compute_refused_on_a_running_cycle_shows_why(client, world, framework):
    cycle = make_cycle(world.agency, world.admin)
    client.force_login(world.admin)
    html = client.get(reverse("results:cycle", args=[cycle.pk])).content.decode()
    assert "Hasil dapat dihitung setelah pengisian ditutup" in html
    page = client.post(reverse("results:compute", args=[cycle.pk]), follow=True)
    assert messages_of(page) == ["Tutup pengisian siklus terlebih dahulu, baru hitung hasilnya."]
    assert not CycleResult.objects.filter(cycle=cycle).exists()


def test_finalise_asks_for_confirmation_then_makes_everything_final(client, world, computed):
    client.force_login(world.admin)
    url = reverse("results:finalise", args=[computed.pk])
    html = client.get(url).content.decode()
    assert "Tindakan ini permanen." in html and "Ya, tetapkan final" in html
    assert Cycle.objects.get(pk=computed.pk).status == Cycle.Status.CLOSED  # GET changes nothing

    page = client.post(url, follow=True)
    assert messages_of(page) == [f"Hasil siklus {computed.name} ditetapkan final."]
    cycle = Cycle.objects.get(pk=computed.pk)
    assert cycle.status == Cycle.Status.FINAL and cycle.result.is_final
    html = page.content.decode()
    assert "Hasil sudah final" in html
    assert "Hitung ulang hasil" not in html and "Simpan model" not in html
    # Nothing can be changed any more, and the pages say why.
    before = results_state(cycle)
    page = client.post(reverse("results:compute", args=[cycle.pk]), follow=True)
    assert messages_of(page) == ["Hasil siklus ini sudah final dan tidak dapat diubah."]
    client.post(reverse("results:rater_model", args=[cycle.pk]), {"rater_model": "ordinal"})
    client.post(reverse("results:unit_predikat", args=[cycle.pk]), {"unit_agency": "baik"})
    assert results_state(cycle) == before
    assert "Tindakan ini tidak dapat dilakukan" in client.get(url).content.decode()


def test_finalise_before_compute_is_refused(client, world, closed_cycle):  # noqa: F811
    client.force_login(world.admin)
    url = reverse("results:finalise", args=[closed_cycle.pk])
    assert "Hitung hasil siklus terlebih dahulu." in client.get(url).content.decode()
    page = client.post(url, follow=True)
    assert messages_of(page) == ["Hitung hasil siklus terlebih dahulu."]
    assert Cycle.objects.get(pk=closed_cycle.pk).status == Cycle.Status.CLOSED


# --- what the cycle page shows ------------------------------------------------------------------


def test_cycle_page_shows_policy_heatmap_and_employee_list(client, world, computed):
    client.force_login(world.admin)
    html = client.get(reverse("results:cycle", args=[computed.pk])).content.decode()
    assert "atasan 50 % · rekan 30 % · bawahan 20 % · diri sendiri 0 %" in html
    assert computed.result.scoring_version in html
    # Sari: M.01 score 2 vs standard 3 → gap −1; M.02 score 4 vs 2 → +2 (one person each).
    assert "Seksi Pemerintahan A" in html
    assert '<td class="bg-danger text-white">-1,00<br><span class="opacity-75">n=1</span>' in html
    assert '<td class="bg-success text-white">2,00<br><span class="opacity-75">n=1</span>' in html
    assert "Sari Staf" in html and "80,00" in html and "Cukup Optimal" in html
    member = reverse("results:member", args=[computed.pk, world.staff_employee.pk])
    assert member in html


def test_employee_list_searches_by_name_or_nip_and_filters_by_unit(client, world, computed):
    client.force_login(world.admin)
    url = reverse("results:cycle", args=[computed.pk])

    def names(**params) -> set[str]:
        page = client.get(url, params).context["page"]
        return {r.employee.name for r in page}

    everyone = {"Sari Staf", "Budi Atasan", "Rudi Rekan"}
    assert names() == everyone
    assert names(q="sari") == {"Sari Staf"}
    assert names(q=world.peer_employee.nip[:14]) >= {"Rudi Rekan"}
    assert names(unit=world.unit.pk) == everyone  # sub-units included
    assert names(unit=world.other_unit.pk) == set()


def test_predikat_organisasi_check_is_reported_in_words_and_changes_nobody(client, world, computed):
    client.force_login(world.admin)
    before = sorted(EmployeeResult.objects.filter(cycle=computed).values_list("id", "predikat"))
    client.post(reverse("results:unit_predikat", args=[computed.pk]), {"unit_agency": "baik"})
    html = client.get(reverse("results:cycle", args=[computed.pk])).content.decode()
    # Only Sari has a predikat (Baik): 100 % Baik, nobody Butuh Perbaikan or Kurang.
    assert (
        "Predikat organisasi Baik: paling banyak 70 % pegawai berpredikat Baik — saat ini 100,00 %"
        in html
    )
    assert (
        "Predikat organisasi Baik: harus ada pegawai berpredikat Butuh Perbaikan atau "
        "Kurang/Misconduct — saat ini 0,00 %" in html
    )
    assert "tidak ada predikat pegawai yang diubah secara otomatis" in html
    after = sorted(EmployeeResult.objects.filter(cycle=computed).values_list("id", "predikat"))
    assert after == before
    # An empty choice clears it.
    client.post(reverse("results:unit_predikat", args=[computed.pk]), {"unit_agency": ""})
    assert not UnitPredikat.objects.filter(cycle=computed).exists()


@pytest.mark.parametrize("model", ["additive", "ordinal"])
def test_rater_model_is_chosen_before_release_and_calibration_names_no_one(
    client,
    world,
    closed_cycle,  # noqa: F811  (the fixture imported above)
    model,
):
    client.force_login(world.admin)
    calibration = reverse("results:calibration", args=[closed_cycle.pk])
    assert (
        "Pilih model penilai (aditif atau ordinal) lalu hitung hasil"
        in client.get(calibration).content.decode()
    )
    page = client.post(
        reverse("results:rater_model", args=[closed_cycle.pk]),
        {"rater_model": model, "back": "kalibrasi"},
        follow=True,
    )
    assert page.redirect_chain[-1][0] == calibration
    label = str(dict(Cycle.RaterModel.choices)[model])
    assert messages_of(page) == [f"Model penilai: {label}. Hitung hasil agar berlaku."]
    client.post(reverse("results:compute", args=[closed_cycle.pk]))
    assert Cycle.objects.get(pk=closed_cycle.pk).result.policy["rater_model"] == model
    response = client.get(calibration)
    html = response.content.decode()
    assert label in html and "Sebaran efek" in html
    for person in (world.staff_employee, world.supervisor_employee, world.peer_employee):
        assert person.name not in html and person.nip not in html
    assert "Simpan model" not in html
    page = client.post(
        reverse("results:rater_model", args=[closed_cycle.pk]),
        {"rater_model": "none"},
        follow=True,
    )
    assert "model penilai tidak dapat diubah lagi" in messages_of(page)[0]
    assert Cycle.objects.get(pk=closed_cycle.pk).rater_model == model


def test_an_unknown_rater_model_is_refused_with_a_clear_message(client, world, closed_cycle):  # noqa: F811
    client.force_login(world.admin)
    page = client.post(
        reverse("results:rater_model", args=[closed_cycle.pk]),
        {"rater_model": "rasch"},
        follow=True,
    )
    assert messages_of(page) == ["Model penilai harus none, additive atau ordinal."]
    assert Cycle.objects.get(pk=closed_cycle.pk).rater_model == "none"


def test_flagged_page_lists_items_with_their_flags_in_words(client, world, computed):
    client.force_login(world.leader)
    html = client.get(reverse("results:flagged", args=[computed.pk])).content.decode()
    assert "Sari Staf" in html
    assert "masukan rekan/bawahan di bawah ambang anonimitas" in html
    assert "anonim_dihapus" not in html


# --- exports -----------------------------------------------------------------------------------


def test_xlsx_and_csv_exports_hold_one_row_per_employee_item_and_no_rater(client, world, computed):
    client.force_login(world.leader)
    response = client.get(reverse("results:export_xlsx", args=[computed.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == COLUMNS
    body = [dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]]
    expected = sum(len(r.items) for r in EmployeeResult.objects.filter(cycle=computed))
    assert len(body) == expected
    m01 = next(r for r in body if r["nama"] == "Sari Staf" and r["item"] == "M.01")
    assert (m01["skor"], m01["standar"], m01["gap"], m01["memenuhi"]) == (2, 3, -1, False)
    assert m01["rerata_atasan"] == 2 and m01["rerata_rekan"] is None
    assert "anonim_dihapus" in m01["catatan"]
    assert (m01["jpm"], m01["kategori_jpm"], m01["predikat"]) == (80, "cukup_optimal", "baik")
    names = set(Employee.objects.filter(agency=world.agency).values_list("name", flat=True))
    for row in body:  # a person's name only ever appears as the row's own employee
        others = [v for k, v in row.items() if k != "nama"]
        assert not names & {str(v) for v in others}
    assert not any("Rahasia rekan" in str(v) for r in rows for v in r)

    response = client.get(reverse("results:export_csv", args=[computed.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == COLUMNS and len(parsed) - 1 == expected
    assert "Rahasia rekan" not in text


def test_exports_of_an_uncomputed_cycle_are_not_found(client, world, closed_cycle):  # noqa: F811
    client.force_login(world.admin)
    for name in ("export_xlsx", "export_csv"):
        assert client.get(reverse(f"results:{name}", args=[closed_cycle.pk])).status_code == 404


# --- query counts ------------------------------------------------------------------------------


def _synthetic(code: str, size: int):
    agency = generate_agency(code=code, employees=size, seed=1)
    admin = make_user(f"admin_{code}", agency=agency, role="admin")
    cycle = make_cycle(agency, None)
    simulate_responses(cycle=cycle, seed=1)
    cycle = assessment.cycle_transition(cycle=cycle, action="close", acting_user=None)
    services.results_compute(cycle=cycle, acting_user=None)
    services.unit_predikat_set(cycle=cycle, unit=None, predikat="baik", acting_user=None)
    return admin, cycle


def _count(client, url: str) -> int:
    client.get(url)  # warm
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


CYCLE_PAGE_QUERIES = 14  # 13 + the latest compute job of the cycle (kinerja/jobs)
AGENCY_LIST_QUERIES = 5
FLAGGED_QUERIES = 6


def test_cycle_page_and_list_query_counts_do_not_grow_with_employees(client, db, framework):
    counts = []
    for code, size in (("qa", 12), ("qb", 60)):
        admin, cycle = _synthetic(code, size)
        client.force_login(admin)
        counts.append(
            (
                _count(client, reverse("results:cycle", args=[cycle.pk])),
                _count(client, reverse("results:agency")),
                _count(client, reverse("results:flagged", args=[cycle.pk])),
            )
        )
    assert counts[0] == counts[1], counts
    assert counts[0] == (CYCLE_PAGE_QUERIES, AGENCY_LIST_QUERIES, FLAGGED_QUERIES), counts


def test_a_bad_predikat_organisasi_saves_none_of_the_form(client, world, computed):
    client.force_login(world.admin)
    before = results_state(computed)
    page = client.post(
        reverse("results:unit_predikat", args=[computed.pk]),
        {"unit_agency": "baik", f"unit_{world.unit.pk}": "luar_biasa"},
        follow=True,
    )
    assert messages_of(page) == ["Predikat organisasi tidak dikenal."]
    assert results_state(computed) == before


def test_scores_carry_their_interval_and_the_cycle_its_reliability(client, world, computed):
    row = EmployeeResult.objects.get(cycle=computed, employee=world.staff_employee)
    item = next(i for i in row.items.values() if i.get("score") is not None and i["se"])
    low, high = explain.band(item["score"], item["se"]).split("–")
    assert float(low.replace(",", ".")) < item["score"] < float(high.replace(",", "."))
    client.force_login(world.admin)
    member = client.get(reverse("results:member", args=[computed.pk, world.staff_employee.pk]))
    html = member.content.decode()
    assert explain.band(item["score"], item["se"]) in html
    assert explain.band(row.jpm, row.jpm_se, 0.0, 100.0) in html and "rentang 95 %" in html
    page = client.get(reverse("results:cycle", args=[computed.pk])).content.decode()
    assert 'data-testid="reliability"' in page and "Keandalan hasil" in page
    figures = computed.result.summary["reliability"]
    if figures["items"] is not None:
        assert 0 <= figures["items"] <= 1
        assert str(explain.RELIABILITY_READINGS[explain.reading(figures["items"])]) in page
    # Three employees: too few JPM values for a figure, and the page says so.
    assert figures["jpm"] is None and "Belum dapat dihitung" in page
    assert figures["sigma"] == 0.8 and "nilai bawaan" in page  # too few groups to estimate σ
