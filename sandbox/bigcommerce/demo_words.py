"""Words the demo data is made of: names, companies, places and products."""

FIRST_NAMES = (
    "Ada", "Ben", "Chloe", "Dario", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
    "Kira", "Liam", "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara",
    "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Adler", "Brooks", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes",
    "Ivanova", "Jensen", "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Patel",
    "Quintero", "Rossi", "Schmidt", "Tanaka", "Urban", "Varga", "Walsh", "Young", "Zimmer",
)  # fmt: skip
COMPANY_STEMS = (
    "Northwind", "Bluebird", "Granite", "Harbor", "Juniper", "Keystone", "Lumen", "Maple",
    "Oakridge", "Pioneer", "Riverside", "Summit", "Tidewater", "Evergreen", "Copper",
)  # fmt: skip
COMPANY_KINDS = ("Traders", "Outfitters", "Supply Co.", "Retail Group", "Goods Ltd", "Partners")
PLACES = (
    # (city, state, zip, country code)
    ("Austin", "Texas", "78701", "US"),
    ("Portland", "Oregon", "97205", "US"),
    ("Chicago", "Illinois", "60601", "US"),
    ("Boston", "Massachusetts", "02108", "US"),
    ("Denver", "Colorado", "80202", "US"),
    ("Toronto", "Ontario", "M5H 2N2", "CA"),
    ("Vancouver", "British Columbia", "V6B 1A1", "CA"),
    ("London", "Greater London", "EC1A 1BB", "GB"),
    ("Manchester", "Greater Manchester", "M1 1AE", "GB"),
    ("Berlin", "Berlin", "10115", "DE"),
    ("Lyon", "Auvergne-Rhone-Alpes", "69001", "FR"),
    ("Sydney", "New South Wales", "2000", "AU"),
    ("Dublin", "Dublin", "D02 X285", "IE"),
    ("Utrecht", "Utrecht", "3511 AA", "NL"),
)
STREETS = ("Main Street", "Oak Avenue", "Harbour Road", "Station Lane", "Market Square", "Elm Way")
BRANDS = ("Trailhead", "Cask & Co", "Linden", "Northfolk", "Vela")
# (parent name or None, name): a small tree, two and three levels deep.
CATEGORIES = (
    (None, "Apparel"),
    ("Apparel", "Men"),
    ("Apparel", "Women"),
    (None, "Home"),
    ("Home", "Kitchen"),
    ("Kitchen", "Cookware"),
    ("Home", "Bath"),
    (None, "Outdoor"),
    ("Outdoor", "Camping"),
    ("Outdoor", "Cycling"),
    (None, "Sale"),
)
# (name, category, base price, options: option name -> labels)
PRODUCTS = (
    ("Merino Crew Sweater", "Men", "89.00", {"Size": ("S", "M", "L", "XL")}),
    ("Linen Shirt", "Men", "59.00", {"Size": ("S", "M", "L")}),
    ("Wrap Dress", "Women", "120.00", {"Size": ("XS", "S", "M"), "Color": ("Navy", "Rust")}),
    ("Rain Shell Jacket", "Women", "149.00", {"Size": ("S", "M", "L")}),
    ("Cast Iron Skillet", "Cookware", "45.00", {}),
    ("Copper Saucepan", "Cookware", "129.00", {}),
    ("Chef Knife", "Kitchen", "79.50", {}),
    ("Stoneware Mug Set", "Kitchen", "32.00", {"Color": ("Sand", "Slate")}),
    ("Waffle Bath Towel", "Bath", "28.00", {"Color": ("White", "Sage", "Clay")}),
    ("Cedar Bath Mat", "Bath", "54.00", {}),
    ("Two-Person Tent", "Camping", "249.00", {}),
    ("Down Sleeping Bag", "Camping", "189.00", {"Size": ("Regular", "Long")}),
    ("Camp Stove", "Camping", "99.00", {}),
    ("Bike Lights Kit", "Cycling", "39.90", {}),
    ("Commuter Pannier", "Cycling", "84.00", {"Color": ("Black", "Olive")}),
    ("Enamel Water Bottle", "Sale", "18.00", {}),
    ("Wool Beanie", "Sale", "22.00", {"Color": ("Grey", "Mustard")}),
    ("Picnic Blanket", "Outdoor", "65.00", {}),
)
PRODUCT_ADJECTIVES = ("Classic", "Field", "Studio", "Heritage", "Trail", "Everyday", "Coastal")
PAYMENT_METHODS = ("Credit Card", "PayPal", "Cash on Delivery", "Bank Deposit")
REFUND_REASONS = (
    "Damaged in transit",
    "Wrong size",
    "Customer changed their mind",
    "Late delivery",
)
