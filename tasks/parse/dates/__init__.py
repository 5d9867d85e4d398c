"""Reading date header values: the accepted forms and the strict reader."""

from tasks.parse.dates.forms import DateOrder, Reading
from tasks.parse.dates.values import (
    ImpossibleDateError,
    UnrecognizedDateError,
    check_plausible,
    read_date_value,
)

__all__ = [
    "DateOrder",
    "ImpossibleDateError",
    "Reading",
    "UnrecognizedDateError",
    "check_plausible",
    "read_date_value",
]
