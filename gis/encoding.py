"""Which text encoding a Shapefile's attributes are in, when the file does not say.

A Shapefile names its encoding in a `.cpg` (or `.cst`) file or in the DBF header's language
driver byte. Files from Chinese government offices often have neither: GDAL then reads the text
as ISO-8859-1 and every Chinese name comes out garbled, silently. We read the DBF's own bytes
(field names and character fields) and take the first of UTF-8, GBK, GB18030 that decodes them
all; ASCII-only text needs no guess.
"""

import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from gis.i18n import _

# Tried in this order: UTF-8 first because GBK decodes some UTF-8 byte runs too (wrongly);
# GB18030 is a superset of GBK, tried last so that plain GBK files are named as such.
CANDIDATES = ("UTF-8", "GBK", "GB18030")

# Language driver IDs that do not name an encoding: 0 (unset) and 0x57 ("current ANSI code page"
# of the Windows that wrote the file, which on a Chinese Windows means GBK).
_UNSET_LANGUAGE_DRIVERS = (0x00, 0x57)


@dataclass(frozen=True)
class DetectedEncoding:
    """An encoding chosen from a Shapefile's bytes, and why."""

    name: str  # a Python / GDAL encoding name, e.g. "GBK"
    reason: str  # e.g. "no .cpg file and the text is not UTF-8"


def detect_shapefile_encoding(
    path: str | Path, layer: str | int | None = None
) -> DetectedEncoding | None:
    """The encoding of a Shapefile's (or zipped Shapefile's) text when the file names none.

    None when the path is not a Shapefile, when a `.cpg`/`.cst` file or the DBF header names the
    encoding (GDAL then reads it right), or when the text is plain ASCII.
    """
    dbf = _dbf_bytes(Path(path), layer)
    if dbf is None or len(dbf) < 32 or dbf[29] not in _UNSET_LANGUAGE_DRIVERS:
        return None
    values = _text_values(dbf)
    if not values:
        return None
    for name in CANDIDATES:
        if not all(_decodes(value, name) for value in values):
            continue
        if name == "UTF-8":
            return DetectedEncoding(name, _("no .cpg file; the text is UTF-8"))
        return DetectedEncoding(name, _("no .cpg file and the text is not UTF-8"))
    return None


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a CSV file: UTF-8 (with or without a BOM), else GBK, else GB18030.

    Excel on a Chinese Windows saves CSV as GBK.
    """
    for name in ("utf-8-sig", "GBK", "GB18030"):
        try:
            return data.decode(name), "UTF-8" if name == "utf-8-sig" else name
        except UnicodeDecodeError:
            continue
    # Not text in any of them: latin-1 decodes anything, and the lon/lat columns are ASCII.
    return data.decode("latin-1"), "ISO-8859-1"


def _dbf_bytes(path: Path, layer: str | int | None) -> bytes | None:
    suffix = path.suffix.lower()
    if suffix in (".shp", ".dbf"):
        if _has_sidecar(path.with_suffix, (".cpg", ".CPG", ".cst", ".CST")):
            return None
        for dbf in (path.with_suffix(".dbf"), path.with_suffix(".DBF")):
            if dbf.is_file():
                return dbf.read_bytes()
        return None
    if suffix == ".zip" and zipfile.is_zipfile(path):
        return _zipped_dbf_bytes(path, layer)
    return None


def _has_sidecar(with_suffix, suffixes: tuple[str, ...]) -> bool:
    return any(with_suffix(s).is_file() for s in suffixes)


def _zipped_dbf_bytes(path: Path, layer: str | int | None) -> bytes | None:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        stems = sorted(n[:-4] for n in names if n.lower().endswith(".dbf"))
        if isinstance(layer, str):
            stems = [s for s in stems if Path(s).name == layer]
        elif isinstance(layer, int):
            stems = stems[layer : layer + 1]
        if not stems:
            return None
        stem = stems[0]
        lower = {n.lower(): n for n in names}
        if any(f"{stem}{s}".lower() in lower for s in (".cpg", ".cst")):
            return None
        return archive.read(lower[f"{stem}.dbf".lower()])


def _decodes(value: tuple[bytes, bool], encoding: str) -> bool:
    text, full = value
    try:
        text.decode(encoding)
        return True
    except UnicodeDecodeError as error:
        # A field filled to its width may end in half a character the writer cut off.
        cut_short = error.reason in ("unexpected end of data", "incomplete multibyte sequence")
        return full and cut_short and error.end == len(text)


def _text_values(dbf: bytes) -> list[tuple[bytes, bool]]:
    """(bytes, fills its field) of the field names and of the non-ASCII character fields."""
    # dBase III header: record count (uint32 at 4), header and record length (uint16 at 8, 10);
    # then 32-byte field descriptors (name 0-10, type 11, length 16) up to a 0x0D terminator.
    count, header_length, record_length = struct.unpack_from("<IHH", dbf, 4)
    names, fields = [], []
    offset, start = 32, 1  # each record starts with a deletion flag byte
    while offset + 32 <= len(dbf) and dbf[offset] != 0x0D:
        descriptor = dbf[offset : offset + 32]
        names.append(descriptor[:11].split(b"\0", 1)[0])
        length = descriptor[16]
        if descriptor[11:12] == b"C":
            fields.append((start, start + length))
        start += length
        offset += 32
    values = [(name, False) for name in names]
    for record in range(count):
        base = header_length + record * record_length
        row = dbf[base : base + record_length]
        for a, b in fields:
            text = row[a:b].rstrip(b" \0")
            values.append((text, len(text) == b - a))
    return [(text, full) for text, full in values if not text.isascii()]
