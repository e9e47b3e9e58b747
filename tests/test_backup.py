"""`flask --app wsgi backup PATH`: a copy taken while the app serves, and restored, keeps
every order acknowledged before it began (shared/backup.py).

These tests back up a SQLite file of their own, so they run whatever database the
suite runs on; the PostgreSQL case is a refusal that names pg_dump and pg_restore.
"""
import shutil
import sqlite3
import time

import pytest

from tests.live_server import WriteLoad, live_server, prepare_shop, scratch_sqlite
from wsgi import create_app


def backup_with(database_url: str, path):
    """`flask backup PATH` of an app on `database_url` (in its own app context: the
    command would otherwise use the one every test runs in)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        return app.test_cli_runner().invoke(args=["backup", str(path)])


def rows(path, sql: str) -> list:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


ORDERS_WITHOUT_LINES = """SELECT o.id FROM orders o
                          WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)"""


def test_backup_refuses_postgresql_and_names_pg_dump(tmp_path):
    result = backup_with("postgresql+psycopg://tawasi:s3cret@db.example:5432/tawasi", tmp_path / "tawasi.dump")

    assert result.exit_code == 1
    assert "pg_dump --format=custom --file=" in result.output
    assert "pg_restore --clean --if-exists --no-owner --dbname=postgresql://tawasi@db.example:5432/tawasi" in result.output
    assert "s3cret" not in result.output
    assert not (tmp_path / "tawasi.dump").exists()


def test_backup_is_one_checked_file(tmp_path):
    with scratch_sqlite(tmp_path) as url:
        prepare_shop(url)
        target = tmp_path / "backups" / "tawasi.db"

        result = backup_with(url, target)

    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    assert rows(target, "PRAGMA integrity_check") == [("ok",)]
    assert rows(target, "PRAGMA journal_mode") == [("delete",)]
    assert rows(target, "SELECT count(*) FROM products") == [(1,)]
    assert sorted(p.name for p in target.parent.iterdir()) == ["tawasi.db"]  # no -wal, no partial file


def test_backup_of_no_database_fails_and_writes_nothing(tmp_path):
    result = backup_with(f"sqlite:///{tmp_path / 'missing.db'}", tmp_path / "copy.db")

    assert result.exit_code == 1
    assert "There is no SQLite database" in result.output
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.slow
def test_backup_under_write_load_restores_every_acknowledged_order(tmp_path):
    backup = tmp_path / "backup.db"
    with scratch_sqlite(tmp_path) as url:
        shop = prepare_shop(url)
        with live_server(url, tmp_path / "gunicorn.log") as server:
            token = server.token(shop["email"], shop["password"])
            load = WriteLoad(server, token, shop, threads=4).start()
            try:
                load.wait_for_orders(20)
                began = time.monotonic()
                acknowledged = load.acknowledged_before(began)
                result = backup_with(url, backup)
                ended = time.monotonic()
                load.wait_for_orders(len(load.orders) + 5)  # still serving after it
            finally:
                load.stop()

    assert result.exit_code == 0, result.output
    assert load.unanswered == [] and load.unexpected == []
    assert load.acknowledged_before(ended) - acknowledged, "no write was acknowledged while the backup ran"
    restored = tmp_path / "restored" / "tawasi.db"  # a fresh place, as after losing the server
    restored.parent.mkdir()
    shutil.copy(backup, restored)
    assert rows(restored, "PRAGMA integrity_check") == [("ok",)]
    kept = {order_id for (order_id,) in rows(restored, "SELECT id FROM orders")}
    assert acknowledged <= kept, f"{len(acknowledged - kept)} acknowledged orders are missing"
    assert rows(restored, ORDERS_WITHOUT_LINES) == []

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{restored}"})
    response = app.test_client().get(f"/api/v1/orders/{min(acknowledged)}",
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200  # the app serves from the restored copy, tokens and all
    assert len(response.json["lines"]) == 1
