"""Teams: promoter accounts with a password shown once, members, the coordinator's share, /me's summary."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from shared.extensions import db
from shared.models import JobMember, JobStatus, Role, Team, TeamMember, User
from shared.services.accounts import authenticate
from shared.services.teams import team_summary
from tests.factories import (
    CoordinatorFactory, JobFactory, PromoterFactory, TeamFactory, TeamMemberFactory, UserFactory, assign,
)

URL = "/api/v1/teams"


@pytest.fixture
def team():
    return TeamFactory(name="فريق زينة", coordinator_share=Decimal("20.00"))


def test_a_coordinator_creates_her_team(client, auth):
    zeina = CoordinatorFactory()

    response = client.post(URL, json={"name": "فريق زينة", "coordinator_share": "٢٠"}, headers=auth(zeina))

    assert response.status_code == 201
    assert (response.json["coordinator_id"], response.json["coordinator_share"]) == (zeina.id, "20.00")
    assert response.json["members"] == []


@pytest.mark.parametrize("share", ["100.01", "250"])
def test_a_share_above_100_percent_is_422(client, auth, share):
    response = client.post(URL, json={"name": "x", "coordinator_share": share}, headers=auth(CoordinatorFactory()))

    assert response.status_code == 422
    assert "coordinator_share" in response.json["errors"]


@pytest.mark.parametrize("role", [Role.seller, Role.promoter])
def test_sellers_and_promoters_have_no_teams_to_create(client, auth, role):
    response = client.post(URL, json={"name": "x"}, headers=auth(UserFactory(role=role)))

    assert response.status_code == 403


def test_an_admin_creates_a_team_for_a_coordinator(client, auth):
    zeina = CoordinatorFactory()

    response = client.post(URL, json={"name": "x", "coordinator_id": zeina.id},
                           headers=auth(UserFactory(role=Role.admin)))

    assert response.status_code == 201
    assert response.json["coordinator_id"] == zeina.id


def test_a_new_promoter_account_shows_its_password_once_and_it_works(client, auth, team):
    response = client.post(f"{URL}/{team.id}/accounts", headers=auth(team.coordinator),
                           json={"name": "رهف", "email": "Rahaf@Example.com", "phone": "٠٩٤٤ ٢٢٢ ٣٣٣"})

    assert response.status_code == 201
    body = response.json
    assert (body["email"], body["phone"], body["team_id"]) == ("rahaf@example.com", "+963944222333", team.id)
    password = body["initial_password"]
    assert len(password) == 14 and password.count("-") == 2
    stored = db.session.get(User, body["user_id"])
    assert stored.role == Role.promoter and password not in stored.password_hash
    assert authenticate(db.session, "rahaf@example.com", password).id == stored.id
    members = client.get(f"{URL}/{team.id}", headers=auth(team.coordinator)).json["members"]
    assert [m["user_id"] for m in members] == [stored.id]
    assert "initial_password" not in str(members)


def test_a_phone_already_an_accounts_is_409(client, auth, team):
    PromoterFactory(phone="+963944222333")

    response = client.post(f"{URL}/{team.id}/accounts", json={"name": "x", "phone": "0944 222 333"},
                           headers=auth(team.coordinator))

    assert response.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TeamMember)) == 0


def test_an_account_needs_an_email_or_a_phone(client, auth, team):
    response = client.post(f"{URL}/{team.id}/accounts", json={"name": "x"}, headers=auth(team.coordinator))

    assert response.status_code == 422


@pytest.mark.parametrize("key", ["user_id", "email", "phone"])
def test_an_existing_promoter_is_added_by_id_email_or_phone(client, auth, team, key):
    huda = PromoterFactory(email="huda@example.com", phone="+963944000111")
    named = {"user_id": huda.id, "email": "HUDA@example.com", "phone": "0944 000 111"}[key]

    response = client.post(f"{URL}/{team.id}/members", json={key: named}, headers=auth(team.coordinator))

    assert response.status_code == 201
    assert response.json["user_id"] == huda.id


def test_only_promoters_join_a_team(client, auth, team):
    seller = UserFactory(role=Role.seller)

    response = client.post(f"{URL}/{team.id}/members", json={"user_id": seller.id}, headers=auth(team.coordinator))

    assert response.status_code == 422


def test_an_unknown_promoter_is_404(client, auth, team):
    response = client.post(f"{URL}/{team.id}/members", json={"email": "nobody@example.com"},
                           headers=auth(team.coordinator))

    assert response.status_code == 404


def test_a_member_is_added_once(client, auth, team):
    member = TeamMemberFactory(team=team)

    response = client.post(f"{URL}/{team.id}/members", json={"user_id": member.user_id},
                           headers=auth(team.coordinator))

    assert response.status_code == 409


def test_a_member_who_leaves_leaves_the_running_jobs_but_not_the_ended_ones(client, auth):
    running = JobFactory()
    ended = JobFactory(team=running.team, coordinator=running.coordinator, status=JobStatus.completed)
    huda = PromoterFactory()
    assign(running, huda)
    ended.members.append(JobMember(user=huda))
    db.session.commit()

    response = client.delete(f"{URL}/{running.team_id}/members/{huda.id}", headers=auth(running.coordinator))

    assert response.status_code == 204
    assert db.session.scalars(sa.select(JobMember.job_id).where(JobMember.user_id == huda.id)).all() == [ended.id]
    assert client.get(f"{URL}/{running.team_id}", headers=auth(huda)).status_code == 404


def test_a_team_with_jobs_cannot_be_deleted(client, auth):
    job = JobFactory()

    response = client.delete(f"{URL}/{job.team_id}", headers=auth(job.coordinator))

    assert response.status_code == 409
    assert db.session.get(Team, job.team_id) is not None


def test_members_read_their_team_but_change_nothing(client, auth, team):
    huda = TeamMemberFactory(team=team).user

    read = client.get(f"{URL}/{team.id}", headers=auth(huda))
    change = client.patch(f"{URL}/{team.id}", json={"coordinator_share": "0"}, headers=auth(huda))

    assert read.status_code == 200
    assert change.status_code == 403


def test_team_summary_for_me(team):
    huda = TeamMemberFactory(team=team).user
    TeamMemberFactory(team=team)
    other = TeamFactory(name="فريق آخر")
    TeamMemberFactory(team=other, user=huda)

    mine = team_summary(db.session, huda)
    hers = team_summary(db.session, team.coordinator)

    assert [(s.name, s.role, s.member_count) for s in mine] == [("فريق زينة", "member", 2), ("فريق آخر", "member", 1)]
    assert [(s.id, s.role, s.coordinator_share) for s in hers] == [(team.id, "coordinator", Decimal("20.00"))]
    assert team_summary(db.session, UserFactory()) == []


def test_the_team_list_takes_the_same_queries_for_1_or_500_teams(app, client, auth, count_queries):
    zeina = CoordinatorFactory()
    headers, zeina_id = auth(zeina), zeina.id
    promoters = [p.id for p in PromoterFactory.create_batch(3)]

    def add_teams(count):
        for i in range(count):
            team = Team(coordinator_id=zeina_id, name=f"فريق {i}", coordinator_share=Decimal("10.00"))
            team.members.extend(TeamMember(user_id=user_id) for user_id in promoters)
            db.session.add(team)
        db.session.commit()

    def statements_for_list():
        client.get(f"{URL}?limit=100", headers=headers)  # the token and shops, remembered (shared/principals.py)
        with count_queries() as q, app.app_context():
            response = client.get(f"{URL}?limit=100", headers=headers)
        assert response.status_code == 200
        return q.count, response.json

    add_teams(1)
    one, first = statements_for_list()
    add_teams(499)
    many, page = statements_for_list()

    assert (len(first), len(page)) == (1, 100)
    assert one == many
    assert all(len(t["members"]) == 3 and t["members"][0]["name"] for t in page)


def test_a_promoter_signed_up_by_phone_logs_in_with_it(client, auth, team):
    made = client.post(f"{URL}/{team.id}/accounts", json={"name": "رهف", "phone": "0944 222 333"},
                       headers=auth(team.coordinator)).json

    by_phone = client.post("/api/v1/auth/tokens", json={"phone": "+963 944 222 333",
                                                        "password": made["initial_password"]})
    wrong = client.post("/api/v1/auth/tokens", json={"phone": "0944 222 333", "password": "not-it"})
    both = client.post("/api/v1/auth/tokens", json={"phone": "0944 222 333", "email": "a@example.com",
                                                    "password": made["initial_password"]})

    assert (made["email"], by_phone.status_code, wrong.status_code, both.status_code) == (None, 201, 401, 422)
    jobs = client.get("/api/v1/promotions", headers={"Authorization": f"Bearer {by_phone.json['token']}"})
    assert jobs.status_code == 200
