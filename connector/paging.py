"""Paging without counting, for tables that grow to millions of rows (the log, the identity map).

Pages are newest first by id. `?before=<id>` asks for older rows, `?after=<id>` for newer ones;
templates/includes/keyset_pager.html draws the links.
"""

from dataclasses import dataclass

ROWS_PER_PAGE = 50


@dataclass
class KeysetPage:
    """One page of rows, newest first by id; `newer`/`older` are the cursors of the next pages."""

    rows: list
    newer: int | None = None
    older: int | None = None


def keyset_page(queryset, params, size: int = ROWS_PER_PAGE) -> KeysetPage:
    """A page after `?before=<id>` (older rows) or `?after=<id>` (newer rows), without COUNT(*).

    Counting such a table for page numbers would cost more than showing the page.
    """
    after, before = _cursor(params.get("after")), _cursor(params.get("before"))
    if after is not None:
        rows = list(queryset.filter(pk__gt=after).order_by("pk")[: size + 1])
        has_newer, rows = len(rows) > size, rows[:size][::-1]
        has_older = queryset.filter(pk__lte=after).exists()
    else:
        newest = queryset.filter(pk__lt=before) if before is not None else queryset
        rows = list(newest.order_by("-pk")[: size + 1])
        has_older, rows = len(rows) > size, rows[:size]
        has_newer = before is not None and queryset.filter(pk__gte=before).exists()
    if not rows:
        return KeysetPage(rows)
    return KeysetPage(
        rows, newer=rows[0].pk if has_newer else None, older=rows[-1].pk if has_older else None
    )


def _cursor(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None
