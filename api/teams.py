"""Teams: a coordinator's promoters, the accounts she makes for them, and her share."""
from flask import current_app
from flask_login import current_user

from api.conventions import Blueprint, View, check_if_match, page_response
from shared.extensions import db
from shared.schemas.teams import (
    AccountCreate, MemberAdd, NewAccount, Team, TeamCreate, TeamMember, TeamQuery, TeamUpdate,
)
from shared.services import teams

blp = Blueprint("teams", __name__, url_prefix="/api/v1/teams",
                description="A coordinator's team of promoters and the share of earnings she keeps.")

team_schema = Team()


def _region() -> str:
    return current_app.config["DEFAULT_PHONE_REGION"]


@blp.route("")
class Teams(View):
    @blp.arguments(TeamQuery, location="query")
    @blp.response(200, Team(many=True))
    def get(self, query):
        """List teams

        Newest first, each with its members: the teams you coordinate, or (a promoter)
        the teams you belong to. `q` searches team names.
        """
        return page_response(teams.list_teams(db.session, current_user, q=query["q"],
                                              limit=query["limit"], cursor=query["cursor"]))

    @blp.arguments(TeamCreate, example={"name": "فريق زينة", "coordinator_share": "20.00"})
    @blp.response(201, Team)
    def post(self, data):
        """Create a team

        A coordinator's team; `coordinator_share` is the percentage of each payout's
        earnings she keeps (0 to 100). Admins name the coordinator. Sellers and
        promoters have no teams (403).
        """
        return teams.create_team(db.session, current_user, data)


@blp.route("/<team_id>")
class TeamById(View):
    @blp.response(200, Team)
    def get(self, team_id):
        """Get a team

        The team with its members, for its coordinator and its members.
        """
        return teams.get_team(db.session, current_user, team_id)

    @blp.arguments(TeamUpdate, example={"coordinator_share": "15.00"})
    @blp.response(200, Team)
    def patch(self, changes, team_id):
        """Change a team

        Its name or the coordinator's share (for payouts made from now on). Members
        read their team but change nothing (403).
        """
        team = teams.get_team(db.session, current_user, team_id, for_update=True)
        check_if_match(team_schema, team)
        return teams.update_team(db.session, current_user, team, changes)

    @blp.response(204)
    def delete(self, team_id):
        """Delete a team

        Only a team with no jobs, payouts or contests on its books (409 otherwise).
        """
        team = teams.get_team(db.session, current_user, team_id, for_update=True)
        check_if_match(team_schema, team)
        teams.delete_team(db.session, current_user, team)


@blp.route("/<team_id>/members")
class TeamMembers(View):
    @blp.arguments(MemberAdd, example={"email": "huda@example.com"})
    @blp.response(201, TeamMember)
    def post(self, data, team_id):
        """Add an existing promoter

        Name her account by `user_id`, `email` or `phone` (404 when there is no
        promoter account so named: create one with POST .../accounts). A promoter can
        be in several teams.
        """
        team = teams.get_team(db.session, current_user, team_id, for_update=True)
        return teams.add_member(db.session, current_user, team, user_id=data["user_id"],
                                email=data["email"], phone=data["phone"], phone_region=_region())


@blp.route("/<team_id>/members/<user_id>")
class TeamMemberById(View):
    @blp.response(204)
    def delete(self, team_id, user_id):
        """Remove a member

        She leaves the team and its draft and active jobs; her contributions, payouts
        and the ended jobs she worked on stay on record.
        """
        team = teams.get_team(db.session, current_user, team_id, for_update=True)
        check_if_match(team_schema, team)
        teams.remove_member(db.session, current_user, team, user_id)


@blp.route("/<team_id>/accounts")
class TeamAccounts(View):
    @blp.arguments(AccountCreate, example={"name": "رهف", "email": "rahaf@example.com", "phone": "0944 222 333"})
    @blp.response(201, NewAccount)
    def post(self, data, team_id):
        """Create a promoter account

        A new promoter login (name, email and/or phone), made a member of the team.
        The answer carries her `initial_password`, shown this once and never stored in
        clear: give it to her. An email or phone that already has an account is a 409
        (add it with POST .../members instead).
        """
        team = teams.get_team(db.session, current_user, team_id, for_update=True)
        return teams.create_promoter_account(db.session, current_user, team, data, phone_region=_region())
