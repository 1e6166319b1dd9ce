"""Conversions between WGS-84, GCJ-02 (AMap/Tencent) and BD-09 (Baidu) lon/lat in degrees.

GCJ-02 is WGS-84 plus a published, non-invertible offset of several hundred metres; BD-09 adds
Baidu's own offset on top of GCJ-02. The inverses are found by fixed-point iteration of the
forward transforms. Points outside the rough China box pass through unchanged, as every
published implementation does (the offset is only applied inside China).
"""

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

Coord = TypeVar("Coord", float, np.ndarray)
Geom = TypeVar("Geom", bound=BaseGeometry)
CoordFunc = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

# Krasovsky 1940 ellipsoid: the published GCJ-02 algorithm uses it, not WGS-84's.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
# 1e-9 degrees is about 0.1 mm: far below the 0.5 m the inverses promise.
_INVERSE_TOLERANCE_DEG = 1e-9
_MAX_ITERATIONS = 30


def _as_arrays(lon: Coord, lat: Coord) -> tuple[np.ndarray, np.ndarray, bool]:
    is_scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    lon_arr, lat_arr = np.broadcast_arrays(
        np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    )
    return lon_arr, lat_arr, is_scalar


def _result(lon: np.ndarray, lat: np.ndarray, is_scalar: bool) -> tuple:
    if is_scalar:
        return float(lon), float(lat)
    return lon, lat


def _out_of_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    # NaN compares False, so NaN counts as outside and passes through unchanged.
    inside = (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)
    return ~inside


def _gcj_delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = lon - 105.0
    y = lat - 35.0
    x_pi = x * np.pi
    y_pi = y * np.pi
    common = 20.0 * np.sin(6.0 * x_pi) + 20.0 * np.sin(2.0 * x_pi)
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    d_lat += (
        common
        + 20.0 * np.sin(y_pi)
        + 40.0 * np.sin(y_pi / 3.0)
        + 160.0 * np.sin(y_pi / 12.0)
        + 320.0 * np.sin(y_pi / 30.0)
    ) * (2.0 / 3.0)
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    d_lon += (
        common
        + 20.0 * np.sin(x_pi)
        + 40.0 * np.sin(x_pi / 3.0)
        + 150.0 * np.sin(x_pi / 12.0)
        + 300.0 * np.sin(x_pi / 30.0)
    ) * (2.0 / 3.0)
    rad_lat = np.radians(lat)
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return d_lon, d_lat


def _wgs_to_gcj(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    outside = _out_of_china(lon, lat)
    d_lon, d_lat = _gcj_delta(lon, lat)
    return np.where(outside, lon, lon + d_lon), np.where(outside, lat, lat + d_lat)


def _gcj_to_bd(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = np.hypot(lon, lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    outside = _out_of_china(lon, lat)
    bd_lon = z * np.cos(theta) + 0.0065
    bd_lat = z * np.sin(theta) + 0.006
    return np.where(outside, lon, bd_lon), np.where(outside, lat, bd_lat)


def _bd_to_gcj_estimate(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = lon - 0.0065
    y = lat - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def _invert(
    forward: CoordFunc,
    lon: np.ndarray,
    lat: np.ndarray,
    guess: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    # The offsets vary slowly (metres per km), so x <- x - (f(x) - target) contracts fast.
    src_lon, src_lat = guess
    outside = _out_of_china(lon, lat)
    src_lon = np.where(outside, lon, src_lon)
    src_lat = np.where(outside, lat, src_lat)
    for _ in range(_MAX_ITERATIONS):
        img_lon, img_lat = forward(src_lon, src_lat)
        err_lon = np.where(outside, 0.0, img_lon - lon)
        err_lat = np.where(outside, 0.0, img_lat - lat)
        src_lon = src_lon - err_lon
        src_lat = src_lat - err_lat
        worst = np.nanmax(np.abs(np.concatenate([err_lon.ravel(), err_lat.ravel(), [0.0]])))
        if worst < _INVERSE_TOLERANCE_DEG:
            break
    return src_lon, src_lat


def wgs84_to_gcj02(lon: Coord, lat: Coord) -> tuple[Coord, Coord]:
    """WGS-84 lon/lat degrees to GCJ-02 lon/lat degrees (floats or arrays)."""
    lon_arr, lat_arr, is_scalar = _as_arrays(lon, lat)
    return _result(*_wgs_to_gcj(lon_arr, lat_arr), is_scalar)


def gcj02_to_wgs84(lon: Coord, lat: Coord) -> tuple[Coord, Coord]:
    """GCJ-02 lon/lat degrees to WGS-84 lon/lat degrees, iterated to about 0.1 mm."""
    lon_arr, lat_arr, is_scalar = _as_arrays(lon, lat)
    d_lon, d_lat = _gcj_delta(lon_arr, lat_arr)
    guess = (lon_arr - d_lon, lat_arr - d_lat)
    return _result(*_invert(_wgs_to_gcj, lon_arr, lat_arr, guess), is_scalar)


def gcj02_to_bd09(lon: Coord, lat: Coord) -> tuple[Coord, Coord]:
    """GCJ-02 lon/lat degrees to BD-09 (Baidu) lon/lat degrees."""
    lon_arr, lat_arr, is_scalar = _as_arrays(lon, lat)
    return _result(*_gcj_to_bd(lon_arr, lat_arr), is_scalar)


def bd09_to_gcj02(lon: Coord, lat: Coord) -> tuple[Coord, Coord]:
    """BD-09 lon/lat degrees to GCJ-02 lon/lat degrees, iterated to about 0.1 mm."""
    lon_arr, lat_arr, is_scalar = _as_arrays(lon, lat)
    # The usual closed-form inverse is off by up to a metre; refine it on the forward transform.
    guess = _bd_to_gcj_estimate(lon_arr, lat_arr)
    return _result(*_invert(_gcj_to_bd, lon_arr, lat_arr, guess), is_scalar)


def wgs84_to_bd09(lon: Coord, lat: Coord) -> tuple[Coord, Coord]:
    """WGS-84 lon/lat degrees to BD-09 (Baidu) lon/lat degrees."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: Coord, lat: Coord) -> tuple[Coord, Coord]:
    """BD-09 (Baidu) lon/lat degrees to WGS-84 lon/lat degrees."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def transform_geometry(geometry: Geom, func: Callable) -> Geom:
    """Apply one of this module's lon/lat conversions to every vertex of a shapely geometry."""

    def apply(xy: np.ndarray) -> np.ndarray:
        lon, lat = func(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geometry, apply)


# The systems a client may say its point is in (`crs=` on the API); pyproj knows none but WGS-84.
POINT_SYSTEMS: dict[str, Callable] = {
    "wgs84": lambda lon, lat: (lon, lat),
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}


def point_to_wgs84(lon: float, lat: float, crs: str = "wgs84") -> tuple[float, float]:
    """A lon/lat point in degrees given in `crs` (wgs84, gcj02 or bd09), as WGS-84 degrees."""
    try:
        convert = POINT_SYSTEMS[crs]
    except KeyError:
        raise ValueError(f"unknown crs {crs!r}; one of {', '.join(POINT_SYSTEMS)}") from None
    out_lon, out_lat = convert(float(lon), float(lat))
    return float(out_lon), float(out_lat)
