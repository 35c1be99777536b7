"""Geography: is a point in the province, and which commune is it in.

Real commune boundaries are not published offline. Until an administrator uploads them, the
province is approximated by the convex hull of the communes' reference points widened by about
15 km (enough for coastal villages and the Hòn Khoai islands' nearest shore), and the commune is
suggested as the nearest reference point. Once boundaries exist, they decide.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Count, Max
from shapely.geometry import MultiPoint, Point, shape
from shapely.ops import unary_union
from shapely.prepared import prep

from services.models import Commune

PROVINCE_MARGIN_DEGREES = 0.14
EARTH_RADIUS_M = 6_371_000


@dataclass(frozen=True)
class CommunePoint:
    id: int
    latitude: float
    longitude: float
    boundary: dict | None = None


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a square around a point: a cheap index pre-filter."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def boundary_shape(geojson: dict):
    """A shapely geometry from GeoJSON (Feature, FeatureCollection or geometry); else ValueError."""
    if not isinstance(geojson, dict):
        raise ValueError("not a GeoJSON object")
    kind = geojson.get("type")
    if kind == "FeatureCollection":
        return unary_union([boundary_shape(f) for f in geojson.get("features", [])])
    if kind == "Feature":
        return boundary_shape(geojson.get("geometry") or {})
    if kind not in ("Polygon", "MultiPolygon"):
        raise ValueError("a boundary must be a Polygon or MultiPolygon")
    geometry = shape(geojson)
    if geometry.is_empty or not geometry.is_valid:
        raise ValueError("the boundary polygon is empty or self-intersecting")
    return geometry


class ProvinceGeography:
    """Answers point questions for one snapshot of the communes."""

    def __init__(self, communes: Iterable[CommunePoint]):
        self.communes = list(communes)
        self._boundaries = []
        for commune in self.communes:
            if commune.boundary:
                try:
                    self._boundaries.append((commune.id, prep(boundary_shape(commune.boundary))))
                except ValueError:
                    continue
        points = MultiPoint([(c.longitude, c.latitude) for c in self.communes])
        outline = points.convex_hull.buffer(PROVINCE_MARGIN_DEGREES)
        if self._boundaries:
            outline = outline.union(
                unary_union(
                    [boundary_shape(c.boundary) for c in self.communes if c.boundary]
                ).buffer(0.01)
            )
        self._outline = prep(outline)

    def contains(self, latitude: float, longitude: float) -> bool:
        return self._outline.contains(Point(longitude, latitude))

    def commune_containing(self, latitude: float, longitude: float) -> int | None:
        point = Point(longitude, latitude)
        for commune_id, polygon in self._boundaries:
            if polygon.contains(point):
                return commune_id
        return None

    def suggest_commune(self, latitude: float, longitude: float) -> int | None:
        """The commune whose boundary holds the point, else the nearest reference point."""
        inside = self.commune_containing(latitude, longitude)
        if inside is not None:
            return inside
        if not self.communes:
            return None
        nearest = min(
            self.communes, key=lambda c: distance_m(latitude, longitude, c.latitude, c.longitude)
        )
        return nearest.id


@lru_cache(maxsize=1)
def _cached_geography(version: str) -> ProvinceGeography:
    rows = Commune.objects.filter(is_active=True).values_list(
        "id", "latitude", "longitude", "boundary"
    )
    return ProvinceGeography(CommunePoint(*row) for row in rows)


def province_geography() -> ProvinceGeography:
    """The geography for the current communes; rebuilt when a commune changes."""
    stamp = Commune.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    return _cached_geography(f"{stamp['n']}:{stamp['latest']}")
