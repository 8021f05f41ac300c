"""Inserting many new rows of one model at the database's speed (issue 17, ADR 0177).

`insert(Model, objects)` does what `Model.objects.bulk_create(objects)` does for new objects with
an automatic primary key (one INSERT … RETURNING per batch; the new keys set on the objects, which
are then saved objects of this database), but prepares each value once, with the field's own
`get_db_prep_save` only where the value needs it (a date, a datetime, JSON, a UUID), rather than
through the query compiler's several calls per value: for the bulk import and the demo history,
which insert hundreds of thousands of rows, that was most of the time the inserts took.

Like `bulk_create` it only inserts (no update on conflict), sends no signals and calls no
`save()`; unlike it, it refuses objects that already have a key, and models whose key is not
automatic (use `bulk_create` for those).
"""

import gc
from contextlib import contextmanager

from django.db import connections, models

BATCH_SIZE = 1000

# Fields that store a str, an int, a bool or None as it is (their `get_db_prep_save` returns
# such a value unchanged): only these skip the field's preparation, and only for values of
# exactly those types. Every other field and value goes through `get_db_prep_save`.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)
_PLAIN_VALUES = frozenset({str, int, bool, type(None)})


def _plain(field) -> bool:
    if isinstance(field, models.ForeignKey):
        return _plain(field.target_field) or isinstance(field.target_field, models.AutoField)
    return isinstance(field, _PLAIN_FIELDS) and not isinstance(
        field, models.JSONField | models.GenericIPAddressField
    )


def insert(model, objects: list, *, batch_size: int = BATCH_SIZE, using: str = "default") -> list:
    """Insert `objects` (new instances of `model`, no key set) and set their keys. Returns
    `objects`."""
    if not objects:
        return objects
    opts = model._meta
    pk = opts.pk
    if not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
        raise TypeError(f"{opts.label}: insert() needs an automatic primary key")
    connection = connections[using]
    fields = [f for f in opts.concrete_fields if f is not pk]
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    related = [f for f in fields if f.is_relation and f.many_to_one]
    steps = [(f.attname, _plain(f), f.get_db_prep_save) for f in fields]
    params_per_row = max(len(fields), 1)
    size = min(batch_size, connection.ops.bulk_batch_size(fields, objects) or batch_size)
    size = max(1, min(size, 30000 // params_per_row))
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    returning = f"{table}.{quote(pk.column)}"
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    for obj in objects:
        if type(obj) is not model:
            raise TypeError(f"insert({opts.label}) given a {type(obj).__name__}")
        if obj.pk is not None:
            raise ValueError(f"{opts.label}: insert() is for new objects only")
        for f in stamped:
            f.pre_save(obj, add=True)
        for f in related:
            # What `_prepare_related_fields_for_save` does: a related object saved since it
            # was assigned gives its key.
            if getattr(obj, f.attname) is None and f.is_cached(obj):
                target = f.get_cached_value(obj)
                if target is not None:
                    if target.pk is None:
                        raise ValueError(
                            f"insert({opts.label}) prohibited to prevent data loss due to "
                            f"unsaved related object '{f.name}'."
                        )
                    setattr(obj, f.attname, target.pk)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), size):
            part = objects[start : start + size]
            params = []
            for obj in part:
                values = obj.__dict__
                for attname, plain, prepare in steps:
                    value = values[attname]
                    if not (plain and type(value) in _PLAIN_VALUES):
                        value = prepare(value, connection)
                    params.append(value)
            sql = (
                f"INSERT INTO {table} ({columns}) VALUES "
                + ", ".join([row_sql] * len(part))
                + f" RETURNING {returning}"
            )
            cursor.execute(sql, params)
            keys = cursor.fetchall()
            if len(keys) != len(part):
                raise RuntimeError(f"{opts.label}: {len(part)} rows inserted, {len(keys)} keys")
            for obj, (key,) in zip(part, keys, strict=True):
                obj.pk = key
                obj._state.adding = False
                obj._state.db = using
    return objects


@contextmanager
def cycle_collector_paused():
    """Python's cycle collector paused for a bulk job, and resumed after. The job keeps tens of
    thousands of objects alive (rows, plans, model instances), and each full collection walks
    every one of them again, more often the more are made: a cost that grows faster than the
    rows. Nothing the job makes relies on the collector; what it leaves is collected once it
    resumes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
