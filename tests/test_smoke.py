import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "/akun/login/" in response["Location"]


def test_pages_render_for_admin(client, world, framework):
    client.force_login(world.admin)
    for name in [
        "home",
        "organisation:employee_list",
        "organisation:unit_list",
        "organisation:position_list",
        "competencies:framework",
        "organisation:import_employees",
        "core:tokens",
        "core:audit",
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name


@pytest.mark.django_db
def test_browser_language_does_not_override_indonesian_default(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Masuk ke Kinerja" in response.content.decode()
    assert response["Content-Language"] == "id"


def test_pages_and_api_docs_load_no_asset_from_the_internet(client, world, framework):
    import re

    client.force_login(world.admin)
    for url in ["/", reverse("organisation:employee_list"), "/api/docs", reverse("login")]:
        body = client.get(url).content.decode()
        external = [
            u
            for u in re.findall(r'(?:src|href)="([^"]+)"', body)
            if u.startswith(("http:", "https:", "//"))
        ]
        assert external == [], (url, external)


def test_employee_form_shows_nip_error_and_saves_nothing(client, world):
    from kinerja.organisation.models import Employee

    client.force_login(world.admin)
    before = Employee.objects.count()
    data = {
        "nip": "19860926 201505 3 001",
        "name": "Uji Salah",
        "asn_status": "PNS",
        "grade": "III/a",
        "position": world.staff_position.pk,
        "unit": world.subunit.pk,
        "is_active": "on",
    }
    response = client.post(reverse("organisation:employee_create"), data)
    assert response.status_code == 200
    assert "Digit ke-15 NIP adalah jenis kelamin" in response.content.decode()
    assert Employee.objects.count() == before

    data["nip"] = "19860926 201505 1 001"
    response = client.post(reverse("organisation:employee_create"), data)
    assert response.status_code == 302
    assert Employee.objects.get(nip="198609262015051001").gender == "L"


def test_primary_keys_above_999_render_without_a_thousands_separator(client, world):
    from kinerja.organisation.models import OrgUnit

    OrgUnit.objects.create(pk=123456, agency=world.agency, name="Unit Besar")
    client.force_login(world.admin)
    page = client.get(reverse("organisation:employee_list")).content.decode()
    assert 'value="123456"' in page
    assert 'value="123.456"' not in page
