"""A fixture that points the jobs' private storage (uploads and outputs) at a temporary folder,
so tests never write into var/private."""

from __future__ import annotations

import pytest

from kinerja.jobs.models import Job


def point_private_storage(path) -> dict:
    """Points the storage at `path`; returns what to give back to `restore_private_storage`."""
    storage = Job._meta.get_field("output_file").storage
    assert storage is Job._meta.get_field("input_file").storage
    saved = dict(storage.__dict__)
    storage.__dict__.pop("base_location", None)
    storage.__dict__.pop("location", None)
    storage._location = str(path)
    return saved


def restore_private_storage(saved: dict) -> None:
    storage = Job._meta.get_field("output_file").storage
    storage.__dict__.clear()
    storage.__dict__.update(saved)


@pytest.fixture
def private_storage(tmp_path):
    saved = point_private_storage(tmp_path / "private")
    try:
        yield tmp_path / "private"
    finally:
        restore_private_storage(saved)
