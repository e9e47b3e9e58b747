"""Contests: shops' online competitions the team enters for in-kind prizes."""
from flask import current_app
from flask_login import current_user

from api.conventions import Blueprint, View, check_if_match, page_response
from shared.dates import local_today
from shared.extensions import db
from shared.schemas.contests import (
    Contest, ContestCreate, ContestQuery, ContestUpdate, EntryCreate, EntryUpdate,
)
from shared.services import contests

blp = Blueprint("contests", __name__, url_prefix="/api/v1/contests",
                description="Online competitions shops run, entered by team members for prizes in kind.")

contest_schema = Contest()

EXAMPLE = {"shop_name": "عطورات الريحان", "shop_url": "https://www.facebook.com/alrayhan.perfumes",
           "title": "مسابقة أجمل تعليق", "prize_description": "طقم عطور — a perfume set",
           "prize_value": "300.00", "currency": "TRY", "starts_at": "2026-11-20T09:00:00+03:00",
           "ends_at": "2026-11-27T21:00:00+03:00", "rules_url": "https://www.facebook.com/alrayhan.perfumes/posts/1"}


def _today():
    return local_today(current_app.config["TIMEZONE"])


@blp.route("")
class Contests(View):
    @blp.arguments(ContestQuery, location="query")
    @blp.response(200, Contest(many=True))
    def get(self, query):
        """List contests

        Newest first, with their entries: the contests of the teams you coordinate or
        belong to. Filter by `team_id`; `q` searches titles and shop names.
        """
        filters = contests.ContestFilter(team_id=query["team_id"], q=query["q"])
        return page_response(contests.list_contests(db.session, current_user, filters,
                                                    limit=query["limit"], cursor=query["cursor"]))

    @blp.arguments(ContestCreate, example=EXAMPLE)
    @blp.response(201, Contest)
    def post(self, data):
        """Record a contest

        A shop's online competition: the shop (`seller_id` of a shop you work for, or
        `shop_name` and `shop_url`), a title, the prize in kind with its estimated
        value, start and end, and a rules URL. `team_id` defaults to your only team.
        Only coordinators (members read their team's contests and enter them).
        """
        return contests.create_contest(db.session, current_user, data)


@blp.route("/<contest_id>")
class ContestById(View):
    @blp.response(200, Contest)
    def get(self, contest_id):
        """Get a contest

        With its entries, their results and whether each prize was received.
        """
        return contests.get_contest(db.session, current_user, contest_id)

    @blp.arguments(ContestUpdate, example={"ends_at": "2026-11-28T21:00:00+03:00"})
    @blp.response(200, Contest)
    def patch(self, changes, contest_id):
        """Change a contest

        Send only the fields to change. Only the team's coordinator (403 for members).
        """
        contest = contests.get_contest(db.session, current_user, contest_id, for_update=True)
        check_if_match(contest_schema, contest)
        return contests.update_contest(db.session, current_user, contest, changes)

    @blp.response(204)
    def delete(self, contest_id):
        """Delete a contest

        With its entries. Only the team's coordinator.
        """
        contest = contests.get_contest(db.session, current_user, contest_id, for_update=True)
        check_if_match(contest_schema, contest)
        contests.delete_contest(db.session, current_user, contest)


@blp.route("/<contest_id>/entries")
class ContestEntries(View):
    @blp.arguments(EntryCreate, example={"note": "شاركت بتعليق وصورة",
                                         "evidence_url": "https://example.com/s/entry.jpg"})
    @blp.response(201, Contest)
    def post(self, data, contest_id):
        """Enter a contest

        A team member enters herself; the coordinator enters a member (`user_id`).
        Once per member (409). Answers the contest with its entries.
        """
        contest = contests.get_contest(db.session, current_user, contest_id, for_update=True)
        return contests.add_entry(db.session, current_user, contest, data)


@blp.route("/<contest_id>/entries/<entry_id>")
class ContestEntryById(View):
    @blp.arguments(EntryUpdate, example={"result": "won", "prize_received": True})
    @blp.response(200, Contest)
    def patch(self, changes, contest_id, entry_id):
        """Record an entry's result

        `result` won or lost, and `prize_received` (with `prize_received_on`, today if
        left out; only for a won entry): the coordinator. A member may change the note
        and evidence of her own entry. If-Match takes the contest's ETag.
        """
        contest = contests.get_contest(db.session, current_user, contest_id, for_update=True)
        check_if_match(contest_schema, contest)
        return contests.update_entry(db.session, current_user, contest, entry_id, changes, today=_today())

    @blp.response(204)
    def delete(self, contest_id, entry_id):
        """Withdraw an entry

        A member takes back her own entry; the coordinator any.
        """
        contest = contests.get_contest(db.session, current_user, contest_id, for_update=True)
        check_if_match(contest_schema, contest)
        contests.remove_entry(db.session, current_user, contest, entry_id)
