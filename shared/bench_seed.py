"""A busy shop for the benchmark (`flask --app wsgi bench-seed --orders N`), inserted in bulk.

One seller (`bench@example.com`, password `benchmark`) with one shop, its products and
customers, N orders of two lines each with their creation event, a cash payment on
every fourth order, a coordinator with a page and promotion jobs on it, and a
neighbouring shop so tenancy filters have something to filter out.

What the ORM would keep consistent is kept here by hand, because the orders, lines,
events, payments and customers go in with SQLAlchemy Core (one executemany per table
and chunk, no ORM objects): 1,000,000 orders take a few minutes on SQLite and
PostgreSQL alike.

- Order numbers come from the shop's counter (shared.changelog.next_order_number),
  reserved in one go, and follow the orders' times: the 1st order is the oldest.
- The change log gets what the ORM's after_flush would have written (see
  shared.changelog): one `upsert` per customer, order (its lines and events are the
  order's) and payment, numbered from the shop's counter in the same transaction as
  the rows. Sync then reads a coherent log: every row seeded is in it, once.
- Each order's `total`, `amount_paid` and `payment_status` agree with its lines and
  payments, as shared.services.payments keeps them.
"""
import base64
import os
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import click
import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.changelog import ACTOR, _bump, next_order_number
from shared.models import (
    Change, ChangeOp, Channel, Customer, Metric, Order, OrderEvent, OrderLine, OrderStatus, Payment,
    PaymentMethod, PaymentStatus, Product, PromotionJob, Role, Seller, SocialPage, User,
)
from shared.models.pages import Platform
from shared.text import fold

EMAIL = "bench@example.com"
PASSWORD = "benchmark"
CHUNK = 10_000  # orders per batch of statements
LINES_PER_ORDER = 2
PAYMENT_EVERY = 4  # every 4th order paid in full, in cash
_B32 = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", b"0123456789abcdefghjkmnpqrstvwxyz")


def ulid_at(moment: datetime) -> str:
    """An id laid out as shared.models.new_id makes them, for `moment` instead of now."""
    value = (int(moment.timestamp() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    # 26 base-32 characters carry 130 bits: the 128-bit value with two leading zero bits.
    return base64.b32encode((value << 6).to_bytes(17, "big"))[:26].translate(_B32).decode()


@dataclass
class Seeded:
    owner_id: str
    shop_id: str
    orders: int


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _changes(session: Session, tenant_id: str, kind: str, row_ids: list[str], at: datetime,
             actor_id: str) -> None:
    """The change records the ORM would have appended for these rows (one block, one lock)."""
    if not row_ids:
        return
    last = _bump(session, tenant_id, "last_seq", len(row_ids))
    first = last - len(row_ids) + 1
    session.connection().execute(sa.insert(Change.__table__), [
        {"tenant_id": tenant_id, "seq": first + i, "kind": kind, "row_id": row_id,
         "op": ChangeOp.upsert, "at": at, "actor_id": actor_id}
        for i, row_id in enumerate(sorted(row_ids))
    ])


def seed(session: Session, *, orders: int, products: int = 500, customers: int | None = None,
         jobs: int = 40, progress=None, now: datetime | None = None) -> Seeded:
    """Insert the benchmark's shop; commits once per chunk of orders (so memory stays flat).

    :param progress: called with the number of orders just inserted (a progress bar's update).
    """
    from shared.services.accounts import hash_password

    rng = random.Random(13)
    now = now or datetime.now(timezone.utc)
    customers = customers or max(200, orders // 50)
    password = hash_password(PASSWORD)

    # The few rows people make one by one go through the ORM, which logs their changes.
    owner = User(email=EMAIL, role=Role.seller, password_hash=password, name="Bench")
    coordinator = User(email="bench-coordinator@example.com", role=Role.coordinator,
                       password_hash=password, name="Bench coordinator")
    neighbour_owner = User(email="bench-neighbour@example.com", role=Role.seller,
                           password_hash=password, name="Neighbour")
    session.add_all([owner, coordinator, neighbour_owner])
    session.flush()
    session.info[ACTOR] = owner.id
    shop = Seller(name="متجر القياس — Bench shop", owner=owner, coordinator=coordinator, area="Idlib")
    neighbour = Seller(name="Neighbour shop", owner=neighbour_owner, area="Aleppo")
    session.add_all([shop, neighbour])
    session.flush()
    catalogue = [Product(seller=shop, name=f"كريم مرطّب {i}", description="للبشرة 50 مل",
                         price=Decimal(100 + i % 50), currency="TRY") for i in range(products)]
    session.add_all(catalogue)
    session.add_all([Product(seller=neighbour, name=f"Neighbour product {i}", price=Decimal("10.00"),
                             currency="TRY") for i in range(20)])
    page = SocialPage(seller=shop, platform=Platform.facebook, url="https://www.facebook.com/benchshop",
                      handle="benchshop", name="Bench shop")
    session.add(page)
    session.flush()
    session.add_all([PromotionJob(seller_id=shop.id, page=page, coordinator=coordinator,
                                  title=f"١٠٠٠ متابع {i}", metric=Metric.followers, baseline_count=1000,
                                  target_gain=1000, price=Decimal("300.00"), currency="TRY",
                                  deadline=date(2027, 1, 1), disclosure="#إعلان")
                     for i in range(jobs)])
    session.flush()
    priced = [(p.id, p.name, p.price) for p in catalogue]
    session.commit()

    conn = session.connection
    # Customers, spread over the time before the first order.
    start = now - timedelta(seconds=30 * (orders + 1))
    people = []
    for i in range(customers):
        name, phone = f"زبونة {i}", f"+9639{i:08d}"
        people.append({"id": ulid_at(start - timedelta(minutes=customers - i)), "seller_id": shop.id,
                       "name": name, "phone": phone, "area": "", "notes": "", "language": "ar",
                       "search_key": fold(f"{name} {phone}"), "version": 1,
                       "created_at": start - timedelta(minutes=customers - i), "updated_at": start})
    for at in range(0, len(people), CHUNK):
        conn().execute(sa.insert(Customer.__table__), people[at:at + CHUNK])
    _changes(session, shop.id, Customer.change_kind, [p["id"] for p in people], now, owner.id)
    session.commit()
    customer_ids = [p["id"] for p in people]

    # Orders, one every 30 seconds up to now, numbered in time order from the shop's counter.
    last = next_order_number(session, shop.id, orders)
    first_number = last - orders + 1
    for chunk_start in range(0, orders, CHUNK):
        rows, lines, events, payments = [], [], [], []
        for i in range(chunk_start, min(orders, chunk_start + CHUNK)):
            placed = start + timedelta(seconds=30 * (i + 1))
            order_id = ulid_at(placed)
            total = Decimal(0)
            for position in range(LINES_PER_ORDER):
                product_id, name, price = priced[(i * 7 + position * 13) % len(priced)]
                quantity = 1 + (i + position) % 3
                total += price * quantity
                lines.append({"id": ulid_at(placed), "order_id": order_id, "position": position,
                              "product_id": product_id, "product_name": name, "unit_price": price,
                              "quantity": quantity, "returned_quantity": 0})
            paid = i % PAYMENT_EVERY == 0
            rows.append({"id": order_id, "seller_id": shop.id, "number": first_number + i,
                         "customer_id": customer_ids[rng.randrange(len(customer_ids))],
                         "channel": Channel.whatsapp, "note": "", "status": OrderStatus.pending,
                         "currency": "TRY", "total": _money(total),
                         "amount_paid": _money(total) if paid else Decimal("0.00"),
                         "payment_status": PaymentStatus.paid if paid else PaymentStatus.unpaid,
                         "market_run_id": None, "delivered_at": None, "version": 1,
                         "created_at": placed, "updated_at": placed})
            events.append({"id": ulid_at(placed), "order_id": order_id, "actor_id": owner.id,
                           "from_status": None, "to_status": OrderStatus.pending, "at": placed})
            if paid:
                payments.append({"id": ulid_at(placed), "order_id": order_id, "amount": _money(total),
                                 "currency": "TRY", "order_amount": _money(total), "rate": None,
                                 "rate_per": None, "method": PaymentMethod.cash, "reason": None,
                                 "note": "", "linked_order_id": None, "paid_at": placed,
                                 "recorded_by_id": owner.id, "created_at": placed, "updated_at": placed})
        conn().execute(sa.insert(Order.__table__), rows)
        conn().execute(sa.insert(OrderLine.__table__), lines)
        conn().execute(sa.insert(OrderEvent.__table__), events)
        if payments:
            conn().execute(sa.insert(Payment.__table__), payments)
        _changes(session, shop.id, Order.change_kind, [r["id"] for r in rows], now, owner.id)
        _changes(session, shop.id, Payment.change_kind, [p["id"] for p in payments], now, owner.id)
        session.commit()
        if progress is not None:
            progress(len(rows))
    # Fresh statistics, as after restoring a dump: without them PostgreSQL's planner guesses
    # and reads a page's lines (order_id IN (...)) by scanning all 2,000,000 of them.
    session.execute(sa.text("ANALYZE"))
    session.commit()
    return Seeded(owner.id, shop.id, orders)


@click.command("bench-seed")
@click.option("--orders", type=click.IntRange(min=1), default=10_000, show_default=True)
@click.option("--products", type=click.IntRange(min=1), default=500, show_default=True)
@click.option("--token-file", type=click.Path(dir_okay=False, writable=True),
              help="Write a bearer token of the bench seller here (for a load generator).")
def bench_seed_command(orders, products, token_file):
    """Seed a shop with ORDERS orders for `make bench` (bulk inserts; an empty database)."""
    from shared.extensions import db
    from shared.services.accounts import issue_token

    session = db.session
    if session.scalar(sa.select(User.id).where(User.email == EMAIL)) is not None:
        raise click.ClickException(f"{EMAIL} exists already: bench-seed fills an empty database.")
    with click.progressbar(length=orders, label=f"Seeding {orders:,} orders") as bar:
        seeded = seed(session, orders=orders, products=products, progress=bar.update)
    if token_file:
        token, _ = issue_token(session, session.get(User, seeded.owner_id), timedelta(days=1))
        session.commit()
        with open(token_file, "w") as handle:
            handle.write(token)
    click.echo(f"Seeded shop {seeded.shop_id}: {orders:,} orders; log in as {EMAIL} / {PASSWORD}.")
