"""CLI commands, and Alembic migrations that build exactly the models' schema."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shared.extensions import db
from shared.models import Product, Role, Seller, User
from wsgi import create_app


def test_users_create(runner):
    result = runner.invoke(args=["users", "create", "zeina@example.com", "--role", "coordinator",
                                 "--password", "long-enough-pw"])

    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "zeina@example.com"))
    assert user.role == Role.coordinator
    assert user.password_hash != "long-enough-pw"


def test_users_create_refuses_a_duplicate(runner):
    args = ["users", "create", "a@example.com", "--role", "admin", "--password", "long-enough-pw"]
    runner.invoke(args=args)

    result = runner.invoke(args=args)

    assert result.exit_code != 0
    assert "already exists" in result.output


def test_users_create_refuses_a_short_password(runner):
    result = runner.invoke(args=["users", "create", "a@example.com", "--role", "admin", "--password", "short"])

    assert result.exit_code != 0
    assert "at least 8" in result.output


def test_demo_loads_the_story_once(runner):
    first = runner.invoke(args=["demo", "--if-empty"])
    second = runner.invoke(args=["demo", "--if-empty"])

    assert first.exit_code == 0, first.output
    assert "reem@example.com" in first.output
    assert "already has data" in second.output
    reem = db.session.scalar(sa.select(User).where(User.email == "reem@example.com"))
    shop = db.session.scalar(sa.select(Seller).where(Seller.owner_id == reem.id))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)
                             .where(Product.seller_id == shop.id)) >= 12
    zeina = db.session.scalar(sa.select(User).where(User.email == "zeina@example.com"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Seller)
                             .where(Seller.coordinator_id == zeina.id)) == 5


def test_demo_logins_work(client, runner):
    runner.invoke(args=["demo"])

    response = client.post("/api/v1/auth/tokens",
                           json={"email": "reem@example.com", "password": "tawasi-demo"})

    assert response.status_code == 201


def test_migrations_build_the_models_schema(app, tmp_path):
    """`db upgrade` on an empty database gives exactly what the models declare."""
    from flask_migrate import upgrade

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
    fresh = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    with fresh.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:  # use a schema of its own, not the test tables
                conn.execute(sa.text("DROP SCHEMA IF EXISTS migration_check CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA migration_check"))
            db.engine.dispose()
            fresh.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
                "connect_args": {"options": "-csearch_path=migration_check"}}
    fresh = create_app({**fresh.config, "TESTING": True})
    with fresh.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                    db.metadata)
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA migration_check CASCADE"))
        db.engine.dispose()

    assert diff == []


def test_demo_has_reems_week(runner):
    from shared.models import Customer, MarketRun, MarketRunStatus, Order, OrderStatus

    runner.invoke(args=["demo"])

    statuses = set(db.session.scalars(sa.select(Order.status)))
    assert statuses == set(OrderStatus)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Customer)) >= 6
    run = db.session.scalars(sa.select(MarketRun)).one()
    assert run.status == MarketRunStatus.bought
    assert all(o.status in (OrderStatus.purchased, OrderStatus.delivered) for o in run.orders)
    assert {o.currency for o in run.orders} == {"TRY", "USD"} and run.lump_sums


def test_demo_has_a_return_a_deposit_and_a_dollar_order_paid_in_lira(runner):
    from shared.models import Order, OrderReturn, OrderStatus, Payment
    from shared.services.payments import order_figures

    runner.invoke(args=["demo"])

    returned = db.session.scalars(sa.select(OrderReturn)).one()
    assert order_figures(returned.order).balance_due == 0 and returned.order.amount_paid == returned.order.total
    deposits = [o for o in db.session.scalars(sa.select(Order).where(Order.status == OrderStatus.purchased))
                if order_figures(o).deposit]
    assert deposits
    in_lira = db.session.scalars(sa.select(Payment).where(Payment.rate.is_not(None))).one()
    assert (in_lira.currency, in_lira.order.currency, in_lira.order_amount) == ("TRY", "USD", in_lira.order.total)
    waiting = db.session.scalars(sa.select(Order.currency).where(Order.status == OrderStatus.confirmed)).all()
    assert set(waiting) == {"TRY", "USD"}  # this week's run takes both


def test_an_app_made_with_a_partial_config_still_has_every_default(tmp_path):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}"})

    assert app.config["TIMEZONE"] == "Asia/Damascus"
    assert app.config["DEFAULT_PHONE_REGION"] == "SY"
    assert app.config["TOKEN_LIFETIME_DAYS"] == 30


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    from shared.config import from_environment

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = from_environment(str(tmp_path))["SECRET_KEY"]

    assert len(first) >= 32
    assert from_environment(str(tmp_path))["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_the_reem_week_migration_backfills_what_was_there(tmp_path):
    """Rows written before it: shops get a phone country, payments their order_amount,
    refunds a reason, runs' costs their currency and the run-level cost a lump sum."""
    from flask_migrate import downgrade, upgrade

    from tests.live_server import scratch_database

    with scratch_database(tmp_path) as url:
        fresh = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
        with fresh.app_context():
            upgrade(revision="3a1c5e7d9b20")
            with db.engine.begin() as conn:
                for statement in (
                    "INSERT INTO users (id, name, password_hash, role, language, active, created_at, updated_at) "
                    "VALUES ('u1', 'Reem', 'x', 'seller', 'ar', true, '2026-11-01', '2026-11-01')",
                    "INSERT INTO sellers (id, name, category, area, owner_id, created_at, updated_at, version) "
                    "VALUES ('s1', 'Reem', 'cosmetics', '', 'u1', '2026-11-01', '2026-11-01', 1)",
                    "INSERT INTO products (id, seller_id, name, description, price, currency, available, "
                    "search_key, created_at, updated_at, version) VALUES ('p1', 's1', 'Cream', '', 15000, 'TRY', "
                    "true, '', '2026-11-01', '2026-11-01', 1)",
                    "INSERT INTO customers (id, seller_id, name, area, notes, language, search_key, created_at, "
                    "updated_at, version) VALUES ('c1', 's1', 'Nour', '', '', 'ar', '', '2026-11-01', "
                    "'2026-11-01', 1)",
                    "INSERT INTO market_runs (id, seller_id, run_date, currency, status, actual_cost, note, "
                    "created_at, updated_at, version) VALUES ('r1', 's1', '2026-11-19', 'USD', 'bought', 4000, "
                    "'', '2026-11-01', '2026-11-01', 1)",
                    "INSERT INTO market_run_costs (id, market_run_id, product_id, actual_cost) "
                    "VALUES ('k1', 'r1', 'p1', 9000)",
                    "INSERT INTO orders (id, seller_id, number, customer_id, channel, note, status, currency, "
                    "total, amount_paid, payment_status, market_run_id, created_at, updated_at, version) VALUES "
                    "('o1', 's1', 1, 'c1', 'whatsapp', '', 'cancelled', 'TRY', 15000, 5000, 'partially_paid', "
                    "'r1', '2026-11-01', '2026-11-01', 1)",
                    "INSERT INTO payments (id, order_id, amount, currency, method, paid_at, created_at, updated_at) "
                    "VALUES ('y1', 'o1', 10000, 'TRY', 'cash', '2026-11-01', '2026-11-01', '2026-11-01')",
                    "INSERT INTO payments (id, order_id, amount, currency, method, paid_at, created_at, updated_at) "
                    "VALUES ('y2', 'o1', -5000, 'TRY', 'cash', '2026-11-02', '2026-11-02', '2026-11-02')",
                ):
                    conn.execute(sa.text(statement))
            upgrade()
            with db.engine.connect() as conn:
                region = conn.execute(sa.text("SELECT phone_region FROM sellers")).scalar_one()
                payments = conn.execute(sa.text(
                    "SELECT id, order_amount, reason FROM payments ORDER BY id")).all()
                costs = conn.execute(sa.text("SELECT currency, cost FROM market_run_costs")).all()
                lump_sums = conn.execute(sa.text("SELECT currency, amount FROM market_run_lump_sums")).all()
                returned = conn.execute(sa.text("SELECT returned_quantity FROM order_lines")).all()
                linked = conn.execute(sa.text("SELECT market_run_id FROM orders")).scalar_one()
            downgrade(revision="3a1c5e7d9b20")  # and back, with the run's cost where it was
            with db.engine.connect() as conn:
                run = conn.execute(sa.text("SELECT currency, actual_cost FROM market_runs")).one()
                still_linked = conn.execute(sa.text("SELECT market_run_id FROM orders")).scalar_one()
                old_costs = conn.execute(sa.text("SELECT actual_cost FROM market_run_costs")).all()
            db.engine.dispose()

    assert region == "SY"
    assert [tuple(p) for p in payments] == [("y1", 10000, None), ("y2", -5000, "cancelled")]
    assert [tuple(c) for c in costs] == [("USD", 9000)]
    assert [tuple(s) for s in lump_sums] == [("USD", 4000)]
    assert returned == []
    assert linked == still_linked == "r1"  # no copy of market_runs unlinked its orders
    assert tuple(run) == ("USD", 4000) and [tuple(c) for c in old_costs] == [(9000,)]

def test_demo_has_zeinas_week(client, runner):
    """Five client pages, jobs in every status, one at exactly half (150 of 300 TRY), a team
    of four with contributions and payouts, a client payment and a contest won."""
    from shared.models import (
        ClientPayment, Contest, ContestEntry, Contribution, EntryResult, Payout, PayoutStatus, PromotionJob,
        SocialPage, Team,
    )

    assert runner.invoke(args=["demo"]).exit_code == 0
    token = client.post("/api/v1/auth/tokens", json={"email": "zeina@example.com",
                                                     "password": "tawasi-demo"}).json["token"]
    jobs = client.get("/api/v1/promotions?limit=100", headers={"Authorization": f"Bearer {token}"}).json

    assert {job["status"] for job in jobs} == {"draft", "active", "completed", "cancelled"}
    assert any((j["baseline_count"], j["latest_count"], j["target_gain"], j["price"], j["earned"]) ==
               (1000, 1500, 1000, "300.00", "150.00") for j in jobs)
    assert any(j["reward"] for j in jobs)
    count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
    assert count(SocialPage) >= 5 and count(ClientPayment) >= 1 and count(Contribution) >= 3
    team = db.session.scalars(sa.select(Team)).one()
    assert len(team.members) == 4
    assert {p.status for p in db.session.scalars(sa.select(Payout))} == {PayoutStatus.paid, PayoutStatus.pending}
    won = db.session.scalars(sa.select(ContestEntry).where(ContestEntry.result == EntryResult.won)).one()
    assert won.prize_received and count(Contest) >= 1
    assert count(PromotionJob) == len(jobs)
