"""`articles.parquet` (`--parquet`): the records of `articles.jsonl` as a typed table, for
DuckDB, pandas, polars and Spark.

The Arrow schema is derived from the record model (`ArticleRecord`), so the two cannot
drift: strings, integers, floats and booleans as such, dates as `date32`, models as
structs, lists as lists (the variants: a list of structs), a record's `X | None` fields
nullable and the others not (a struct's own fields are all nullable: Arrow gives a missing
struct, a null `title_from`, null fields). One exception: `published_at` stays the ISO 8601
text of `articles.jsonl`, because a header's time may or may not name its zone, and an
Arrow timestamp column is either zoned (an instant) or not for all its rows;
`CAST(published_at AS TIMESTAMPTZ)` reads it.

The table is converted from `articles.jsonl` as staged (Arrow's own JSON reader, with that
schema, in batches: memory stays flat), so it holds exactly the same records. Its bytes
depend only on the records and pyarrow's version: a rerun writes the same file.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from pathlib import Path
from typing import Annotated, Any, BinaryIO, Literal, Union

from pydantic import BaseModel

from tasks.models import ArticleRecord

BATCH_BYTES = 16 << 20  # of JSON per batch read and written
ROW_GROUP_ROWS = 100_000


def arrow_type(annotation: Any, dates: Any = None, loose: bool = False) -> Any:
    """The Arrow type of a field annotated `annotation` (see the module's docstring), with
    `dates` (default `date32`) for dates; `loose`: every field nullable. A struct's own
    fields always are: Arrow gives a missing struct (a null `title_from`) null fields.

    >>> import pyarrow as pa
    >>> arrow_type(list[int]) == pa.list_(pa.int64()), arrow_type(dt.date | None)
    (True, DataType(date32[day]))
    """
    import pyarrow as pa

    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return arrow_type(typing.get_args(annotation)[0], dates, loose)
    if origin in (Union, types.UnionType):
        present = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(present) != 1:
            raise TypeError(f"no Arrow type for {annotation!r}")
        return arrow_type(present[0], dates, loose)
    if origin is Literal:
        return pa.string()
    if origin is list:
        return pa.list_(arrow_type(typing.get_args(annotation)[0], dates, loose))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct(_fields(annotation, dates, loose=True))
    scalars = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(),
               dt.date: dates or pa.date32(), dt.datetime: pa.string()}  # fmt: skip
    if annotation in scalars:
        return scalars[annotation]
    raise TypeError(f"no Arrow type for {annotation!r}")


def _fields(model: type[BaseModel], dates: Any, loose: bool) -> list[Any]:
    import pyarrow as pa

    hints = typing.get_type_hints(model, include_extras=True)
    return [
        pa.field(
            name, arrow_type(hints[name], dates, loose), nullable=loose or _optional(hints[name])
        )
        for name in model.model_fields
    ]


def _optional(annotation: Any) -> bool:
    if typing.get_origin(annotation) is Annotated:
        return _optional(typing.get_args(annotation)[0])
    return type(None) in typing.get_args(annotation)


def record_schema(dates: Any = None, loose: bool = False) -> Any:
    """The Arrow schema of `ArticleRecord` (`dates`, `loose`: see `arrow_type`)."""
    import pyarrow as pa

    return pa.schema(_fields(ArticleRecord, dates, loose))


def write_parquet(jsonl: Path, handle: BinaryIO, batch_bytes: int = BATCH_BYTES) -> int:
    """Write the records of `jsonl` to `handle` as Parquet (zstd-compressed); how many.
    Arrow's reader takes whole lines only: a block is at least the longest record (a story
    with thousands of copies can pass `batch_bytes`)."""
    import pyarrow as pa
    import pyarrow.json as pj
    import pyarrow.parquet as pq

    # Arrow's JSON reader takes a date as text only, and refuses a null struct whose fields
    # are required (`title_from`); each batch is then cast, nested dates included.
    schema, as_read = record_schema(), record_schema(dates=pa.string(), loose=True)
    options = pj.ParseOptions(explicit_schema=as_read, unexpected_field_behavior="error")
    rows = 0
    with pq.ParquetWriter(handle, schema, compression="zstd") as writer:
        if jsonl.stat().st_size:  # Arrow's reader refuses an empty file
            block = max(batch_bytes, _longest_line(jsonl) + 1)
            batches = pj.open_json(jsonl, pj.ReadOptions(block_size=block), options)
            for batch in batches:
                writer.write_batch(batch.cast(schema), row_group_size=ROW_GROUP_ROWS)
                rows += batch.num_rows
    return rows


def _longest_line(path: Path) -> int:
    with path.open("rb") as lines:
        return max(map(len, lines))
