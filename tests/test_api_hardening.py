"""The API answers every error in the one JSON shape and never with a 500 for input it can
describe: unknown paths, wrong methods, absurd pages, explicit nulls, non-object bodies; and the
OpenAPI schema states those errors."""

from __future__ import annotations

import pytest

from kinerja.api.common import MAX_PAGE, MAX_PAGE_SIZE
from kinerja.development.models import Training

from .test_api import auth, send
from .test_api_development import training


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["message"]
    if code is not None:
        assert error["code"] == code
    return error


def test_unknown_path_and_wrong_method_answer_json(client, world):
    headers = auth(world)
    assert_error(send(client, "get", "/api/v1/tidak-ada", headers), 404, "not_found")
    error = send(client, "delete", "/api/v1/units", headers)
    assert_error(error, 405, "method_not_allowed")
    assert "GET" in error["Allow"]


@pytest.mark.parametrize("path", ["/api/v1/units", "/api/v1/employees", "/api/v1/trainings"])
def test_absurd_pages_are_refused_or_empty_never_a_server_error(client, world, path):
    headers = auth(world)
    assert_error(send(client, "get", f"{path}?page=9223372036854775807", headers), 422)
    assert_error(send(client, "get", f"{path}?page_size={MAX_PAGE_SIZE + 1}", headers), 422)
    past = send(client, "get", f"{path}?page={MAX_PAGE}", headers)
    assert past.status_code == 200 and past.json()["items"] == []
    full = send(client, "get", f"{path}?page_size={MAX_PAGE_SIZE}", headers)
    assert full.status_code == 200


def test_explicit_null_for_a_required_field_is_422_and_changes_nothing(client, world, framework):
    item = training(world, "INT-1", name="Pelatihan Integritas", provider="BPSDM")
    response = send(
        client, "patch", f"/api/v1/trainings/{item.pk}", auth(world), {"provider": None}
    )
    error = assert_error(response, 422, "invalid")
    assert error["details"] == [{"field": "provider"}]
    assert Training.objects.get(pk=item.pk).provider == "BPSDM"
    # cost is nullable: clearing it is a value
    cleared = send(client, "patch", f"/api/v1/trainings/{item.pk}", auth(world), {"cost": None})
    assert cleared.status_code == 200


@pytest.mark.parametrize("body", ["[1, 2]", "3", '"teks"', "null"])
def test_a_body_that_is_not_an_object_is_refused(client, world, body):
    response = client.post("/api/v1/units", body, content_type="application/json", **auth(world))
    assert_error(response, 422, "invalid")


def test_the_schema_states_the_error_shape_for_every_operation(client, world):
    schema = client.get("/api/openapi.json").json()
    assert "Error" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "422"):
                assert status in operation["responses"], (method, path, status)
