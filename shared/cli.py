"""Command line: `flask --app wsgi users create ...`, `flask --app wsgi demo`."""
import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from shared.db import commit
from shared.errors import DomainError
from shared.extensions import db
from shared.models import Language, Role, User

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default="")
@click.option("--language", type=click.Choice([lang.value for lang in Language]), default="ar")
def create_user_command(email, role, password, name, language):
    """Add a user who can log in with EMAIL and PASSWORD."""
    from shared.services.accounts import create_user

    try:
        user = create_user(db.session, email=email, password=password, role=role,
                           name=name, language=language)
        commit(db.session)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.detail)) from None
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def demo_command(if_empty):
    """Load the story's demo data: Reem's shop, Zeina and her clients."""
    from shared.demo import PASSWORD, load_demo

    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("Database already has data; demo not loaded.")
        return
    people = load_demo(db.session)
    commit(db.session)
    click.echo("Demo data loaded. Log in with any of these (password: %s):" % PASSWORD)
    for user in people:
        click.echo(f"  {user.role.value:12} {user.email}")


@click.command("purge-idempotency-keys")
def purge_command():
    """Forget Idempotency-Keys older than 24 hours."""
    from datetime import timedelta

    from flask import current_app

    from shared import idempotency

    purged = idempotency.purge(db.session, timedelta(hours=current_app.config["IDEMPOTENCY_TTL_HOURS"]))
    commit(db.session)
    click.echo(f"Purged {purged} keys.")


@click.command("prune-changes")
@click.option("--older-than-days", type=click.IntRange(min=1), required=True)
def prune_changes_command(older_than_days):
    """Sync forgets changes older than N days (its cursors from before then answer 410);
    the audit trail keeps the rows AUDIT_RETENTION_DAYS (prune-audit deletes them)."""
    from datetime import timedelta

    from flask import current_app

    from shared.services import sync

    keep = current_app.config["AUDIT_RETENTION_DAYS"]
    pruned = sync.prune(db.session, older_than=timedelta(days=older_than_days), keep_rows_for=timedelta(days=keep))
    commit(db.session)
    click.echo(f"Pruned {pruned} changes from sync (the audit trail keeps them {keep} days).")


@click.command("prune-audit")
@click.option("--older-than-days", type=click.IntRange(min=1), default=None,
              help="Default: AUDIT_RETENTION_DAYS (365).")
def prune_audit_command(older_than_days):
    """Delete the audit trail's (the change log's) records older than a year, or N days."""
    from datetime import timedelta

    from flask import current_app

    from shared.services import audit

    days = older_than_days or current_app.config["AUDIT_RETENTION_DAYS"]
    deleted = audit.prune(db.session, older_than=timedelta(days=days))
    commit(db.session)
    click.echo(f"Deleted {deleted} audit records older than {days} days.")


def init_app(app: Flask) -> None:
    from shared.backup import backup_command
    from shared.bench_seed import bench_seed_command

    app.cli.add_command(backup_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(prune_changes_command)
    app.cli.add_command(bench_seed_command)
    app.cli.add_command(prune_audit_command)
