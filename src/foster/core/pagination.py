"""Pagination for long lists, in pages and in the API, that stays fast on a million rows.

Django's paginator counts every matching row on every page (``COUNT(*)`` over a million rows
takes about 100 ms on PostgreSQL) and fetches page N with ``OFFSET``, reading every row
before it. ``CappedCountPaginator`` instead

- counts at most ``count_cap`` rows (``SELECT COUNT(*) FROM (... LIMIT cap + 1)``): the count
  is exact up to the cap; above it ``count_is_exact`` is False and the page says "more than
  10,000" rather than a number it did not measure. Pages stop at the cap (200 pages of 50):
  nobody reads further, and narrowing the search shows the rest;
- fetches a page after the first by its primary keys first (``WHERE pk IN (SELECT pk ...
  ORDER BY ... LIMIT n OFFSET m)``), so that PostgreSQL skips the earlier rows in the index
  alone instead of reading each of them from the table.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """A Django paginator whose count stops at ``count_cap`` (see the module docstring)."""

    count_cap = COUNT_CAP

    @cached_property
    def _counted(self) -> int:
        """The number of rows, counting no further than one past the cap."""
        object_list = self.object_list
        if isinstance(object_list, QuerySet):
            return object_list.order_by()[: self.count_cap + 1].count()
        return len(object_list)

    @cached_property
    def count(self) -> int:
        """The number of rows if ``count_is_exact``; otherwise the cap (there are more)."""
        return min(self._counted, self.count_cap)

    @cached_property
    def count_is_exact(self) -> bool:
        return self._counted <= self.count_cap

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count and self.count_is_exact:
            top = self.count
        return Page(self._slice(bottom, top), number, self)

    def _slice(self, bottom: int, top: int) -> Any:
        object_list = self.object_list
        if not isinstance(object_list, QuerySet) or bottom == 0:
            return object_list[bottom:top]
        # The deferred join: find the page's keys first (an index-only walk where the ordering
        # is indexed), then read those rows; the outer query keeps every filter and the order.
        keys = object_list.values("pk")[bottom:top]
        return object_list.filter(pk__in=keys)


class FosterPagination(PageNumberPagination):
    """Page-number pagination with a bounded, client-chosen page size and a capped count.

    ``count`` is exact when ``count_is_exact`` is true; otherwise there are more than ``count``
    results and the pages stop there (narrow the query to reach the rest).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data: Any) -> Response:
        paginator = cast(CappedCountPaginator, self.page.paginator)  # type: ignore[union-attr]
        return Response(
            OrderedDict(
                [
                    ("count", paginator.count),
                    ("count_is_exact", paginator.count_is_exact),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response_schema = super().get_paginated_response_schema(schema)
        response_schema["properties"]["count_is_exact"] = {
            "type": "boolean",
            "description": f"False when there are more results than `count` (the count stops at {COUNT_CAP:,}).",
        }
        response_schema["required"] = [*response_schema.get("required", []), "count_is_exact"]
        return response_schema
