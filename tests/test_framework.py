"""The national competency framework loader, teknis competencies and position standards."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from kinerja.competencies.models import (
    BehaviourValue,
    Competency,
    CompetencyLevel,
    Framework,
    PositionStandard,
)
from kinerja.competencies.selectors import competencies_for_agency, current_framework
from kinerja.competencies.services import (
    NATIONAL_FRAMEWORK_FILE,
    framework_load,
    position_standard_set,
    standards_import,
    teknis_competency_delete,
    teknis_competency_save,
)
from kinerja.core.errors import KinerjaError
from kinerja.core.models import AuditEvent


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def levels(n: int = 5) -> list[dict]:
    return [
        {"level": i, "title": f"Level {i}", "indicators": [f"Indikator {i}.1", f"Indikator {i}.2"]}
        for i in range(1, n + 1)
    ]


def teknis(
    agency, user, code: str = "T.01", levels_: list[dict] | None = None, **extra
) -> Competency:
    values = {"name": "Pelayanan Administrasi Kependudukan", "definition": "Kemampuan melayani."}
    values.update(extra)
    return teknis_competency_save(
        agency=agency, acting_user=user, code=code, levels=levels_ or levels(), **values
    )


def table_counts() -> tuple[int, int, int, int]:
    return (
        Framework.objects.count(),
        Competency.objects.count(),
        CompetencyLevel.objects.count(),
        BehaviourValue.objects.count(),
    )


def framework_copy(tmp_path, **changes) -> tuple:
    data = json.loads(NATIONAL_FRAMEWORK_FILE.read_text(encoding="utf-8"))
    data.update(changes)
    return data, tmp_path / "kamus.json"


def write_json(path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


# --- the national framework --------------------------------------------------------------------


def test_framework_has_nine_national_competencies_with_five_described_levels(framework):
    competencies = list(Competency.objects.filter(framework=framework).prefetch_related("levels"))
    assert len(competencies) == 9
    groups = [c.group for c in competencies]
    assert groups.count("manajerial") == 8 and groups.count("sosial_kultural") == 1
    for competency in competencies:
        assert competency.agency_id is None
        levels_ = sorted(competency.levels.all(), key=lambda lv: lv.level)
        assert [lv.level for lv in levels_] == [1, 2, 3, 4, 5], competency.code
        assert all(len(lv.indicators) >= 3 for lv in levels_), competency.code
        assert all(lv.title for lv in levels_), competency.code


def test_framework_has_seven_berakhlak_values_with_three_guides(framework):
    values = list(BehaviourValue.objects.filter(framework=framework))
    assert len(values) == 7
    assert all(len(v.guides) == 3 for v in values)
    assert framework.is_current and current_framework() == framework


def test_loading_the_framework_twice_changes_nothing(framework):
    counts = table_counts()
    events = AuditEvent.objects.count()
    again, changed = framework_load()
    assert again == framework
    assert changed is False
    assert table_counts() == counts
    assert AuditEvent.objects.count() == events


def test_reloading_the_framework_leaves_agency_data_alone(world, framework, tmp_path):
    own = teknis(world.agency, world.admin)
    position_standard_set(
        agency=world.agency,
        position=world.head_position,
        levels={"M.01": 3, "T.01": 2},
        acting_user=world.admin,
    )
    standards = sorted(
        PositionStandard.objects.values_list("position_id", "competency__code", "required_level")
    )
    data, path = framework_copy(tmp_path)
    data["competencies"][0]["definition"] = "Definisi yang diperbarui."
    write_json(path, data)

    _, changed = framework_load(path=path)

    assert changed is True
    assert Competency.objects.get(framework=framework, code="M.01").definition == (
        "Definisi yang diperbarui."
    )
    own.refresh_from_db()
    assert (own.agency, own.group, own.code) == (world.agency, "teknis", "T.01")
    assert own.levels.count() == 5
    assert (
        sorted(
            PositionStandard.objects.values_list(
                "position_id", "competency__code", "required_level"
            )
        )
        == standards
    )


def test_load_framework_command_prints_the_counts(db):
    out = io.StringIO()
    call_command("load-framework", stdout=out)
    assert "dimuat/diperbarui: 9 kompetensi, 7 nilai BerAKHLAK" in out.getvalue()
    out = io.StringIO()
    call_command("load-framework", stdout=out)
    assert "sudah mutakhir: 9 kompetensi, 7 nilai BerAKHLAK" in out.getvalue()


def test_new_version_creates_a_new_current_framework_and_keeps_the_old_one(framework, tmp_path):
    old_levels = CompetencyLevel.objects.filter(competency__framework=framework).count()
    data, path = framework_copy(tmp_path, version=2)
    data["competencies"][0]["name"] = "Integritas (versi 2)"
    write_json(path, data)

    v2, changed = framework_load(path=path)

    assert changed is True
    assert v2.pk != framework.pk and v2.version == 2 and v2.is_current
    framework.refresh_from_db()
    assert framework.is_current is False
    assert current_framework() == v2
    assert Competency.objects.filter(framework=framework).count() == 9
    assert CompetencyLevel.objects.filter(competency__framework=framework).count() == old_levels
    assert Competency.objects.get(framework=framework, code="M.01").name != "Integritas (versi 2)"
    assert Competency.objects.get(framework=v2, code="M.01").name == "Integritas (versi 2)"
    assert BehaviourValue.objects.filter(framework=v2).count() == 7


# --- teknis competencies -----------------------------------------------------------------------


def test_teknis_competency_with_five_levels_is_created_for_the_agency(world, framework):
    competency = teknis(world.agency, world.admin)
    assert (competency.agency, competency.framework, competency.group) == (
        world.agency,
        None,
        "teknis",
    )
    assert list(competency.levels.order_by("level").values_list("level", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert competency in competencies_for_agency(agency=world.agency)
    assert competency not in competencies_for_agency(agency=world.other_agency)
    assert AuditEvent.objects.filter(agency=world.agency, action="competency.create").exists()


@pytest.mark.parametrize(
    "bad_levels",
    [
        levels(4),
        levels(6),
        [*levels(4), {"level": 4, "title": "Lagi"}],
        [*levels(4), {"level": 5, "title": " "}],
    ],
    ids=["four", "six", "level-4-twice", "blank-title"],
)
def test_teknis_competency_without_exactly_five_titled_levels_is_refused(
    world, framework, bad_levels
):
    with pytest.raises(KinerjaError) as caught:
        teknis(world.agency, world.admin, levels_=bad_levels)
    assert caught.value.code == "invalid_levels"
    assert not Competency.objects.filter(agency=world.agency).exists()


@pytest.mark.parametrize("code", ["T.01", "M.01"], ids=["own-teknis", "national"])
def test_duplicate_competency_code_is_refused(world, framework, code):
    teknis(world.agency, world.admin, code="T.01")
    with pytest.raises(KinerjaError) as caught:
        teknis(world.agency, world.admin, code=code, name="Lain")
    assert caught.value.code == "duplicate"
    assert Competency.objects.filter(agency=world.agency).count() == 1


def test_same_teknis_code_is_allowed_in_another_agency(world, framework):
    teknis(world.agency, world.admin, code="T.01")
    other = teknis(world.other_agency, world.outsider, code="T.01")
    assert other.agency == world.other_agency


def test_another_agencys_teknis_competency_is_not_found(world, framework):
    theirs = teknis(world.other_agency, world.outsider, code="T.09", name="Milik B")
    with pytest.raises(KinerjaError) as caught:
        teknis_competency_save(
            agency=world.agency,
            acting_user=world.admin,
            competency=theirs,
            code="T.09",
            name="Diambil A",
            definition="x",
            levels=levels(),
        )
    assert caught.value.code == "not_found"
    with pytest.raises(KinerjaError) as caught:
        teknis_competency_delete(agency=world.agency, competency=theirs, acting_user=world.admin)
    assert caught.value.code == "not_found"
    theirs.refresh_from_db()
    assert theirs.name == "Milik B"


# --- position standards ------------------------------------------------------------------------


def standard_of(position) -> dict[str, int]:
    return dict(
        PositionStandard.objects.filter(position=position).values_list(
            "competency__code", "required_level"
        )
    )


def test_position_standard_sets_changes_and_removes_levels(world, framework):
    teknis(world.agency, world.admin)
    position = world.head_position
    args = {"agency": world.agency, "position": position, "acting_user": world.admin}

    position_standard_set(levels={"M.01": 3, "SK.01": 2, "T.01": 4}, **args)
    assert standard_of(position) == {"M.01": 3, "SK.01": 2, "T.01": 4}

    position_standard_set(levels={"M.01": 4, "SK.01": None}, **args)
    assert standard_of(position) == {"M.01": 4, "T.01": 4}
    event = AuditEvent.objects.filter(action="standard.set").order_by("-id").first()
    assert event.before == {"M.01": 3, "SK.01": 2, "T.01": 4}
    assert event.after == {"M.01": 4, "T.01": 4}


@pytest.mark.parametrize(
    ("levels_", "code"),
    [
        ({"M.01": 6}, "invalid_level"),
        ({"M.01": 0}, "invalid_level"),
        ({"M.01": 2, "X.99": 3}, "unknown_competency"),
        ({"T.09": 3}, "unknown_competency"),  # another agency's teknis competency
    ],
    ids=["level-6", "level-0", "unknown-code", "other-agency-teknis"],
)
def test_position_standard_rejects_bad_levels_and_codes_and_changes_nothing(
    world, framework, levels_, code
):
    teknis(world.other_agency, world.outsider, code="T.09")
    position_standard_set(
        agency=world.agency,
        position=world.head_position,
        levels={"M.01": 1},
        acting_user=world.admin,
    )
    with pytest.raises(KinerjaError) as caught:
        position_standard_set(
            agency=world.agency,
            position=world.head_position,
            levels=levels_,
            acting_user=world.admin,
        )
    assert caught.value.code == code
    assert standard_of(world.head_position) == {"M.01": 1}


def test_position_standard_of_another_agencys_position_is_not_found(world, framework):
    with pytest.raises(KinerjaError) as caught:
        position_standard_set(
            agency=world.agency,
            position=world.other_position,
            levels={"M.01": 3},
            acting_user=world.admin,
        )
    assert caught.value.code == "not_found"
    assert standard_of(world.other_position) == {}


def test_standards_import_sets_the_levels_from_a_file(world, framework):
    teknis(world.agency, world.admin)
    data = "jabatan;kode_kompetensi;level\nKepala Seksi;M.01;3\nKepala Seksi;t.01;4\n"
    data += "Pengadministrasi;M.02;2\n"
    errors, changed = standards_import(
        agency=world.agency, data=data.encode(), filename="standar.csv", acting_user=world.admin
    )
    assert errors == [] and changed == 3
    assert standard_of(world.head_position) == {"M.01": 3, "T.01": 4}
    assert standard_of(world.staff_position) == {"M.02": 2}


def test_standards_import_reports_every_bad_row_and_changes_nothing(world, framework):
    position_standard_set(
        agency=world.agency,
        position=world.head_position,
        levels={"M.01": 1},
        acting_user=world.admin,
    )
    before = PositionStandard.objects.count()
    data = (
        "jabatan,kode_kompetensi,level\n"
        "Kepala Seksi,M.01,3\n"  # valid, but must not be applied
        "Jabatan Fiktif,M.02,2\n"
        "Kepala Seksi,M.03,7\n"
        "Kepala Seksi,Z.01,2\n"
        "Camat B,M.04,2\n"  # another agency's position
        "Pengadministrasi,M.05,2.5\n"
    )
    errors, changed = standards_import(
        agency=world.agency, data=data.encode(), filename="standar.csv", acting_user=world.admin
    )
    assert [(e.row, e.column) for e in errors] == [
        (3, "jabatan"),
        (4, "level"),
        (5, "kode_kompetensi"),
        (6, "jabatan"),
        (7, "level"),
    ]
    assert "tidak ditemukan" in errors[0].message
    assert changed == 0
    assert PositionStandard.objects.count() == before
    assert standard_of(world.head_position) == {"M.01": 1}


def test_reloading_an_older_version_keeps_the_newer_one_current(framework, tmp_path):
    import json

    from kinerja.competencies.models import Framework
    from kinerja.competencies.services import NATIONAL_FRAMEWORK_FILE, framework_load

    data = json.loads(NATIONAL_FRAMEWORK_FILE.read_text(encoding="utf-8"))
    data["version"] = 2
    newer = tmp_path / "v2.json"
    newer.write_text(json.dumps(data), encoding="utf-8")
    framework_load(path=newer)
    framework_load()  # the packaged v1 again
    current = Framework.objects.get(is_current=True)
    assert current.version == 2
    assert Framework.objects.filter(code=data["code"]).count() == 2
