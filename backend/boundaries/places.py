"""Places that lie in a grid, such as hazard sites and housing projects.

The apps that own them register their models here, so that a re-gridding moves them into the
new grids without `boundaries` importing those apps (they build on boundaries, not the reverse).
"""

from django.db.models import Model

from .locator import locate

_place_models: list[type[Model]] = []


def place_model_register(model: type[Model]) -> None:
    """Have re-griddings move `model`'s rows (with `lon`, `lat`, `grid` and `street`)."""
    if model not in _place_models:
        _place_models.append(model)


def places_relocate_from_grids(*, grid_ids: list[int]) -> int:
    """Put the registered places of `grid_ids` into the current grids holding their points;
    returns how many moved. Unlike a case, a place is not a record of its time: it always
    belongs to the grid it lies in now, whose workers look after it."""
    moved = 0
    for model in _place_models:
        places = model.objects.filter(grid_id__in=grid_ids)
        for pk, lon, lat, street_id in places.values_list("pk", "lon", "lat", "street_id"):
            location = locate(lon, lat)
            model.objects.filter(pk=pk).update(
                grid_id=location.grid.pk if location.grid else None,
                street_id=location.street.pk if location.street else street_id,
            )
            moved += 1
    return moved
