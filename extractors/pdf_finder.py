"""pdfplumber's table finder with its cell search indexed: the same tables, found faster.

`pdfplumber.table.intersections_to_cells` finds, for each crossing of ruling lines, the points
below and right of it by scanning every later point, and rebuilds the sets of edges through
two points for every pair it tests: quadratic in a page's crossings, and most of the time
pdfplumber spends finding ruled tables. Here each column's and row's points are listed once
and each point's edges are a set made once; the search and its order are pdfplumber's, so
are the cells (tests/test_pdf_finder.py compares both on real pages).
"""

from __future__ import annotations

from typing import Any

from pdfplumber.page import Page
from pdfplumber.table import (
    T_intersections,
    Table,
    TableFinder,
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
)
from pdfplumber.utils.geometry import obj_to_bbox

Point = tuple[float, float]
BBox = tuple[float, float, float, float]


def find_tables(page: Page, settings: dict[str, Any]) -> list[Table]:
    """`page.find_tables(settings)`: the same tables."""
    return _Finder(page, settings).tables


class _Finder(TableFinder):
    def __init__(self, page: Page, settings: dict[str, Any]):  # noqa: D107
        # TableFinder.__init__, with the indexed cell search
        self.page = page
        self.settings = TableSettings.resolve(settings)
        self.edges = self.get_edges()
        self.intersections = edges_to_intersections(
            self.edges,
            self.settings.intersection_x_tolerance,
            self.settings.intersection_y_tolerance,
        )
        self.cells = intersections_to_cells(self.intersections)
        self.tables = [Table(self.page, group) for group in cells_to_tables(self.cells)]


def intersections_to_cells(intersections: T_intersections) -> list[BBox]:
    """pdfplumber's cells: from each point, the first point below (top down) joined to it by
    a vertical edge and the first point right of it (left to right) joined by a horizontal
    one whose corner opposite is a point joined to both."""
    vertical = {p: {obj_to_bbox(e) for e in edges["v"]} for p, edges in intersections.items()}
    horizontal = {p: {obj_to_bbox(e) for e in edges["h"]} for p, edges in intersections.items()}
    points: list[Point] = sorted(intersections)
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    for point in points:  # sorted: a column top down, a row left to right
        columns.setdefault(point[0], []).append(point)
        rows.setdefault(point[1], []).append(point)
    below = {p: column[k + 1 :] for column in columns.values() for k, p in enumerate(column)}
    right = {p: row[k + 1 :] for row in rows.values() for k, p in enumerate(row)}

    def smallest(point: Point) -> BBox | None:
        for low in below[point]:
            if vertical[point].isdisjoint(vertical[low]):
                continue
            for side in right[point]:
                if horizontal[point].isdisjoint(horizontal[side]):
                    continue
                corner = (side[0], low[1])
                if (
                    corner in intersections
                    and not vertical[corner].isdisjoint(vertical[side])
                    and not horizontal[corner].isdisjoint(horizontal[low])
                ):
                    return (point[0], point[1], corner[0], corner[1])
        return None

    return [cell for cell in map(smallest, points) if cell is not None]
