"""Social pages: a shop's pages on Facebook, Instagram, WhatsApp channels, Telegram, TikTok, YouTube."""
from flask_login import current_user

from api.conventions import Blueprint, View, check_if_match, page_response
from shared.extensions import db
from shared.schemas.pages import Page, PageCreate, PageQuery, PageUpdate
from shared.services import pages

blp = Blueprint("pages", __name__, url_prefix="/api/v1/pages",
                description="A shop's social pages, where promotion jobs run.")

page_schema = Page()

EXAMPLE = {"seller_id": "01jd3k6w7x8y9z0a1b2c3d4e5f", "platform": "facebook",
           "url": "facebook.com/abukhalil.restaurant", "name": "مطعم أبو خليل"}


@blp.route("")
class Pages(View):
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, Page(many=True))
    def get(self, query):
        """List pages

        Newest first: the pages of the shops you work for (a coordinator's clients, a
        seller's own); a promoter sees the pages of the jobs she is on. Filter by
        `seller_id` and `platform`; `q` searches names and handles (Arabic spelling
        variants match).
        """
        filters = pages.PageFilter(seller_id=query["seller_id"], platform=query["platform"], q=query["q"])
        return page_response(pages.list_pages(db.session, current_user, filters,
                                              limit=query["limit"], cursor=query["cursor"]))

    @blp.arguments(PageCreate, example=EXAMPLE)
    @blp.response(201, Page)
    def post(self, data):
        """Add a page

        The URL must be an address of the platform: facebook.com, fb.com,
        m.facebook.com; instagram.com; whatsapp.com/channel/…; t.me; tiktok.com;
        youtube.com, youtu.be. "https://" may be left out. Otherwise a 422 names the
        platform and shows a good link. The handle is read from the URL when left out.
        A shop has each address once (409). Promoters add no pages (403).
        """
        return pages.create_page(db.session, current_user, data)


@blp.route("/<page_id>")
class PageById(View):
    @blp.response(200, Page)
    def get(self, page_id):
        """Get a page

        One page you may see, with an ETag.
        """
        return pages.get_page(db.session, current_user, page_id)

    @blp.arguments(PageUpdate, example={"name": "مطعم أبو خليل — الفرع الجديد"})
    @blp.response(200, Page)
    def patch(self, changes, page_id):
        """Change a page

        Send only the fields to change; a new `platform` or `url` is checked as a pair.
        Promoters read pages but change none (403).
        """
        page = pages.get_page(db.session, current_user, page_id, for_update=True)
        check_if_match(page_schema, page)
        return pages.update_page(db.session, current_user, page, changes)

    @blp.response(204)
    def delete(self, page_id):
        """Delete a page

        Only a page no promotion job ran on (409 otherwise: the jobs' books stay).
        """
        page = pages.get_page(db.session, current_user, page_id, for_update=True)
        check_if_match(page_schema, page)
        pages.delete_page(db.session, current_user, page)
