"""Backups that restore: `flask --app wsgi backup PATH` copies the SQLite database while
the app serves; a PostgreSQL database is backed up with pg_dump instead.

The copy is taken with SQLite's online backup API in one step, inside one read
transaction: it is the database as it was at one moment, every transaction committed
before that moment in full and none after it, while writers carry on (WAL). It is
written beside PATH, checked with `PRAGMA integrity_check`, made a single
self-contained file (no -wal beside it), flushed to disk and only then renamed to PATH,
so PATH never holds half a backup.
"""
import os
import shlex
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from shared.extensions import db


class BackupError(Exception):
    pass


def backup_sqlite(source: str | Path, target: str | Path) -> None:
    """Copy the SQLite database at `source` to `target`, consistently, while it is in use.

    :raise BackupError: no database at `source`, or the copy fails its integrity check.
    """
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)
    try:
        with closing(sqlite3.connect(source, timeout=30)) as src, \
                closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)  # pages=-1: the whole database in one step, so one moment
            dst.execute("PRAGMA journal_mode=DELETE")  # one file, whatever the source's mode
            check = dst.execute("PRAGMA integrity_check").fetchall()
        if check != [("ok",)]:
            raise BackupError("The copy failed PRAGMA integrity_check: "
                              + "; ".join(row[0] for row in check[:5]))
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself survives a power cut
        finally:
            os.close(directory)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def postgres_instructions(url: sa.URL, path: str) -> str:
    """What to run instead of `flask backup` on PostgreSQL (the password left out)."""
    shown = sa.URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                          database=url.database, query=url.query).render_as_string()
    shown, path = shlex.quote(shown), shlex.quote(path)
    return (
        "This database is PostgreSQL: `flask backup` copies SQLite files only. Use PostgreSQL's own tools\n"
        "(with the password in PGPASSWORD or ~/.pgpass):\n"
        f"  back up:  pg_dump --format=custom --file={path} {shown}\n"
        f"  restore:  pg_restore --clean --if-exists --no-owner --dbname={shown} {path}\n"
        "pg_dump reads one consistent snapshot while the app keeps serving."
    )


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path):
    """Copy the database to PATH while the app keeps serving (SQLite).

    To restore: stop the app, put the copy in place of the database file (and delete
    any -wal and -shm files beside it), start the app. On PostgreSQL this prints the
    pg_dump and pg_restore commands instead.
    """
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        raise click.ClickException(postgres_instructions(url, path))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise click.ClickException(f"Cannot back up {url.get_backend_name()} databases; SQLite files only.")
    try:
        backup_sqlite(url.database, path)
    except (BackupError, sqlite3.Error, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up {url.database} to {path} ({Path(path).stat().st_size:,} bytes, integrity ok).")
