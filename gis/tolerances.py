"""How exactly boundaries must fit, in metres: the one set of tolerances that the check, the
import and the writers share (docs/gis.md, "Tolerances"). Change them here, nowhere else."""

# GeoJSON is written with 7 decimals of a degree (GDAL's RFC 7946 default): a step of 1.1 cm of
# latitude and under 1.1 cm of longitude, so rounding moves a vertex by at most about 7 mm.
GEOJSON_DECIMALS = 7

# An overlap, a gap or a part outside a street on average thinner than this (2 × area /
# perimeter, measured in the local UTM zone) is how written coordinates were rounded, not how
# the boundary was drawn: twice the largest shift 7 decimals give a vertex, so a grids file and
# a streets file rounded apart still fit. Anything wider is an error the check reports and the
# import refuses; `check-boundaries --repair` moves slivers up to its own --tolerance-m.
FIT_TOLERANCE_M = 0.02

# Pieces smaller than this are noise whatever their shape (a corner where rounded edges cross).
NOISE_AREA_M2 = 0.01

# Straight edges are cut into pieces no longer than this before any reprojection, so an edge
# keeps to the straight line the file drew in its own CRS. A line of constant latitude is
# curved in any conformal projection (the CGCS2000 Gauss-Krüger zones EPSG:4534-4554, UTM) and
# an edge of length L bows by L² tan(lat) / 8R: 0.4 m for 5 km at 42° N, 0.7 mm for 200 m.
DENSIFY_M = 200.0
# About 100 m (111 m of latitude, 83 m of longitude at 42° N): under DENSIFY_M, so a file we
# wrote in a projected CRS is not cut again when read. GCJ-02 and BD-09 files are cut to this
# too: their offsets bend an 800 m edge by about 6 cm, a 100 m piece by 1 mm.
DENSIFY_DEG = 0.001

# How far `check-boundaries --repair` may move a border to close a sliver (its --tolerance-m):
# wider overlaps, gaps and overhangs are left for a person.
REPAIR_TOLERANCE_M = 1.0

# How far (about 0.1 mm) a grid's edge may sit from a gap's and still count as its border:
# overlay output is snap-rounded, so an edge the gap was cut from is not always exact. A shared
# border shorter than MIN_BORDER_DEG (about 1 cm) is a corner touch, not an edge.
BORDER_SNAP_DEG = 1e-9
MIN_BORDER_DEG = 1e-7

# A vertex this close to a neighbour's edge is on it: the writers insert it there, so both
# grids share it and keep sharing it once rounded or reprojected.
NODE_SNAP_DEG = 1e-8  # about 1 mm
