"""Unit-grid codes (单元网格编码, GB/T 30428.1 / CJ/T 213), always handled as strings.

A grid code has 14 digits: 6-digit county code (GB/T 2260) + 3-digit street + 2-digit community
+ 3-digit grid sequence, e.g. ``21040400101007``. A street code is the first 9 digits.
"""

from typing import Literal

from gis.i18n import _

Level = Literal["street", "grid"]

GRID_CODE_LENGTH = 14
STREET_CODE_LENGTH = 9
_LENGTHS: dict[str, int] = {"street": STREET_CODE_LENGTH, "grid": GRID_CODE_LENGTH}


def _is_digits(s: object, length: int) -> bool:
    # str.isdigit() alone accepts full-width and other Unicode digits such as "１２".
    return isinstance(s, str) and len(s) == length and s.isascii() and s.isdigit()


def is_grid_code(s: object) -> bool:
    """True if s is a 14-digit grid code string."""
    return _is_digits(s, GRID_CODE_LENGTH)


def is_street_code(s: object) -> bool:
    """True if s is a 9-digit street code string."""
    return _is_digits(s, STREET_CODE_LENGTH)


def street_code_of(grid_code: str) -> str:
    """The 9-digit street code a 14-digit grid code belongs to."""
    if not is_grid_code(grid_code):
        raise ValueError(f"grid code {grid_code!r} must be {GRID_CODE_LENGTH} digits")
    return grid_code[:STREET_CODE_LENGTH]


def make_grid_code(street_code: str, community: int | str, seq: int | str) -> str:
    """Build a grid code from a street code, community number (1-99) and grid number (1-999)."""
    if not is_street_code(street_code):
        raise ValueError(f"street code {street_code!r} must be {STREET_CODE_LENGTH} digits")
    return street_code + _part(community, 2, "community") + _part(seq, 3, "grid sequence")


def _part(value: int | str, width: int, what: str) -> str:
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > width or int(text) == 0:
        raise ValueError(f"{what} {value!r} must be a number from 1 to {10**width - 1}")
    return text.zfill(width)


def level_name(level: Level) -> str:
    """'street' or 'grid' in the reader's language."""
    return _("street") if level == "street" else _("grid")


def code_problem(code: object, level: Level) -> str | None:
    """A one-line message saying what is wrong with a street or grid code, or None if valid."""
    length = _LENGTHS[level]
    if code is None or (isinstance(code, str) and not code.strip()):
        return _("{level} code is missing").format(level=level_name(level))
    if not isinstance(code, str):
        message = _("{level} code {code!r} must be a string of {length} digits")
        return message.format(level=level_name(level), code=code, length=length)
    if not _is_digits(code, length):
        message = _("{level} code {code!r} must be {length} digits")
        return message.format(level=level_name(level), code=code, length=length)
    return None
