"""Shapefiles without a .cpg, as Chinese government offices send them: GBK text, detected."""

import struct
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gis.check import check_file
from gis.encoding import detect_shapefile_encoding
from gis.io import BoundaryFileError, read_boundaries, read_features, read_points

STREET_NAMES = ["望花街道", "新华街道", "鞍山路街道"]


def gbk_shapefile_without_cpg(
    folder: Path, names=STREET_NAMES, encoding="GBK", level: str = "street"
) -> Path:
    street_codes = [f"21040400{k + 1}" for k in range(len(names))]
    codes = (
        street_codes
        if level == "street"
        else [f"21040400101{k + 1:03d}" for k in range(len(names))]
    )
    frame = gpd.GeoDataFrame(
        {"code": codes, "name": names},
        geometry=[
            shapely.box(123.80 + 0.01 * k, 41.80, 123.81 + 0.01 * k, 41.81)
            for k in range(len(names))
        ],
        crs="EPSG:4326",
    )
    path = folder / f"{level}s.shp"
    frame.to_file(path, engine="pyogrio", encoding=encoding)
    path.with_suffix(".cpg").unlink()
    # The file really holds GBK bytes, and nothing else says so.
    dbf = path.with_suffix(".dbf").read_bytes()
    assert names[0].encode(encoding) in dbf and dbf[29] == 0
    return path


def zipped(path: Path) -> Path:
    archive = path.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w") as out:
        for part in path.parent.glob(f"{path.stem}.*"):
            if part != archive:
                out.write(part, part.name)
    return archive


def test_gbk_names_in_a_shapefile_without_cpg_come_through_and_gbk_is_named(tmp_path):
    result = read_boundaries(gbk_shapefile_without_cpg(tmp_path), level="street")
    assert [b.name for b in result.boundaries] == STREET_NAMES
    assert result.encoding == "GBK"
    assert "GBK" in result.encoding_note and "no .cpg" in result.encoding_note


def test_zipped_gbk_shapefile_without_cpg_is_detected_too(tmp_path):
    archive = zipped(gbk_shapefile_without_cpg(tmp_path))
    result = read_boundaries(archive, level="street")
    assert [b.name for b in result.boundaries] == STREET_NAMES and result.encoding == "GBK"


def test_given_encoding_overrides_detection(tmp_path):
    path = gbk_shapefile_without_cpg(tmp_path)
    result = read_boundaries(path, level="street", encoding="latin-1")
    assert result.boundaries[0].name == STREET_NAMES[0].encode("GBK").decode("latin-1")
    assert result.encoding == "iso8859-1" and result.encoding_note is None


def test_given_encoding_that_does_not_fit_the_bytes_is_a_file_error(tmp_path):
    with pytest.raises(BoundaryFileError, match="not utf-8"):
        read_boundaries(gbk_shapefile_without_cpg(tmp_path), level="street", encoding="UTF-8")


def test_utf8_shapefile_without_cpg_is_read_as_utf8(tmp_path):
    path = gbk_shapefile_without_cpg(tmp_path, encoding="UTF-8")
    result = read_boundaries(path, level="street")
    assert [b.name for b in result.boundaries] == STREET_NAMES and result.encoding == "UTF-8"


def test_gb18030_only_characters_are_read_as_gb18030(tmp_path):
    # 𠀀 (U+20000) has no GBK code; GB18030 gives it four bytes.
    names = ["望花街道", "𠀀街道"]
    path = gbk_shapefile_without_cpg(tmp_path, names=names, encoding="GB18030")
    result = read_boundaries(path, level="street")
    assert [b.name for b in result.boundaries] == names and result.encoding == "GB18030"


def test_shapefile_with_cpg_is_left_to_its_cpg(tmp_path):
    path = gbk_shapefile_without_cpg(tmp_path)
    path.with_suffix(".cpg").write_text("GBK")
    assert detect_shapefile_encoding(path) is None
    result = read_boundaries(path, level="street")
    assert [b.name for b in result.boundaries] == STREET_NAMES and result.encoding_note is None


def test_ascii_only_shapefile_needs_no_guess(tmp_path):
    path = gbk_shapefile_without_cpg(tmp_path, names=["Wanghua", "Xinhua", "Anshan"])
    assert detect_shapefile_encoding(path) is None


def test_unknown_encoding_is_a_file_error(tmp_path):
    with pytest.raises(BoundaryFileError, match="unknown encoding"):
        read_boundaries(gbk_shapefile_without_cpg(tmp_path), level="street", encoding="gbkk")


def test_check_of_a_gbk_shapefile_notes_the_encoding(tmp_path):
    path = gbk_shapefile_without_cpg(tmp_path)
    assert [b.name for b in read_features(path).boundaries] == STREET_NAMES
    report = check_file(path)
    assert len(report.notes) == 1 and "GBK" in report.notes[0]
    assert report.to_json()["notes"] == report.notes


def test_gbk_csv_points_are_read(tmp_path):
    path = tmp_path / "homes.csv"
    path.write_bytes("lon,lat,households,小区\n123.801,41.801,30,望花小区\n".encode("GBK"))
    points = read_points(path)
    assert np.allclose(points.weights, [30]) and points.encoding == "GBK"
    assert "GBK" in points.encoding_note


def set_language_driver(path: Path, ldid: int) -> None:
    dbf = path.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    data[29] = ldid
    dbf.write_bytes(bytes(data))


def test_ansi_language_driver_is_no_answer_and_gbk_is_detected(tmp_path):
    # 0x57 is "the writer's ANSI code page": GBK on a Chinese Windows, but GDAL reads ISO-8859-1.
    path = gbk_shapefile_without_cpg(tmp_path)
    set_language_driver(path, 0x57)
    result = read_boundaries(path, level="street")
    assert [b.name for b in result.boundaries] == STREET_NAMES and result.encoding == "GBK"


def test_a_language_driver_naming_gbk_is_left_to_gdal(tmp_path):
    path = gbk_shapefile_without_cpg(tmp_path)
    set_language_driver(path, 0x4D)  # code page 936, which GDAL reads itself
    result = read_boundaries(path, level="street")
    assert [b.name for b in result.boundaries] == STREET_NAMES and result.encoding_note is None


def test_a_name_cut_mid_character_by_its_field_width_is_still_gbk(tmp_path):
    path = gbk_shapefile_without_cpg(tmp_path)
    dbf = bytearray(path.with_suffix(".dbf").read_bytes())
    header_length, name_width = struct.unpack_from("<H", dbf, 8)[0], dbf[32 + 32 + 16]
    name_start = 1 + dbf[32 + 16]  # after the deletion flag and the code field
    # One ASCII letter first, so the cut at the field's width falls inside a GBK character.
    cut = ("A" + "望花街道" * 40).encode("GBK")[:name_width]
    assert len(cut) == name_width and name_width % 2 == 0
    dbf[header_length + name_start : header_length + name_start + name_width] = cut
    path.with_suffix(".dbf").write_bytes(bytes(dbf))
    result = read_boundaries(path, level="street")
    assert result.encoding == "GBK" and result.boundaries[0].name.startswith("A望花街道望花")
