"""Field types whose OpenAPI description is exactly what they accept.

The schema is a contract: a value it calls valid must not be turned away for its *form*, and a
value it calls invalid must never get through. Pydantic's lax mode would accept ``"yes"`` for a
boolean or ``1700000000`` for a date — neither of which the schema admits — so booleans are
strict, dates and times must be RFC 3339 strings, and no text may carry a NUL character (which
PostgreSQL cannot store).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StrictBool, StringConstraints, WithJsonSchema

NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\x00\s][^\x00]*$"
KEY = r"^[a-z][a-z0-9_]{0,59}$"
REFERENCE = r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$"
MAX_TEXT = 20000
MAX_ID = 2**62

_KEY = re.compile(KEY)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})$"
)

#: Text that must say something: not empty, not only spaces.
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT, pattern=NOT_BLANK)]
#: Text that may be empty.
OptionalText = Annotated[str, StringConstraints(max_length=MAX_TEXT, pattern=NO_NUL)]
#: A short label or name.
ShortText = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]
#: A key from the organisation's rulebook (category, stage, step, sanction, ground, ...).
Key = Annotated[str, StringConstraints(max_length=60, pattern=KEY)]
#: The same, or empty for "not given".
OptionalKey = Annotated[str, StringConstraints(max_length=60, pattern=r"^([a-z][a-z0-9_]*)?$")]
#: A case reference such as ``C-2026-00042``.
Reference = Annotated[str, StringConstraints(max_length=32, pattern=REFERENCE)]
#: An e-mail address as typed (the service checks it properly).
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^\s@\x00]+@[^\s@\x00]+$")]
OptionalEmail = Annotated[
    str, StringConstraints(max_length=254, pattern=r"^([^\s@\x00]+@[^\s@\x00]+)?$")
]


def _json_int(value: Any) -> Any:
    # JSON has one number type: 7.0 is the integer 7, but "7" and true are not numbers.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("a whole number")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("a whole number")
    return int(value)


#: A whole number in a JSON body.
JsonInt = Annotated[int, BeforeValidator(_json_int)]
# Bounds go on the number inside the JSON check, not around it: bounds around it are lost from
# the document (as non-standard "ge"/"le") once the field may also be null.
Version = Annotated[int, Field(ge=1, le=2**31 - 1), BeforeValidator(_json_int)]
#: A size in bytes.
ByteCount = Annotated[int, Field(ge=0, le=MAX_ID), BeforeValidator(_json_int)]
Identifier = Annotated[int, Field(ge=1, le=MAX_ID)]
Flag = StrictBool


def _rfc3339_date(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError("a date as YYYY-MM-DD")
    return dt.date.fromisoformat(value)


def _rfc3339_date_time(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _DATE_TIME.match(value):
        raise ValueError("a date and time with its offset, as in 2026-03-01T09:30:00Z")
    text = value.upper()
    if text[17:19] == "60":  # RFC 3339 admits a leap second; Python does not
        text = text[:17] + "59" + text[19:]
    return dt.datetime.fromisoformat(text)


Date = Annotated[
    dt.date,
    BeforeValidator(_rfc3339_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
DateTime = Annotated[
    dt.datetime,
    BeforeValidator(_rfc3339_date_time),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def _query_flag(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError("true or false")


def _answers(value: Any) -> Any:
    if not isinstance(value, dict) or len(value) > 30:
        raise ValueError("an object of at most 30 answers")
    for key, answer in value.items():
        if not isinstance(key, str) or not _KEY.match(key) or not isinstance(answer, bool):
            raise ValueError("each answer: a rulebook question key and true or false")
    return value


#: Answers keyed by question: keys are rulebook keys, values yes (true) or no (false).
Answers = Annotated[
    dict[str, bool],
    BeforeValidator(_answers),
    WithJsonSchema(
        {
            "type": "object",
            "maxProperties": 30,
            "propertyNames": {"pattern": KEY, "maxLength": 60},
            "additionalProperties": {"type": "boolean"},
        }
    ),
]


#: A boolean in a query string: exactly ``true`` or ``false``.
QueryFlag = Annotated[bool, BeforeValidator(_query_flag), WithJsonSchema({"type": "boolean"})]


def _optional(validator: Any) -> Any:
    return lambda value: None if value is None else validator(value)


#: Optional query-string values: absent means "not given"; no ``null`` on the wire.
QueryDateTime = Annotated[
    dt.datetime | None,
    BeforeValidator(_optional(_rfc3339_date_time)),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
OptionalQueryFlag = Annotated[
    bool | None, BeforeValidator(_optional(_query_flag)), WithJsonSchema({"type": "boolean"})
]
