"""Contests: shops' online competitions the team enters; results and prizes in kind."""
import pytest
import sqlalchemy as sa

from shared.extensions import db
from shared.models import ContestEntry
from tests.factories import ClientShopFactory, PromoterFactory, TeamFactory, TeamMemberFactory

URL = "/api/v1/contests"
BODY = {"shop_name": "عطورات الريحان", "title": "مسابقة أجمل تعليق", "prize_description": "طقم عطور",
        "prize_value": "300", "currency": "TRY", "starts_at": "2026-11-20T09:00:00+03:00",
        "ends_at": "2026-11-27T21:00:00+03:00", "rules_url": "https://www.facebook.com/alrayhan/posts/1"}


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def huda(team):
    return TeamMemberFactory(team=team).user


@pytest.fixture
def contest(client, auth, team):
    return client.post(URL, json=BODY, headers=auth(team.coordinator)).json


def test_a_contest_is_recorded_for_the_coordinators_only_team(client, auth, team):
    response = client.post(URL, json=BODY, headers=auth(team.coordinator))

    assert response.status_code == 201
    assert (response.json["team_id"], response.json["prize_value"], response.json["entries"]) == (team.id, "300.00", [])
    assert response.json["starts_at"] == "2026-11-20T06:00:00+00:00"


def test_a_known_shop_lends_its_name(client, auth, team):
    shop = ClientShopFactory(coordinator=team.coordinator, name="حلويات السعادة")

    response = client.post(URL, json={**BODY, "shop_name": "", "seller_id": shop.id}, headers=auth(team.coordinator))

    assert response.status_code == 201
    assert (response.json["seller_id"], response.json["shop_name"]) == (shop.id, "حلويات السعادة")


@pytest.mark.parametrize("change, field", [
    ({"ends_at": "2026-11-19T09:00:00+03:00"}, "ends_at"),
    ({"currency": None}, "currency"),
    ({"shop_name": ""}, "shop_name"),
    ({"rules_url": "not a url"}, "rules_url"),
])
def test_bad_contests_are_422(client, auth, team, change, field):
    response = client.post(URL, json={**BODY, **change}, headers=auth(team.coordinator))

    assert response.status_code == 422
    assert field in response.json["errors"]


def test_a_member_enters_herself_once(client, auth, contest, huda):
    url = f"{URL}/{contest['id']}/entries"

    first = client.post(url, json={"note": "شاركت"}, headers=auth(huda))
    again = client.post(url, json={}, headers=auth(huda))

    assert first.status_code == 201
    assert [e["user_id"] for e in first.json["entries"]] == [huda.id]
    assert again.status_code == 409


def test_won_and_prize_received_are_the_coordinators_to_record(client, auth, team, contest, huda, time_machine):
    time_machine.move_to("2026-11-28T10:00:00Z", tick=False)
    entry = client.post(f"{URL}/{contest['id']}/entries", json={}, headers=auth(huda)).json["entries"][0]
    url = f"{URL}/{contest['id']}/entries/{entry['id']}"

    by_her = client.patch(url, json={"result": "won"}, headers=auth(huda))
    received_before_won = client.patch(url, json={"prize_received": True}, headers=auth(team.coordinator))
    won = client.patch(url, json={"result": "won", "prize_received": True}, headers=auth(team.coordinator))

    assert (by_her.status_code, received_before_won.status_code, won.status_code) == (403, 422, 200)
    shown = won.json["entries"][0]
    assert (shown["result"], shown["prize_received"], shown["prize_received_on"]) == ("won", True, "2026-11-28")


def test_a_member_reads_her_teams_contests_but_changes_none(client, auth, contest, huda):
    read = client.get(f"{URL}/{contest['id']}", headers=auth(huda))
    changed = client.patch(f"{URL}/{contest['id']}", json={"title": "x"}, headers=auth(huda))

    assert (read.status_code, changed.status_code) == (200, 403)


def test_a_member_takes_back_her_own_entry_only(client, auth, team, contest, huda):
    salma = TeamMemberFactory(team=team).user
    url = f"{URL}/{contest['id']}/entries"
    hers = client.post(url, json={}, headers=auth(huda)).json["entries"][0]["id"]
    client.post(url, json={}, headers=auth(salma))

    others = client.delete(f"{url}/{hers}", headers=auth(salma))
    own = client.delete(f"{url}/{hers}", headers=auth(huda))

    assert (others.status_code, own.status_code) == (403, 204)
    assert db.session.scalars(sa.select(ContestEntry.user_id)).all() == [salma.id]


def test_an_outsider_cannot_be_entered(client, auth, team, contest):
    response = client.post(f"{URL}/{contest['id']}/entries", json={"user_id": PromoterFactory().id},
                           headers=auth(team.coordinator))

    assert response.status_code == 422


def test_search_folds_arabic(client, auth, team, contest):
    response = client.get(f"{URL}?q=الريحان", headers=auth(team.coordinator))

    assert [c["id"] for c in response.json] == [contest["id"]]
