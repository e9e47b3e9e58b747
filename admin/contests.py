"""Contests (/admin/contests): the team's contests with their entries and results.

A coordinator records each entry's result and the prize received; a member enters a
contest herself. Through shared.services.contests with the API's schemas
(shared/schemas/contests.py); plain POSTs and redirects (boosted by htmx).
"""
from datetime import datetime
from zoneinfo import ZoneInfo

import marshmallow as ma
from flask import current_app, redirect, request, url_for
from flask_login import current_user

from admin.conventions import View, check_version, field_errors, parse
from admin.rendering import list_block, render
from admin.views import bp
from shared.dates import local_today
from shared.errors import Invalid
from shared.extensions import db
from shared.models import EntryResult, Role
from shared.money import CURRENCIES
from shared.schemas.contests import ContestCreate, ContestQuery, EntryCreate, EntryUpdate
from shared.services import contests, sellers, teams
from shared.services.teams import coordinates

query_schema, entry_schema, result_schema = ContestQuery(), EntryCreate(), EntryUpdate()
create_schema = ContestCreate()
SHOPS_IN_A_MENU = 50
MOMENTS = ("starts_at", "ends_at")  # <input type="datetime-local">: a local time, no offset


@bp.view("/contests", "contests")
class Contests(View):
    def get(self):
        """The contests of the person's teams, newest first; `q` searches them as it is typed."""
        try:
            query = parse(query_schema, query=True)
        except ma.ValidationError as error:
            return _list(None, code=422, errors=field_errors(error))
        page = contests.list_contests(db.session, current_user,
                                      contests.ContestFilter(team_id=query["team_id"], q=query["q"]),
                                      limit=query["limit"], cursor=query["cursor"])
        return _list(page, block=list_block(), saved=request.args.get("saved"))


@bp.view("/contests/<contest_id>/entries", "contest_enter")
class EnterContest(View):
    def post(self, contest_id):
        """A member enters: herself (a promoter) or the member chosen (the coordinator)."""
        user = current_user._get_current_object()
        contest = contests.get_contest(db.session, user, contest_id, for_update=True)
        check_version(contest)
        try:
            contests.add_entry(db.session, user, contest, parse(entry_schema))
        except (ma.ValidationError, Invalid) as error:
            return _list(_page_of(user), code=422, entry_errors={contest.id: field_errors(error)})
        return redirect(url_for(".contests", saved="entered"), 303)


@bp.view("/contests/<contest_id>/entries/<entry_id>", "contest_entry")
class ContestEntryResult(View):
    def post(self, contest_id, entry_id):
        """An entry's result (won, lost) and whether its prize was received."""
        user = current_user._get_current_object()
        contest = contests.get_contest(db.session, user, contest_id, for_update=True)
        check_version(contest)
        try:
            changes = parse(result_schema, {name: request.form[name] for name in ("result", "prize_received")
                                            if name in request.form})
            contests.update_entry(db.session, user, contest, entry_id, changes,
                                  today=local_today(current_app.config["TIMEZONE"]))
        except (ma.ValidationError, Invalid) as error:
            return _list(_page_of(user), code=422, entry_errors={entry_id: field_errors(error)})
        return redirect(url_for(".contests", saved="result"), 303)


@bp.view("/contests/new", "contest_new")
class NewContest(View):
    def get(self):
        return _new_form({})

    def post(self):
        """A contest one of her teams enters: on a client shop, or any shop named."""
        try:
            contest = contests.create_contest(db.session, current_user, parse(create_schema, _typed()))
        except (ma.ValidationError, Invalid) as error:
            return _new_form(request.form, errors=field_errors(error), code=422)
        return redirect(url_for(".contests", saved="created", q=contest.title), 303)


def _typed() -> dict:
    """The form, its local times (the app's TIMEZONE, as the page shows them) with their offset."""
    typed = request.form.to_dict()
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    for name in MOMENTS:
        try:
            typed[name] = datetime.fromisoformat(typed[name]).replace(tzinfo=zone).isoformat()
        except (KeyError, ValueError):
            pass  # left as typed: the schema says what is wrong with it
    return typed


def _new_form(typed, *, errors=None, code: int = 200):
    user = current_user._get_current_object()
    mine = [team for team in teams.list_teams(db.session, user, q=None, limit=50, cursor=None).items
            if coordinates(user, team)]
    shops = sellers.list_sellers(db.session, user, limit=SHOPS_IN_A_MENU, cursor=None).items
    return render("admin/contest_new.html", code=code, typed=typed, errors=errors or {},
                  team_choices=[(team.id, team.name) for team in mine],
                  shop_choices=[(shop.id, shop.name) for shop in shops],
                  currencies=[(c, c) for c in CURRENCIES])


def _page_of(user):
    return contests.list_contests(db.session, user, contests.ContestFilter(), limit=20, cursor=None)


def _list(page, *, block: str = "main", code: int = 200, errors=None, saved=None, entry_errors=None):
    user = current_user._get_current_object()
    members, coordinated = {}, set()
    if page and user.role != Role.promoter:  # whom a coordinator may enter, per team
        for team in teams.list_teams(db.session, user, q=None, limit=50, cursor=None).items:
            if coordinates(user, team):
                coordinated.add(team.id)
                members[team.id] = [(m.user_id, m.user.name or m.user.email) for m in team.members]
    return render("admin/contests.html", block=block, code=code, page=page, errors=errors or {},
                  q=request.args.get("q", ""), saved=saved, entry_errors=entry_errors or {},
                  members=members, coordinated=coordinated, results=list(EntryResult), myself=user,
                  can_add=user.role in (Role.coordinator, Role.admin))
