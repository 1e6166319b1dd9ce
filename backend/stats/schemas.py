"""Inputs and outputs of the statistics API."""

from datetime import UTC, datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AwareDatetime, Field, ValidationInfo, field_validator

from backend.boundaries.schemas import Geometry

from .selectors import CATEGORIES, StatsFilters

PERIOD_NOTE = (
    "Without `from`/`to` the counts cover all time; with them, the incidents *created* at or "
    "after `from` and before `to` (ISO 8601 with offset). `open` and `overdue` are as of now."
)


class StreetStatsQuery(Schema):
    category: str | None = Field(
        default=None, description="One category, or several comma-separated"
    )
    from_: AwareDatetime | None = Field(
        default=None, alias="from", description="Created at or after (ISO 8601 with offset)"
    )
    to: AwareDatetime | None = Field(
        default=None, description="Created before (ISO 8601 with offset)"
    )

    @field_validator("category")
    @classmethod
    def known_categories(cls, value: str | None) -> str | None:
        unknown = [part for part in _split(value) if part not in CATEGORIES]
        if unknown:
            raise ValueError(
                _("unknown category %(unknown)s; one of %(known)s")
                % {"unknown": ", ".join(unknown), "known": ", ".join(CATEGORIES)}
            )
        return value

    @field_validator("from_", "to")
    @classmethod
    def in_utc(cls, value: datetime | None) -> datetime | None:
        # Any offset ISO 8601 allows, but the database takes only up to ±15:59, and a day is
        # added at either end when periods are split into whole days.
        if value is None:
            return None
        try:
            value = value.astimezone(UTC)
        except OverflowError as error:
            raise ValueError(_("out of range")) from error
        if not 1 < value.year < 9999:
            raise ValueError(_("must be between the years 2 and 9998"))
        return value

    @field_validator("to")
    @classmethod
    def not_before_from(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        start = info.data.get("from_")
        if value is not None and start is not None and start > value:
            raise ValueError(_("must not be before from"))
        return value

    def filters(self) -> StatsFilters:
        return StatsFilters(
            categories=tuple(_split(self.category)), created_from=self.from_, created_to=self.to
        )


class GridStatsQuery(StreetStatsQuery):
    street: str | None = Field(default=None, pattern=r"^\d{9}$", description="9-digit street code")
    grid: str | None = Field(default=None, pattern=r"^\d{14}$", description="14-digit grid code")

    def filters(self) -> StatsFilters:
        return StatsFilters(
            street=self.street,
            grid=self.grid,
            categories=tuple(_split(self.category)),
            created_from=self.from_,
            created_to=self.to,
        )


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in value.split(",")] if value else []


class CountsOut(Schema):
    total: int = Field(description="Every status")
    open: int = Field(description="Every status but closed and rejected")
    overdue: int = Field(description="Open, with the deadline of the current stage passed")
    closed: int
    by_category: dict[str, int] = Field(description="Every status, per category")
    median_hours_to_close: float | None = Field(
        description="Median of closed_at - created_at over closed cases, hours; null if none"
    )


class GridStatsProperties(CountsOut):
    code: str
    name: str
    street: str
    retired: bool = Field(
        default=False,
        description="A grid replaced by a re-gridding, listed for the cases filed in it",
    )


class StreetStatsProperties(CountsOut):
    code: str
    name: str


class GridStatsFeature(Schema):
    type: Literal["Feature"]
    id: str
    bbox: list[float]
    geometry: Geometry
    properties: GridStatsProperties


class StreetStatsFeature(Schema):
    type: Literal["Feature"]
    id: str
    bbox: list[float]
    geometry: Geometry
    properties: StreetStatsProperties


class GridStatsCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[GridStatsFeature]
    unassigned: CountsOut = Field(description="Visible cases outside every grid")
    counted_at: datetime = Field(description="The moment `overdue` was counted at")


class StreetStatsCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[StreetStatsFeature]
    unassigned: CountsOut = Field(description="Visible cases outside every street")
    counted_at: datetime = Field(description="The moment `overdue` was counted at")
