"""Coupon revenue → Campaigns: for each day, the revenue of the store's orders per coupon code,
written to the Salesforce Campaign that the store's coupon table maps the code to.

Its records are sums, not BigCommerce records: one per code and day, `{code, revenue, orders,
day}`, named `<day>:<code>` in the log. A day is the store's (`Store.time_zone`). A full run
(the daily schedule's) covers yesterday, and so does an incremental one. A run of chosen
records recomputes what its ids name: a day (`2026-12-01`, every code of it), a code of a day
(`2026-12-01:SUMMER10`, as a log row names it), or a code (`SUMMER10`, yesterday's, as the
identity map names it).

A code the table maps gets a record on every day, with no orders too: its Campaign field then
says so (0) instead of keeping an older day's sum. A code the table lacks is skipped, with a
log row that says how to map it. The Campaign field is checked against the org before
anything is written, and a code's sum is written only when it differs from the one last
written to its Campaign: the identity map keeps, per code, the Campaign and the hash of the
value, as it does for every import.
"""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from integrations.bigcommerce import dates, reads
from integrations.recording import recording
from mappings.convert import to_money, to_number
from mappings.models import SourceObject, coupon_key
from sync import identity
from sync.models import Outcome
from sync.pipeline.importers.base import check_setting
from sync.pipeline.load import Write
from sync.pipeline.pipe import Pipe
from sync.pipeline.prepare import plain
from sync.run_log import RecordOutcome, outcome_of

CAMPAIGN = "Campaign"
# Orders that earned nothing: checkouts left at the payment page, cancelled and declined ones.
NOT_SALES = {0, 5, 6}
# A chosen id: a day, or a day and a code (`2026-12-01:SUMMER10`); anything else is a code.
DAY_ID = re.compile(r"^(\d{4}-\d{2}-\d{2})(?::(.*))?$")


class CouponRevenueImporter(Pipe):
    source = source_type = SourceObject.COUPON_REVENUE

    def __init__(self, ctx):
        self.ctx = ctx
        self.setting = ctx.setting(self.source)

    # --- source side: a day's orders, summed per coupon code ------------------------------------
    def pages(self, since: datetime | None) -> Iterator[list[dict]]:
        """Yesterday's sums, whatever `since`: a day is computed whole, and again if asked."""
        records = self.day_records(self.yesterday())
        if self.on_total is not None:
            self.on_total(len(records))
        if records:
            yield records

    def fetch(self, ids) -> list[dict]:
        asked = [request for request in map(self.request, ids) if request is not None]
        found = []
        for day in sorted({day for day, _ in asked}):
            codes = {code for asked_day, code in asked if asked_day == day}
            records = self.day_records(day)
            found += records if None in codes else [r for r in records if r["code"] in codes]
        return found

    def answered(self, ids, found: list[dict]) -> set[str]:
        """A day is answered even when it has no sums; a code only when it has one."""
        sums = {(record["day"], record["code"]) for record in found}
        answered = set()
        for source_id in ids:
            request = self.request(source_id)
            if request is not None and (request[1] is None or _named(request) in sums):
                answered.add(source_id)
        return answered

    def source_id(self, record: dict) -> str:
        return f"{record['day']}:{record['code']}"

    def modified_at(self, record: dict) -> datetime | None:
        return None  # a run recomputes its days: there is no watermark to move

    def request(self, source_id) -> tuple[date, str | None] | None:
        """(day, code) that a chosen id asks for; code None for the whole day."""
        text = str(source_id).strip()
        match = DAY_ID.match(text)
        if match is None:
            return (self.yesterday(), coupon_key(text)) if text else None
        try:
            day = date.fromisoformat(match[1])
        except ValueError:
            return None
        return day, coupon_key(match[2]) if match[2] else None

    def yesterday(self) -> date:
        return timezone.now().astimezone(self.zone).date() - timedelta(days=1)

    @property
    def zone(self):
        try:
            return ZoneInfo(self.ctx.store.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return UTC

    def day_records(self, day: date) -> list[dict]:
        """The day's sums by code, sorted by code: each code its orders used, and each code
        the table maps (with no orders: 0)."""
        start = datetime.combine(day, time(), self.zone)
        end = datetime.combine(day + timedelta(days=1), time(), self.zone)
        sums: dict[str, dict] = {}
        for page in reads.orders_created_between(self.ctx.bc, start, end):
            for order in page:
                if _sold(order, start, end):
                    for code in self.codes_of(order):
                        _add(sums, code, order)
        for code in self.table():
            sums.setdefault(code, _sum(code))
        return [{**sums[code], "day": day.isoformat()} for code in sorted(sums)]

    def codes_of(self, order: dict) -> set[str]:
        """The codes an order used: read only for orders a coupon took something off."""
        if to_number(order.get("coupon_discount") or 0) <= 0:
            return set()
        coupons = reads.order_coupons(self.ctx.bc, order["id"])
        return {coupon_key(c["code"]) for c in coupons if (c.get("code") or "").strip()}

    def table(self) -> dict:
        """The coupon table: code (in capitals) → its row."""
        return {row.key: row for row in self.setting.coupon_campaigns.all()}

    # --- target side: the sums to their Campaigns -------------------------------------------------
    def check_target(self) -> None:
        check_setting(self.ctx, self.setting)

    def run(self, records: list[dict]) -> list[RecordOutcome]:
        table = self.table()
        outcomes = [self.unknown(r) for r in records if r["code"] not in table]
        mapped = [r for r in records if r["code"] in table]
        # A code's days in turn, so that its Campaign ends with the latest day chosen.
        for day in sorted({r["day"] for r in mapped}):
            outcomes += self.write([r for r in mapped if r["day"] == day], table)
        return outcomes

    def unknown(self, record: dict) -> RecordOutcome:
        return RecordOutcome(
            self.source,
            self.source_id(record),
            Outcome.SKIPPED,
            message=(
                f"No Campaign is mapped to coupon code {record['code']}; add it to the coupon "
                f"table. Its revenue on {record['day']}: {to_money(record['revenue'])} from "
                f"{record['orders']} order{'' if record['orders'] == 1 else 's'}."
            ),
        )

    def write(self, records: list[dict], table: dict) -> list[RecordOutcome]:
        """One day's sums, in Collections updates of 200; unchanged ones are not sent."""
        field = self.setting.campaign_field
        writes = [
            Write(
                r["code"],
                {field: plain(to_money(r["revenue"]))},
                target_id=table[r["code"]].campaign_id,
            )
            for r in records
        ]
        self.mark_unchanged(writes)
        pending = [w for w in writes if not w.unchanged]
        if pending:
            with recording() as calls:
                rows = [{"Id": w.target_id, **w.values} for w in pending]
                results = self.ctx.sf.update_many(CAMPAIGN, rows)
            for w, result in zip(pending, results, strict=True):
                w.error, w.calls = result.error, calls
            written = [(w.source_id, w.target_id, w.hash) for w in pending if w.ok]
            identity.save_links(self.ctx.store, self.source_type, CAMPAIGN, written)
        return [
            outcome_of(self.source, self.source_id(r), [(CAMPAIGN, w)], main=CAMPAIGN)
            for r, w in zip(records, writes, strict=True)
        ]

    def mark_unchanged(self, writes: list[Write]) -> None:
        """Unchanged: the same value was last written to the same Campaign for this code."""
        links = identity.links_for(
            self.ctx.store, self.source_type, [w.source_id for w in writes], CAMPAIGN
        )
        for w in writes:
            link = links.get(w.source_id)
            w.unchanged = link is not None and _same(link, w)


def _same(link, write: Write) -> bool:
    return link.target_id == write.target_id and link.values_hash == write.hash


def _sold(order: dict, start: datetime, end: datetime) -> bool:
    """An order of the day that earned its total (the filters' bounds are checked again: the
    API does not say whether they are inclusive)."""
    created = dates.parse(order.get("date_created"))
    return (
        order.get("status_id") not in NOT_SALES and created is not None and start <= created < end
    )


def _sum(code: str) -> dict:
    return {"code": code, "revenue": Decimal(0), "orders": 0}


def _add(sums: dict, code: str, order: dict) -> None:
    """An order counts whole for each code it used."""
    found = sums.setdefault(code, _sum(code))
    found["revenue"] += to_number(order.get("total_inc_tax") or 0)
    found["orders"] += 1


def _named(request: tuple[date, str | None]) -> tuple[str, str | None]:
    day, code = request
    return day.isoformat(), code
