"""The story's people as demo data: Reem's shop, Zeina and her five client pages."""
from decimal import Decimal

from sqlalchemy.orm import Session

from shared.models import Language, Product, Role, Seller, SellerCategory, User
from shared.services.accounts import hash_password

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

ZEINA_CLIENTS = [
    ("مطعم أبو خليل — Abu Khalil restaurant", SellerCategory.food, "Sarmada", "+963944200001"),
    ("فلافل الشام — Sham falafel", SellerCategory.food, "Idlib", "+963944200002"),
    ("بوتيك ياسمين — Yasmine boutique", SellerCategory.clothing, "Azaz", "+963944200003"),
    ("أشغال يدوية أم محمد — Umm Mohammad crafts", SellerCategory.handicrafts, "Dana", "+963944200004"),
    ("حلويات السعادة — Al-Saada sweets", SellerCategory.food, "Al-Dana", "+963944200005"),
]


def _user(email, role, name, language=Language.ar) -> User:
    return User(email=email, role=role, name=name, language=language,
                password_hash=hash_password(PASSWORD))


def load_demo(session: Session) -> list[User]:
    admin = _user("admin@example.com", Role.admin, "Admin", Language.en)
    reem = _user("reem@example.com", Role.seller, "ريم")
    zeina = _user("zeina@example.com", Role.coordinator, "زينة")
    promoters = [_user(f"{n}@example.com", Role.promoter, label) for n, label in
                 (("huda", "هدى"), ("salma", "سلمى"))]
    session.add_all([admin, reem, zeina, *promoters])

    shop = Seller(name="ريم للتجميل — Reem beauty", category=SellerCategory.cosmetics,
                  area="Idlib", whatsapp_phone="+963944111222", owner=reem)
    session.add(shop)
    session.add_all(
        Product(seller=shop, name=name, description=desc, price=Decimal(price), currency="TRY")
        for name, desc, price in REEM_PRODUCTS
    )
    session.add_all(
        Seller(name=name, category=category, area=area, whatsapp_phone=phone, coordinator=zeina)
        for name, category, area, phone in ZEINA_CLIENTS
    )
    session.commit()
    return [admin, reem, zeina, *promoters]
