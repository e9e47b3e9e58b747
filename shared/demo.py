"""The story's people as demo data: Reem's shop, Zeina and her five client pages.

Reem's week as it really goes: orders in every status, last Thursday's market run in
lira and dollars (per-product costs and a lump sum for transport), a deposit on an order
not yet delivered, a lipstick given back and refunded, and a dollar order paid in lira at
the rate Reem applied. Confirmed orders in both currencies wait for this week's run.
Zeina's week: her clients' pages, a team of four, jobs in every status with their
counts, contributions, payouts, client payments and contests.
"""
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.dates import local_today
from shared.models import (
    Channel, ContributionKind, JobStatus, Language, Metric, OrderStatus, PaymentMethod, Platform,
    Product, RefundReason, ReviewStatus, Role, Seller, SellerCategory, Split, User, utcnow,
)
from shared.services import (
    client_payments, contests, contributions, market_runs, orders, pages, payments, payouts,
    promotions, returns, teams,
)
from shared.services.accounts import hash_password
from shared.services.customers import create_customer

PASSWORD = "tawasi-demo"

REEM_PRODUCTS = [
    ("كريم مرطّب للوجه — Face moisturizer", "٥٠ مل، للبشرة الجافة", "150.00"),
    ("أحمر شفاه — Lipstick", "لون أحمر غامق", "85.00"),
    ("واقي شمس — Sunscreen SPF 50", "١٠٠ مل", "210.00"),
    ("غسول للوجه — Face wash", "للبشرة الدهنية", "95.00"),
    ("ماسكارا — Mascara", "مقاومة للماء", "120.00"),
    ("كحل عربي — Kohl eyeliner", "أسود", "45.00"),
    ("زيت الأرغان — Argan oil", "٣٠ مل، طبيعي", "175.00"),
    ("صابون الغار — Laurel soap", "صابون حلبي", "40.00"),
    ("مزيل مكياج — Makeup remover", "ماء ميسيلار ٢٠٠ مل", "110.00"),
    ("كريم يدين — Hand cream", "برائحة الورد", "60.00"),
    ("طلاء أظافر — Nail polish", "ألوان متعددة", "35.00"),
    ("عطر ورد جوري — Damask rose perfume", "٥٠ مل", "250.00"),
]
# Imported perfume is priced in dollars, as the wholesaler sells it.
REEM_DOLLAR_PRODUCTS = [
    ("عطر فرنسي — French perfume", "١٠٠ مل، مستورد", "45.00"),
]
# What Reem paid at last Thursday's market, per product (for the whole quantity bought).
LAST_RUN_COSTS = {0: "300.00", 1: "110.00", 2: "140.00", 6: "120.00", 7: "75.00", 9: "80.00",
                  12: "30.00"}
LAST_RUN_LUMP_SUM = ("TRY", "40.00")  # the minibus to the market and back
DOLLAR_RATE = Decimal("34")  # lira per dollar, as Reem counted Hiba's cash

ZEINA_CLIENTS = [
    ("مطعم أبو خليل — Abu Khalil restaurant", SellerCategory.food, "Sarmada", "+963944200001"),
    ("فلافل الشام — Sham falafel", SellerCategory.food, "Idlib", "+963944200002"),
    ("بوتيك ياسمين — Yasmine boutique", SellerCategory.clothing, "Azaz", "+963944200003"),
    ("أشغال يدوية أم محمد — Umm Mohammad crafts", SellerCategory.handicrafts, "Dana", "+963944200004"),
    ("حلويات السعادة — Al-Saada sweets", SellerCategory.food, "Al-Dana", "+963944200005"),
]


REEM_CUSTOMERS = [
    ("أم أحمد", "0944 111 301", "Idlib", Language.ar, "خالة ريم"),
    ("سلمى الحلبي", "0944 111 302", "Sarmada", Language.ar, ""),
    ("نور", "+963 944 111 303", "Idlib", Language.ar, "جارة"),
    ("Hiba", "+90 532 111 22 33", "Gaziantep", Language.en, "Friend of Nour; reads English"),
    ("أم خالد", "0944 111 305", "Binnish", Language.ar, "تدفع عند الاستلام"),
    ("رنا", "0944 111 306", "Idlib", Language.ar, ""),
]

# (customer index, [(product index, quantity)], channel, where the order got to)
REEM_ORDERS = [
    (0, [(0, 1), (1, 2)], Channel.whatsapp, OrderStatus.delivered),
    (1, [(2, 1)], Channel.whatsapp, OrderStatus.delivered),
    (2, [(0, 2), (7, 3)], Channel.facebook, OrderStatus.purchased),
    (3, [(6, 1), (9, 2)], Channel.whatsapp, OrderStatus.purchased),
    (4, [(1, 1), (5, 2)], Channel.phone, OrderStatus.confirmed),
    (5, [(11, 1)], Channel.whatsapp, OrderStatus.confirmed),
    (0, [(3, 1)], Channel.in_person, OrderStatus.pending),
    (2, [(10, 4)], Channel.whatsapp, OrderStatus.pending),
    (1, [(4, 1)], Channel.whatsapp, OrderStatus.cancelled),
    (3, [(12, 1)], Channel.whatsapp, OrderStatus.delivered),  # in dollars, paid in lira
    (5, [(12, 1)], Channel.whatsapp, OrderStatus.confirmed),  # in dollars, for this week's run
]
_PATH = [OrderStatus.confirmed, OrderStatus.purchased, OrderStatus.delivered]


def _reem_week(session: Session, reem: User, shop: Seller, products: list[Product]) -> None:
    """Customers, orders in every status, last week's market run (bought), payments, a
    deposit, a return with its refund, and a dollar order paid in lira."""
    customers = [
        create_customer(session, reem, {"seller_id": shop.id, "name": name, "phone": phone,
                                        "area": area, "language": language, "notes": notes})
        for name, phone, area, language, notes in REEM_CUSTOMERS
    ]
    placed = []
    for who, items, channel, status in REEM_ORDERS:
        order = orders.create_order(session, reem, {
            "seller_id": shop.id, "customer_id": customers[who].id, "channel": channel,
            "lines": [{"product_id": products[i].id, "quantity": q} for i, q in items],
        })
        placed.append((order, status))
    # Confirm what reached the market; the run buys for those, then some are delivered.
    for order, status in placed:
        if status in _PATH:
            orders.update_order(session, reem, order, {"status": OrderStatus.confirmed})
        elif status == OrderStatus.cancelled:
            orders.update_order(session, reem, order, {"status": OrderStatus.cancelled})
    bought = [order.id for order, status in placed if status in (OrderStatus.purchased, OrderStatus.delivered)]
    run = market_runs.create_market_run(session, reem, {
        "seller_id": shop.id, "run_date": date(2026, 11, 19), "order_ids": bought,
        "note": "سوق الخميس — Thursday market"})
    currency, amount = LAST_RUN_LUMP_SUM
    market_runs.mark_bought(session, reem, run.row, costs=[
        {"product_id": products[i].id, "cost": Decimal(cost)} for i, cost in LAST_RUN_COSTS.items()
    ], lump_sums=[{"currency": currency, "amount": Decimal(amount)}])
    for order, status in placed:
        if status != OrderStatus.delivered:
            continue
        orders.update_order(session, reem, order, {"status": OrderStatus.delivered})
        if order.currency == "TRY":
            payments.add_payment(session, reem, order, amount=order.total, method=PaymentMethod.cash)
        else:  # Hiba paid her dollar order in lira, at the rate Reem applied
            payments.add_payment(session, reem, order, amount=order.total * DOLLAR_RATE,
                                 currency="TRY", rate=DOLLAR_RATE, rate_per=order.currency)
    # Umm Ahmad gave back one lipstick; Reem gave her the 85 lira back.
    first = placed[0][0]
    returned = returns.record_return(session, reem, first, lines=[
        {"product_id": products[1].id, "quantity": 1}], note="اللون غير مناسب — wrong shade")
    payments.add_refund(session, reem, first, amount=returned.amount, reason=RefundReason.returned)
    # Hiba paid half of her lira order up front by transfer: a deposit, not credit.
    hiba_order = placed[3][0]
    payments.add_payment(session, reem, hiba_order, amount=(hiba_order.total / 2).quantize(Decimal("0.01")),
                         method=PaymentMethod.transfer)


TZ = "Asia/Damascus"

# One Facebook page per client (the story's "five pages at once"), and Yasmine's Instagram.
ZEINA_PAGES = [
    (0, Platform.facebook, "https://www.facebook.com/abukhalil.restaurant", "مطعم أبو خليل"),
    (1, Platform.facebook, "https://www.facebook.com/sham.falafel", "فلافل الشام"),
    (2, Platform.facebook, "https://www.facebook.com/yasmine.boutique.azaz", "بوتيك ياسمين"),
    (3, Platform.facebook, "https://www.facebook.com/umm.mohammad.crafts", "أشغال أم محمد اليدوية"),
    (4, Platform.facebook, "https://www.facebook.com/alsaada.sweets", "حلويات السعادة"),
    (2, Platform.instagram, "https://www.instagram.com/yasmine.boutique", "Yasmine boutique"),
]
TEAM = [("huda", "هدى"), ("salma", "سلمى"), ("lina", "لينا"), ("maryam", "مريم")]


def _counts(session, zeina, job, counts, *, days: int) -> None:
    """Counts typed in over the last `days` days, evenly, the last one an hour ago."""
    now = utcnow()
    step = timedelta(days=days) / max(len(counts) - 1, 1)
    for i, count in enumerate(counts):
        at = now - timedelta(hours=1) - step * (len(counts) - 1 - i)
        promotions.add_progress(session, zeina, job, count=count, observed_at=at,
                                note="عدد المتابعين كما ظهر على الصفحة")


def _job(session, zeina, page, **terms):
    return promotions.create_job(session, zeina, {"page_id": page.id, "disclosure": "#إعلان", **terms},
                                 tz_name=TZ).row


def _zeinas_work(session: Session, zeina: User, promoters: list[User]) -> None:
    """Pages, a team of four, jobs in every status with their counts, contributions,
    payouts, client payments and contests: Zeina's week, built through the services."""
    by_name = {seller.name: seller for seller in
               session.scalars(sa.select(Seller).where(Seller.coordinator_id == zeina.id))}
    shops = [by_name[name] for name, *_ in ZEINA_CLIENTS]
    page = [pages.create_page(session, zeina, {"seller_id": shops[i].id, "platform": platform, "url": url,
                                               "name": name})
            for i, platform, url, name in ZEINA_PAGES]
    team = teams.create_team(session, zeina, {"name": "فريق زينة — Zeina's team",
                                              "coordinator_share": Decimal("20.00")})
    for promoter in promoters:
        teams.add_member(session, zeina, team, user_id=promoter.id, phone_region="SY")
    huda, salma, lina, maryam = promoters

    # Abu Khalil: active, exactly half way (500 of 1,000 new followers: 150 of 300 TRY).
    half = _job(session, zeina, page[0], title="١٠٠٠ متابع جديد — 1,000 new followers",
                metric=Metric.followers, baseline_count=1000, target_gain=1000, price=Decimal("300.00"),
                currency="TRY", deadline=local_today(TZ) + timedelta(days=20))
    promotions.add_members(session, zeina, half, [huda.id, salma.id, lina.id], tz_name=TZ)
    promotions.update_job(session, zeina, half, {"status": JobStatus.active}, tz_name=TZ)
    _counts(session, zeina, half, [1000, 1060, 1140, 1210, 1300, 1370, 1440, 1500], days=7)
    contributions.create_contribution(session, huda, {
        "job_id": half.id, "kind": ContributionKind.followers, "quantity": 180,
        "note": "دعوت جاراتي ومجموعة الحي", "evidence_url": "https://example.com/evidence/huda-1.jpg"})
    client_payments.create_client_payment(session, zeina, {
        "seller_id": shops[0].id, "amount": Decimal("100.00"), "currency": "TRY",
        "method": PaymentMethod.cash, "note": "دفعة أولى — first instalment"}, today=local_today(TZ))

    # Sham falafel: completed, target reached, paid out by contributions, paid by the client.
    done = _job(session, zeina, page[1], title="٥٠٠ متابع — 500 followers", metric=Metric.followers,
                baseline_count=2400, target_gain=500, price=Decimal("150.00"), currency="TRY",
                split=Split.contributions)
    promotions.add_members(session, zeina, done, [huda.id, salma.id, maryam.id], tz_name=TZ)
    promotions.update_job(session, zeina, done, {"status": JobStatus.active}, tz_name=TZ)
    _counts(session, zeina, done, [2400, 2530, 2690, 2810, 2950], days=14)
    for who, kind, quantity, review in (
        (huda, ContributionKind.followers, 220, {"status": ReviewStatus.approved}),
        (salma, ContributionKind.shares, 140, {"status": ReviewStatus.approved}),
        (maryam, ContributionKind.followers, 90, {"status": ReviewStatus.approved}),
        (maryam, ContributionKind.comments, 300, {"status": ReviewStatus.rejected,
                                                  "rejection_reason": "التعليقات على صفحة أخرى"}),
    ):
        made = contributions.create_contribution(session, who, {"job_id": done.id, "kind": kind,
                                                               "quantity": quantity, "note": ""})
        contributions.update_contribution(session, zeina, made, review)
    promotions.update_job(session, zeina, done, {"status": JobStatus.completed}, tz_name=TZ)
    paid_out = payouts.create_payout_set(session, zeina, done.id)
    payouts.update_payout(session, zeina, paid_out.payouts[0], {"status": "paid", "method": PaymentMethod.cash},
                          today=local_today(TZ))
    client_payments.create_client_payment(session, zeina, {
        "seller_id": shops[1].id, "amount": Decimal("150.00"), "currency": "TRY",
        "method": PaymentMethod.transfer, "note": "كامل المبلغ — paid in full"}, today=local_today(TZ))

    # Yasmine: a draft on Instagram, waiting for the owner's go-ahead.
    _job(session, zeina, page[5], title="متابعين إنستغرام — Instagram followers", metric=Metric.followers,
         baseline_count=800, target_gain=1000, price=Decimal("250.00"), currency="TRY",
         notes="تبدأ بعد موافقة صاحبة البوتيك")

    # Umm Mohammad: cancelled by the client after a slow start; its earnings froze at 30.00.
    stopped = _job(session, zeina, page[3], title="١٠٠٠ إعجاب — 1,000 likes", metric=Metric.likes,
                   baseline_count=300, target_gain=1000, price=Decimal("200.00"), currency="TRY")
    promotions.add_members(session, zeina, stopped, [lina.id], tz_name=TZ)
    promotions.update_job(session, zeina, stopped, {"status": JobStatus.active}, tz_name=TZ)
    _counts(session, zeina, stopped, [300, 360, 410, 450], days=5)
    promotions.update_job(session, zeina, stopped, {"status": JobStatus.cancelled,
                                                    "notes": "ألغتها صاحبة الصفحة"}, tz_name=TZ)

    # Al-Saada sweets: paid in kind, a box of sweets.
    sweets = _job(session, zeina, page[4], title="متابعين مقابل حلويات — followers for sweets",
                  metric=Metric.followers, baseline_count=650, target_gain=500, currency="TRY",
                  reward={"description": "صندوق حلويات مشكلة — a box of mixed sweets",
                          "estimated_value": Decimal("200.00")})
    promotions.add_members(session, zeina, sweets, [maryam.id], tz_name=TZ)
    promotions.update_job(session, zeina, sweets, {"status": JobStatus.active}, tz_name=TZ)
    _counts(session, zeina, sweets, [650, 720, 800, 950], days=6)

    # A contest won, its prize received; another still open.
    now = utcnow()
    won = contests.create_contest(session, zeina, {
        "shop_name": "عطورات الريحان — Al-Rayhan perfumes", "shop_url": "https://www.facebook.com/alrayhan.perfumes",
        "title": "مسابقة أجمل تعليق — best comment", "prize_description": "طقم عطور — a perfume set",
        "prize_value": Decimal("300.00"), "currency": "TRY", "starts_at": now - timedelta(days=12),
        "ends_at": now - timedelta(days=5), "rules_url": "https://www.facebook.com/alrayhan.perfumes/posts/1"})
    for promoter in (huda, salma):
        won = contests.add_entry(session, promoter, won, {"note": "شاركت بتعليق وصورة"})
    by_user = {entry.user_id: entry.id for entry in won.entries}
    contests.update_entry(session, zeina, won, by_user[huda.id], {"result": "won", "prize_received": True},
                          today=local_today(TZ))
    contests.update_entry(session, zeina, won, by_user[salma.id], {"result": "lost"}, today=local_today(TZ))
    open_contest = contests.create_contest(session, zeina, {
        "seller_id": shops[4].id, "title": "احزر عدد حبات المعمول — guess the maamoul",
        "prize_description": "علبة معمول — a box of maamoul", "prize_value": Decimal("120.00"),
        "currency": "TRY", "starts_at": now - timedelta(days=2), "ends_at": now + timedelta(days=5)})
    contests.add_entry(session, maryam, open_contest, {})


def _user(email, role, name, language=Language.ar) -> User:
    return User(email=email, role=role, name=name, language=language,
                password_hash=hash_password(PASSWORD))


def load_demo(session: Session) -> list[User]:
    """The story's people and their data, flushed into `session` (the caller commits)."""
    admin = _user("admin@example.com", Role.admin, "Admin", Language.en)
    reem = _user("reem@example.com", Role.seller, "ريم")
    zeina = _user("zeina@example.com", Role.coordinator, "زينة")
    # The restaurant's owner has an account: he reads the jobs on his page and his bill.
    abu_khalil = _user("abukhalil@example.com", Role.seller, "أبو خليل")
    promoters = [_user(f"{n}@example.com", Role.promoter, label) for n, label in TEAM]
    session.add_all([admin, reem, zeina, abu_khalil, *promoters])

    shop = Seller(name="ريم للتجميل — Reem beauty", category=SellerCategory.cosmetics,
                  area="Idlib", whatsapp_phone="+963944111222", owner=reem)
    session.add(shop)
    products = [Product(seller=shop, name=name, description=desc, price=Decimal(price), currency="TRY")
                for name, desc, price in REEM_PRODUCTS]
    products += [Product(seller=shop, name=name, description=desc, price=Decimal(price), currency="USD")
                 for name, desc, price in REEM_DOLLAR_PRODUCTS]
    session.add_all(products)
    session.add_all(
        Seller(name=name, category=category, area=area, whatsapp_phone=phone, coordinator=zeina,
               owner=abu_khalil if i == 0 else None)
        for i, (name, category, area, phone) in enumerate(ZEINA_CLIENTS)
    )
    session.flush()
    _reem_week(session, reem, shop, products)
    _zeinas_work(session, zeina, promoters)
    return [admin, reem, zeina, abu_khalil, *promoters]
