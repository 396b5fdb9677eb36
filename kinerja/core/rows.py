"""Model instances from one hand-written statement over several tables, for the few hot paths
where the ORM's own work per query (compiling a `select_related`, building its columns) costs
more than the query: the rater's save and submit (bench/load.py). The instances are what the
ORM would have built: the database's values through the same converters, `Model.from_db`, and
the related rows cached on their foreign keys, so reading them later makes no query."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field, Model


@cache
def _fields(model: type[Model], exclude: tuple[str, ...]) -> tuple[Field, ...]:
    return tuple(f for f in model._meta.concrete_fields if f.name not in exclude)


def columns(model: type[Model], alias: str, *, exclude: tuple[str, ...] = ()) -> str:
    """`alias.column, …` of the model's concrete fields but `exclude`, in the model's order."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(str(f.column))}" for f in _fields(model, exclude))


@cache
def _converters(model: type[Model], exclude: tuple[str, ...], vendor: str) -> tuple[tuple, ...]:
    """(index, converters, column expression) of each field that has converters here."""
    out = []
    for i, field in enumerate(_fields(model, exclude)):
        col = field.get_col(model._meta.db_table)
        convs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if convs:
            out.append((i, convs, col))
    return tuple(out)


def instance(
    model: type[Model], values: tuple[Any, ...] | list[Any], *, exclude: tuple[str, ...] = ()
) -> Any:
    """The model instance for `values`, read in the order `columns(model, …, exclude=exclude)`
    gives; excluded fields are deferred (read on first access, as with `.defer()`)."""
    fields = _fields(model, exclude)
    if len(values) != len(fields):
        raise ValueError(f"{model.__name__}: {len(values)} values for {len(fields)} fields")
    converted = list(values)
    for i, convs, col in _converters(model, exclude, connection.vendor):
        for conv in convs:
            converted[i] = conv(converted[i], col, connection)
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


def relate(obj: Model, name: str, other: Model) -> None:
    """Caches `other` as `obj.<name>` (a foreign key's target), as select_related would."""
    obj._meta.get_field(name).set_cached_value(obj, other)  # type: ignore[union-attr]


def insert_parts(obj: Model) -> tuple[str, str, list[Any]]:
    """(`"col", …`, `%s, …`, values) of a new row's INSERT, every concrete field but the primary
    key, prepared as `obj.save()` would prepare them (auto_now and defaults included)."""
    fields = [f for f in obj._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    values = [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
    return ", ".join(quote(str(f.column)) for f in fields), ", ".join(["%s"] * len(fields)), values


def saved(obj: Model, pk: Any) -> None:
    """Marks `obj` as stored with primary key `pk` (after an INSERT built by hand)."""
    obj.pk = pk
    obj._state.adding, obj._state.db = False, connection.alias
