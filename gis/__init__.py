"""Pure-Python GIS helpers for gridgov: coordinates, grid codes, boundary files, point lookup.

Never imports Django; `backend/boundaries/` adapts its models to this package.
"""
