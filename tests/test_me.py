"""GET /api/v1/me: who the token belongs to; logging in answers the same beside the token."""
import pytest

from shared.models import Language, Role
from tests.factories import PASSWORD, SellerFactory, UserFactory

URL = "/api/v1/me"


def test_a_seller_sees_herself_and_her_shop(client, auth):
    shop = SellerFactory(name="ريم للتجميل", owner=UserFactory(name="Reem", language=Language.ar))

    response = client.get(URL, headers=auth(shop.owner))

    assert response.status_code == 200
    assert response.json == {
        "id": shop.owner.id, "name": "Reem", "email": shop.owner.email, "role": "seller",
        "language": "ar", "all_shops": False, "shops": [{"id": shop.id, "name": "ريم للتجميل"}],
        "teams": [],
    }


def test_a_coordinator_sees_her_client_shops_by_name(client, auth):
    zeina = UserFactory(role=Role.coordinator)
    b = SellerFactory(name="B", coordinator=zeina, owner=None)
    a = SellerFactory(name="A", coordinator=zeina, owner=None)
    SellerFactory(name="Someone else's")

    response = client.get(URL, headers=auth(zeina))

    assert response.status_code == 200
    assert response.json["shops"] == [{"id": a.id, "name": "A"}, {"id": b.id, "name": "B"}]


def test_an_admin_works_for_every_shop_and_lists_none(client, auth):
    SellerFactory()

    response = client.get(URL, headers=auth(UserFactory(role=Role.admin)))

    assert (response.json["role"], response.json["all_shops"], response.json["shops"]) == ("admin", True, [])


def test_a_promoter_works_for_no_shop(client, auth):
    response = client.get(URL, headers=auth(UserFactory(role=Role.promoter)))

    assert (response.json["all_shops"], response.json["shops"]) == (False, [])


def test_without_a_token_it_is_401(client):
    response = client.get(URL)

    assert response.status_code == 401
    assert response.json["code"] == "unauthenticated"


def test_it_revalidates_with_its_etag(client, auth):
    headers = auth(SellerFactory().owner)
    etag = client.get(URL, headers=headers).headers["ETag"]

    assert client.get(URL, headers={**headers, "If-None-Match": etag}).status_code == 304


def test_logging_in_answers_who_you_are_as_me_does(client):
    shop = SellerFactory()

    login = client.post("/api/v1/auth/tokens", json={"email": shop.owner.email, "password": PASSWORD})

    assert login.status_code == 201
    me = client.get(URL, headers={"Authorization": f"Bearer {login.json['token']}"})
    assert login.json["user"] == me.json


@pytest.mark.parametrize("shops", [1, 30])
def test_me_reads_the_same_number_of_rows_for_1_or_30_shops(client, auth, count_queries, shops):
    zeina = UserFactory(role=Role.coordinator)
    for n in range(shops):
        SellerFactory(name=f"Shop {n:02}", coordinator=zeina, owner=None)
    headers = auth(zeina)

    with count_queries() as counted:
        assert client.get(URL, headers=headers).status_code == 200

    assert counted.count <= 3  # the token and its user; the shops


def test_a_promoter_sees_her_team_and_a_coordinator_the_team_she_runs(client, auth):
    from tests.factories import TeamFactory, TeamMemberFactory

    team = TeamFactory(name="فريق زينة")
    huda = UserFactory(role=Role.promoter)
    TeamMemberFactory(team=team, user=huda)

    hers = client.get(URL, headers=auth(huda)).json["teams"]
    zeinas = client.get(URL, headers=auth(team.coordinator)).json["teams"]

    assert [(t["id"], t["name"], t["role"], t["member_count"]) for t in hers] == [(team.id, "فريق زينة", "member", 1)]
    assert [(t["id"], t["role"]) for t in zeinas] == [(team.id, "coordinator")]
