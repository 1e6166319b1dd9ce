"""Links that open a phone's map app at a WGS-84 point, for finding a case on the ground.

`geo:` (RFC 5870) takes WGS-84 as it is. AMap reads GCJ-02 and Baidu BD-09, so their links carry
the point converted by `gis.coords`: one conversion for the server and every client, none
ported to JavaScript. Both web links hand over to the installed app, or show a web map.
"""

from urllib.parse import quote, urlencode

from .coords import wgs84_to_bd09, wgs84_to_gcj02

# Six decimals is about 0.1 m: the precision points are taken in.
DECIMALS = 6


def navigation_links(lon: float, lat: float, label: str) -> dict:
    """`geo`, `amap` and `baidu` links to the WGS-84 point (lon, lat in degrees), and the point
    in GCJ-02 (`gcj02`) and BD-09 (`bd09`) as [lon, lat] degrees, rounded to 6 decimals."""
    gcj_lon, gcj_lat = (round(v, DECIMALS) for v in wgs84_to_gcj02(lon, lat))
    bd_lon, bd_lat = (round(v, DECIMALS) for v in wgs84_to_bd09(lon, lat))
    wgs_lat, wgs_lon = f"{lat:.{DECIMALS}f}", f"{lon:.{DECIMALS}f}"
    amap = urlencode(
        {
            "position": f"{gcj_lon:.{DECIMALS}f},{gcj_lat:.{DECIMALS}f}",
            "name": label,
            "coordinate": "gaode",
            "callnative": 1,
            "src": "gridgov",
        }
    )
    baidu = urlencode(
        {
            "location": f"{bd_lat:.{DECIMALS}f},{bd_lon:.{DECIMALS}f}",
            "title": label,
            "content": label,
            "coord_type": "bd09ll",
            "output": "html",
            "src": "gridgov",
        }
    )
    return {
        "geo": f"geo:{wgs_lat},{wgs_lon}?q={wgs_lat},{wgs_lon}({quote(label)})",
        "amap": f"https://uri.amap.com/marker?{amap}",
        "baidu": f"https://api.map.baidu.com/marker?{baidu}",
        "gcj02": [gcj_lon, gcj_lat],
        "bd09": [bd_lon, bd_lat],
    }
