"""Social pages: addresses checked against each platform, in Arabic or English."""
import pytest

from shared.errors import Invalid
from shared.models import Platform
from shared.page_urls import check_page_url, handle_from_url
from tests.factories import ClientShopFactory, JobFactory, PageFactory

URL = "/api/v1/pages"


@pytest.mark.parametrize("platform, typed, kept, handle", [
    ("facebook", "https://www.facebook.com/abukhalil.restaurant/", "https://www.facebook.com/abukhalil.restaurant",
     "abukhalil.restaurant"),
    ("facebook", "fb.com/ShamFalafel", "https://fb.com/ShamFalafel", "ShamFalafel"),
    ("facebook", "http://M.Facebook.com/profile.php?id=1000123#top", "https://m.facebook.com/profile.php?id=1000123",
     "1000123"),
    ("instagram", "instagram.com/yasmine.boutique", "https://instagram.com/yasmine.boutique", "@yasmine.boutique"),
    ("whatsapp_channel", "https://whatsapp.com/channel/0029VaK4nQx2f3EFbXh1Zc0g",
     "https://whatsapp.com/channel/0029VaK4nQx2f3EFbXh1Zc0g", "0029VaK4nQx2f3EFbXh1Zc0g"),
    ("telegram", "t.me/saada_sweets", "https://t.me/saada_sweets", "@saada_sweets"),
    ("tiktok", "https://www.tiktok.com/@shamfalafel", "https://www.tiktok.com/@shamfalafel", "@shamfalafel"),
    ("youtube", "youtube.com/@crafts", "https://youtube.com/@crafts", "@crafts"),
    ("youtube", "https://youtu.be/dQw4w9WgXcQ", "https://youtu.be/dQw4w9WgXcQ", "@dQw4w9WgXcQ"),
])
def test_addresses_of_each_platform_are_accepted_and_tidied(platform, typed, kept, handle):
    assert check_page_url(platform, typed) == kept
    assert handle_from_url(platform, kept) == handle


@pytest.mark.parametrize("platform, typed", [
    ("facebook", "https://instagram.com/abukhalil"),
    ("facebook", "https://facebook.com/"),
    ("facebook", "https://facebook.com.evil.example/abukhalil"),
    ("facebook", "https://user:pw@facebook.com/abukhalil"),
    ("facebook", "ftp://facebook.com/abukhalil"),
    ("facebook", "javascript:alert(1)"),
    ("whatsapp_channel", "https://whatsapp.com/abc"),
    ("whatsapp_channel", "https://wa.me/963944111222"),
    ("telegram", "https://telegram.org/saada"),
    ("youtube", "https://youtube.com:8080/@crafts"),
    ("tiktok", ""),
])
def test_other_addresses_are_refused(platform, typed):
    with pytest.raises(Invalid) as refused:
        check_page_url(platform, typed)
    assert refused.value.field == "url"


def test_the_error_names_the_platform_and_shows_an_example(client, auth):
    shop = ClientShopFactory()

    response = client.post(URL, json={"seller_id": shop.id, "platform": "facebook",
                                      "url": "https://instagram.com/abukhalil"}, headers=auth(shop.coordinator))

    assert response.status_code == 422
    assert response.json["errors"]["url"] == [
        "'https://instagram.com/abukhalil' is on Instagram, not Facebook; use a link like "
        "https://www.facebook.com/abukhalil.restaurant"]
    assert response.json["example"] == "https://www.facebook.com/abukhalil.restaurant"


def test_the_error_is_in_arabic_for_an_arabic_reader(client, auth):
    shop = ClientShopFactory()

    response = client.post(URL, json={"seller_id": shop.id, "platform": "telegram", "url": "t.me"},
                           headers=auth(shop.coordinator, **{"Accept-Language": "ar"}))

    assert response.status_code == 422
    message = response.json["errors"]["url"][0]
    assert "تيليغرام" in message and "https://t.me/saada_sweets" in message


def test_a_coordinator_adds_a_page_to_a_client_shop(client, auth):
    shop = ClientShopFactory()

    response = client.post(URL, json={"seller_id": shop.id, "platform": "facebook",
                                      "url": "facebook.com/abukhalil", "name": "مطعم أبو خليل"},
                           headers=auth(shop.coordinator))

    assert response.status_code == 201
    assert (response.json["url"], response.json["handle"]) == ("https://facebook.com/abukhalil", "abukhalil")


def test_a_shop_has_each_address_once(client, auth):
    page = PageFactory()

    response = client.post(URL, json={"seller_id": page.seller_id, "platform": "facebook", "url": page.url},
                           headers=auth(page.seller.coordinator))

    assert response.status_code == 409
    assert response.json["existing_page_id"] == page.id


def test_a_new_platform_is_checked_with_the_url(client, auth):
    page = PageFactory()

    response = client.patch(f"{URL}/{page.id}", json={"platform": "telegram"}, headers=auth(page.seller.coordinator))

    assert response.status_code == 422


def test_changing_the_url_moves_the_handle_read_from_it(client, auth):
    page = PageFactory(url="https://facebook.com/old", handle="old")

    response = client.patch(f"{URL}/{page.id}", json={"platform": "instagram", "url": "instagram.com/new"},
                            headers=auth(page.seller.coordinator))

    assert response.status_code == 200
    assert (response.json["platform"], response.json["handle"]) == ("instagram", "@new")


def test_a_page_jobs_ran_on_cannot_be_deleted(client, auth):
    job = JobFactory()

    response = client.delete(f"{URL}/{job.page_id}", headers=auth(job.coordinator))

    assert response.status_code == 409


def test_search_folds_arabic(client, auth):
    page = PageFactory(name="مطعم أبو خليل")
    PageFactory(seller=page.seller, name="Other")

    response = client.get(f"{URL}?q=ابو", headers=auth(page.seller.coordinator))

    assert [p["id"] for p in response.json] == [page.id]


def test_platforms_are_the_issues_six():
    assert [p.value for p in Platform] == ["facebook", "instagram", "whatsapp_channel", "telegram", "tiktok",
                                           "youtube"]


def test_an_address_too_long_once_tidied_is_refused():
    typed = "facebook.com/" + "a" * 487  # 500 typed, 508 with https://

    with pytest.raises(Invalid):
        check_page_url("facebook", typed)
