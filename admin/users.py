"""Accounts (/admin/users, admins only): create coordinators and every other role, reset
a password, deactivate or reactivate an account.

The rules (admins only, passwords, a deactivated account's tokens) are in
shared.services.accounts; the forms read shared/schemas/accounts.py.
"""
import marshmallow as ma
from flask import current_app, redirect, request, url_for
from flask_login import current_user

from admin.conventions import View, field_errors, parse
from admin.rendering import list_block, render
from admin.views import bp
from shared.errors import Conflict, Invalid
from shared.extensions import db
from shared.models import Language, Role
from shared.schemas.accounts import PasswordReset, UserCreate, UserQuery
from shared.services import accounts

query_schema, create_schema, reset_schema = UserQuery(), UserCreate(), PasswordReset()


@bp.view("/users", "users")
class Users(View):
    def get(self):
        user = current_user._get_current_object()
        try:
            query = parse(query_schema, query=True)
        except ma.ValidationError as error:
            accounts.require_admin(user)
            return _list(None, code=422, errors=field_errors(error))
        page = accounts.list_users(db.session, user, accounts.UserFilter(q=query["q"], role=query["role"]),
                                   limit=query["limit"], cursor=query["cursor"])
        return _list(page, block=list_block(), q=query["q"] or "")

    def post(self):
        """A new account; its person logs in with the email (or phone) and the password."""
        user = current_user._get_current_object()
        try:
            data = parse(create_schema)
            created = accounts.add_user(db.session, user, data,
                                        phone_region=current_app.config["DEFAULT_PHONE_REGION"])
        except (ma.ValidationError, Invalid) as error:
            return _new_form(code=422, errors=field_errors(error), typed=request.form)
        except Conflict as error:  # the email or phone is taken: said at the top of the form
            return _new_form(code=409, problem=error.detail, typed=request.form)
        return redirect(url_for(".user", user_id=created.id, saved="created"), 303)


@bp.view("/users/new", "user_new")
class NewUser(View):
    def get(self):
        accounts.require_admin(current_user)
        return _new_form()


def _list(page, *, block: str = "main", code: int = 200, errors=None, q: str = ""):
    return render("admin/users.html", block=block, code=code, page=page, errors=errors or {}, q=q,
                  roles=list(Role), filters=request.args)


def _new_form(*, code: int = 200, errors=None, problem=None, typed=None):
    return render("admin/user_new.html", code=code, errors=errors or {}, problem=problem,
                  typed=typed or {"role": Role.coordinator.value, "language": Language.ar.value},
                  roles=list(Role), languages=list(Language))


@bp.view("/users/<user_id>", "user")
class UserPage(View):
    def get(self, user_id):
        account = accounts.get_user(db.session, current_user, user_id)
        return _user_page(account, saved=request.args.get("saved"))


@bp.view("/users/<user_id>/password", "user_password")
class UserPassword(View):
    def post(self, user_id):
        """A new password, to tell the person; their API tokens stop working."""
        account = accounts.get_user(db.session, current_user, user_id, for_update=True)
        try:
            data = parse(reset_schema)
            accounts.reset_password(db.session, current_user, account, data["password"])
        except (ma.ValidationError, Invalid) as error:
            return _user_page(account, code=422, errors=field_errors(error))
        return redirect(url_for(".user", user_id=account.id, saved="password"), 303)


@bp.view("/users/<user_id>/active", "user_active")
class UserActive(View):
    def post(self, user_id):
        """Deactivate (active=0) or reactivate (active=1) the account."""
        account = accounts.get_user(db.session, current_user, user_id, for_update=True)
        active = request.form.get("active") == "1"
        accounts.set_active(db.session, current_user, account, active)
        return redirect(url_for(".user", user_id=account.id, saved="active" if active else "inactive"), 303)


def _user_page(account, *, code: int = 200, errors=None, saved=None):
    return render("admin/user.html", code=code, account=account, errors=errors or {}, saved=saved,
                  myself=account.id == current_user.id)
