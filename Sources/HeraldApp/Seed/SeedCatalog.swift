/// Fixed tables behind generated demo data: countries, names, cities, products and campaign themes.
enum SeedCatalog {
    struct MobilePrefix: Sendable {
        /// National digits that start the number (all prefixes of a country have the same length).
        let digits: String
        /// The city the prefix (an area code) belongs to, when it says.
        let city: String?
    }

    struct Country: Sendable {
        let iso: String
        let weight: Int
        let callingCode: String
        let prefixes: [MobilePrefix]
        /// Digits after the prefix; the national number is prefix + these.
        let subscriberDigits: Int
        let cities: [String]
        let languages: [(String, Int)]
        let names: NameRegion
        let localEmailDomains: [String]
    }

    struct NameRegion: Sendable {
        let first: [String]
        let last: [String]
    }

    static func prefixes(_ list: [String]) -> [MobilePrefix] { list.map { MobilePrefix(digits: $0, city: nil) } }

    /// Area codes with their cities, each followed by every valid first exchange digit (2–9).
    static func areaPrefixes(_ list: [(String, String)], exchangeDigits: ClosedRange<Int>) -> [MobilePrefix] {
        list.flatMap { area, city in exchangeDigits.map { MobilePrefix(digits: area + String($0), city: city) } }
    }

    static let countries: [Country] = [
        Country(
            iso: "IN", weight: 20, callingCode: "91", prefixes: prefixes(["6", "7", "8", "9"]), subscriberDigits: 9,
            cities: ["Mumbai", "Delhi", "Bengaluru", "Hyderabad", "Chennai", "Kolkata", "Pune", "Ahmedabad", "Jaipur"],
            languages: [("en", 55), ("hi", 45)], names: southAsian, localEmailDomains: ["rediffmail.com", "yahoo.co.in"]
        ),
        Country(
            iso: "BR", weight: 14, callingCode: "55",
            prefixes: [("11", "São Paulo"), ("21", "Rio de Janeiro"), ("31", "Belo Horizonte"), ("61", "Brasília"), ("71", "Salvador"),
                       ("85", "Fortaleza"), ("41", "Curitiba"), ("81", "Recife"), ("51", "Porto Alegre")]
                .map { MobilePrefix(digits: $0.0 + "9", city: $0.1) },
            subscriberDigits: 8,
            cities: ["São Paulo", "Rio de Janeiro", "Belo Horizonte", "Brasília", "Salvador", "Fortaleza", "Curitiba", "Recife", "Porto Alegre"],
            languages: [("pt_BR", 1)], names: brazilian, localEmailDomains: ["uol.com.br", "bol.com.br", "terra.com.br"]
        ),
        Country(
            iso: "ID", weight: 10, callingCode: "62", prefixes: prefixes(["812", "813", "821", "822", "852", "853", "857", "878", "896", "815"]),
            subscriberDigits: 8, cities: ["Jakarta", "Surabaya", "Bandung", "Medan", "Semarang", "Makassar", "Denpasar"],
            languages: [("id", 1)], names: indonesian, localEmailDomains: ["yahoo.co.id"]
        ),
        Country(
            iso: "MX", weight: 8, callingCode: "52",
            prefixes: [MobilePrefix(digits: "55", city: "Ciudad de México"), MobilePrefix(digits: "33", city: "Guadalajara"),
                       MobilePrefix(digits: "81", city: "Monterrey")],
            subscriberDigits: 8, cities: ["Ciudad de México", "Guadalajara", "Monterrey", "Puebla", "Tijuana", "Mérida", "Querétaro"],
            languages: [("es_MX", 1)], names: hispanic, localEmailDomains: ["prodigy.net.mx"]
        ),
        Country(
            iso: "US", weight: 7, callingCode: "1",
            prefixes: areaPrefixes(
                [("212", "New York"), ("646", "New York"), ("213", "Los Angeles"), ("310", "Los Angeles"), ("312", "Chicago"),
                 ("713", "Houston"), ("305", "Miami"), ("415", "San Francisco"), ("206", "Seattle"), ("617", "Boston")],
                exchangeDigits: 2...9
            ),
            subscriberDigits: 6, cities: ["New York", "Los Angeles", "Chicago", "Houston", "Miami", "San Francisco", "Seattle", "Boston"],
            languages: [("en_US", 85), ("es", 15)], names: anglo, localEmailDomains: ["aol.com", "comcast.net"]
        ),
        Country(
            iso: "DE", weight: 6, callingCode: "49",
            prefixes: prefixes(["151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173", "174", "175", "176", "177", "178", "179"]),
            subscriberDigits: 8, cities: ["Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Stuttgart", "Düsseldorf", "Leipzig"],
            languages: [("de", 1)], names: german, localEmailDomains: ["gmx.de", "web.de", "t-online.de"]
        ),
        Country(
            iso: "GB", weight: 6, callingCode: "44", prefixes: prefixes(["74", "75", "77", "78", "79"]), subscriberDigits: 8,
            cities: ["London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Liverpool", "Bristol", "Edinburgh"],
            languages: [("en_GB", 1)], names: anglo, localEmailDomains: ["btinternet.com", "yahoo.co.uk", "sky.com"]
        ),
        Country(
            iso: "NG", weight: 5, callingCode: "234",
            prefixes: prefixes(["803", "806", "813", "816", "703", "706", "810", "814", "903", "906", "805", "807", "815", "905", "802", "808", "812", "701", "902", "901"]),
            subscriberDigits: 7, cities: ["Lagos", "Abuja", "Kano", "Ibadan", "Port Harcourt", "Benin City"],
            languages: [("en", 1)], names: nigerian, localEmailDomains: ["yahoo.com"]
        ),
        Country(
            iso: "ZA", weight: 4, callingCode: "27",
            prefixes: prefixes(["60", "61", "62", "63", "71", "72", "73", "74", "76", "78", "79", "81", "82", "83", "84"]), subscriberDigits: 7,
            cities: ["Johannesburg", "Cape Town", "Durban", "Pretoria", "Gqeberha", "Bloemfontein"],
            languages: [("en", 80), ("af", 10), ("zu", 10)], names: southAfrican, localEmailDomains: ["webmail.co.za", "mweb.co.za"]
        ),
        Country(
            iso: "ES", weight: 4, callingCode: "34", prefixes: prefixes(["6"]), subscriberDigits: 8,
            cities: ["Madrid", "Barcelona", "Valencia", "Sevilla", "Zaragoza", "Málaga", "Bilbao"],
            languages: [("es_ES", 1)], names: hispanic, localEmailDomains: ["telefonica.net"]
        ),
        Country(
            iso: "FR", weight: 4, callingCode: "33", prefixes: prefixes(["6", "7"]), subscriberDigits: 8,
            cities: ["Paris", "Marseille", "Lyon", "Toulouse", "Nice", "Nantes", "Bordeaux", "Lille"],
            languages: [("fr", 1)], names: french, localEmailDomains: ["orange.fr", "free.fr", "laposte.net"]
        ),
        Country(
            iso: "IT", weight: 3, callingCode: "39",
            prefixes: prefixes(["320", "328", "329", "333", "334", "335", "338", "339", "340", "345", "347", "348", "349", "366", "377", "380", "388", "389", "391", "392", "393"]),
            subscriberDigits: 7, cities: ["Roma", "Milano", "Napoli", "Torino", "Palermo", "Bologna", "Firenze"],
            languages: [("it", 1)], names: italian, localEmailDomains: ["libero.it", "alice.it", "virgilio.it"]
        ),
        Country(
            iso: "TR", weight: 3, callingCode: "90",
            prefixes: prefixes(["530", "532", "533", "535", "536", "537", "538", "539", "541", "542", "543", "544", "545", "546", "505", "506", "507", "551", "552", "553", "554", "555", "559"]),
            subscriberDigits: 7, cities: ["İstanbul", "Ankara", "İzmir", "Bursa", "Antalya", "Adana"],
            languages: [("tr", 1)], names: turkish, localEmailDomains: ["yandex.com.tr"]
        ),
        Country(
            iso: "AE", weight: 2, callingCode: "971", prefixes: prefixes(["50", "52", "54", "55", "56", "58"]), subscriberDigits: 7,
            cities: ["Dubai", "Abu Dhabi", "Sharjah", "Ajman"],
            languages: [("ar", 50), ("en", 50)], names: arabic, localEmailDomains: ["emirates.net.ae"]
        ),
        Country(
            iso: "SA", weight: 2, callingCode: "966", prefixes: prefixes(["50", "53", "54", "55", "56", "57", "58", "59"]), subscriberDigits: 7,
            cities: ["Riyadh", "Jeddah", "Dammam", "Mecca", "Medina"],
            languages: [("ar", 90), ("en", 10)], names: arabic, localEmailDomains: []
        ),
        Country(
            iso: "EG", weight: 2, callingCode: "20", prefixes: prefixes(["10", "11", "12", "15"]), subscriberDigits: 8,
            cities: ["Cairo", "Alexandria", "Giza", "Mansoura", "Luxor"],
            languages: [("ar", 1)], names: arabic, localEmailDomains: []
        ),
    ]

    static let globalEmailDomains: [(String, Int)] = [
        ("gmail.com", 60), ("yahoo.com", 10), ("outlook.com", 9), ("hotmail.com", 9), ("icloud.com", 6), ("proton.me", 1),
    ]

    static let southAsian = NameRegion(
        first: ["Aarav", "Vivaan", "Aditya", "Arjun", "Rohan", "Rahul", "Amit", "Vikram", "Karan", "Sanjay", "Deepak", "Suresh",
                "Priya", "Ananya", "Diya", "Neha", "Pooja", "Kavya", "Sneha", "Isha", "Riya", "Meera", "Lakshmi", "Anjali"],
        last: ["Sharma", "Verma", "Patel", "Gupta", "Singh", "Kumar", "Reddy", "Nair", "Iyer", "Mehta", "Joshi", "Rao", "Das",
               "Chopra", "Malhotra", "Banerjee", "Mukherjee", "Pillai", "Desai", "Agarwal"]
    )
    static let brazilian = NameRegion(
        first: ["João", "Pedro", "Lucas", "Gabriel", "Matheus", "Rafael", "Gustavo", "Felipe", "Bruno", "Thiago",
                "Ana", "Maria", "Juliana", "Beatriz", "Larissa", "Camila", "Fernanda", "Mariana", "Letícia", "Amanda"],
        last: ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes", "Costa",
               "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Gonçalves", "Barbosa"]
    )
    static let hispanic = NameRegion(
        first: ["José", "Juan", "Luis", "Carlos", "Miguel", "Alejandro", "Diego", "Javier", "Fernando", "Jorge", "Pablo",
                "María", "Guadalupe", "Sofía", "Valentina", "Lucía", "Carmen", "Isabel", "Elena", "Paula", "Daniela", "Ximena", "Andrea"],
        last: ["García", "Hernández", "López", "Martínez", "González", "Rodríguez", "Pérez", "Sánchez", "Ramírez", "Torres",
               "Flores", "Rivera", "Gómez", "Díaz", "Morales", "Jiménez", "Ruiz", "Moreno", "Romero", "Navarro"]
    )
    static let indonesian = NameRegion(
        first: ["Budi", "Agus", "Dedi", "Eko", "Rizky", "Andi", "Fajar", "Hendra", "Yusuf", "Bayu",
                "Siti", "Dewi", "Sri", "Putri", "Ayu", "Rina", "Wulan", "Indah", "Fitri", "Nur"],
        last: ["Santoso", "Wijaya", "Pratama", "Saputra", "Hidayat", "Setiawan", "Kurniawan", "Susanto", "Halim", "Gunawan",
               "Nugroho", "Lestari", "Rahmawati", "Utami", "Siregar", "Nasution", "Hutapea", "Sitompul"]
    )
    static let anglo = NameRegion(
        first: ["James", "John", "Michael", "David", "Daniel", "Matthew", "Oliver", "Harry", "Jack", "Ethan", "Noah",
                "Emma", "Olivia", "Sophia", "Emily", "Charlotte", "Amelia", "Jessica", "Sarah", "Grace", "Chloe", "Ava"],
        last: ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Anderson", "Thomas",
               "Moore", "Jackson", "White", "Harris", "Clark", "Lewis", "Walker", "Hall", "Young", "Evans", "Wright"]
    )
    static let german = NameRegion(
        first: ["Lukas", "Leon", "Maximilian", "Felix", "Jonas", "Paul", "Finn", "Tobias", "Jan", "Niklas",
                "Anna", "Lena", "Laura", "Lea", "Sophie", "Marie", "Hannah", "Julia", "Katharina", "Johanna"],
        last: ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
               "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger"]
    )
    static let nigerian = NameRegion(
        first: ["Chinedu", "Emeka", "Oluwaseun", "Tunde", "Ibrahim", "Uche", "Chukwuma", "Adebayo", "Musa", "Femi",
                "Ngozi", "Chiamaka", "Aisha", "Folake", "Funmilayo", "Amara", "Blessing", "Adaeze", "Yetunde", "Zainab"],
        last: ["Okafor", "Okeke", "Adeyemi", "Ogunleye", "Bello", "Abubakar", "Eze", "Nwosu", "Balogun", "Olawale",
               "Obi", "Ibrahim", "Mohammed", "Adewale", "Onyeka", "Chukwu", "Afolabi", "Uzoma"]
    )
    static let southAfrican = NameRegion(
        first: ["Thabo", "Sipho", "Lwazi", "Bongani", "Themba", "Johan", "Pieter", "Kagiso", "Sibusiso", "Andile",
                "Nomvula", "Lerato", "Zanele", "Palesa", "Naledi", "Thandiwe", "Annelie", "Busisiwe", "Ayanda", "Refilwe"],
        last: ["Nkosi", "Dlamini", "Ndlovu", "Khumalo", "Mokoena", "Mahlangu", "Botha", "van der Merwe", "Naidoo", "Pillay",
               "Zulu", "Mthembu", "Sithole", "Molefe", "Pretorius", "Venter", "Mabaso", "Radebe"]
    )
    static let french = NameRegion(
        first: ["Lucas", "Hugo", "Louis", "Gabriel", "Arthur", "Jules", "Thomas", "Nicolas", "Antoine", "Théo",
                "Camille", "Léa", "Manon", "Chloé", "Inès", "Louise", "Jade", "Emma", "Juliette", "Clara"],
        last: ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
               "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Fournier", "Girard"]
    )
    static let italian = NameRegion(
        first: ["Francesco", "Alessandro", "Lorenzo", "Matteo", "Leonardo", "Andrea", "Marco", "Giuseppe", "Luca", "Davide",
                "Giulia", "Sofia", "Aurora", "Alice", "Chiara", "Francesca", "Martina", "Sara", "Elena", "Giorgia"],
        last: ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
               "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti"]
    )
    static let turkish = NameRegion(
        first: ["Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "Emre", "Burak", "Can", "Murat",
                "Ayşe", "Fatma", "Zeynep", "Elif", "Emine", "Merve", "Büşra", "Esra", "Selin", "Derya"],
        last: ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
               "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt"]
    )
    static let arabic = NameRegion(
        first: ["Mohammed", "Ahmed", "Omar", "Ali", "Khalid", "Youssef", "Hassan", "Abdullah", "Mahmoud", "Tariq",
                "Fatima", "Aisha", "Mariam", "Noura", "Layla", "Huda", "Salma", "Yasmin", "Rania", "Amal"],
        last: ["Al-Sayed", "Hassan", "Ibrahim", "Al-Farsi", "Al-Harbi", "Al-Qahtani", "Al-Otaibi", "Mansour", "Haddad", "Khalil",
               "Nasser", "Saleh", "Abdelrahman", "El-Masry", "Farouk", "Al-Mansoori", "Al-Nuaimi", "Hamdan", "Mostafa", "Shaker"]
    )

    /// Letters of names mapped to what people type in email addresses.
    static let emailFolding: [Character: String] = [
        "á": "a", "à": "a", "â": "a", "ã": "a", "ä": "a", "ç": "c", "é": "e", "è": "e", "ê": "e", "ë": "e",
        "í": "i", "ì": "i", "î": "i", "ï": "i", "ı": "i", "ó": "o", "ò": "o", "ô": "o", "õ": "o", "ö": "o",
        "ú": "u", "ù": "u", "û": "u", "ü": "u", "ñ": "n", "ş": "s", "ğ": "g", "ß": "ss", "i̇": "i",
    ]

    /// A lower-case ASCII form of a name for email local parts ("Gonçalves" → "goncalves").
    static func emailForm(_ name: String) -> String {
        var result = ""
        for character in name.lowercased() {
            if character.isASCII {
                if character.isLetter || character.isNumber { result.append(character) }
            } else if let folded = emailFolding[character] {
                result += folded
            }
        }
        return result
    }

    struct Category: Sendable {
        let name: String
        /// Price range in US cents.
        let minPrice: Double
        let maxPrice: Double
        let items: [String]
        let variants: [String]
    }

    /// Twelve categories; products are items crossed with variants until ~200 exist.
    static let categories: [Category] = [
        Category(name: "Electronics", minPrice: 1500, maxPrice: 90000,
                 items: ["Wireless Earbuds", "Bluetooth Speaker", "Smartwatch", "Power Bank", "Tablet", "Noise-Cancelling Headphones", "Action Camera", "E-Reader"],
                 variants: ["", "Pro", "Lite"]),
        Category(name: "Phone Accessories", minPrice: 500, maxPrice: 6000,
                 items: ["Phone Case", "USB-C Cable", "Fast Charger", "Screen Protector", "Car Mount", "Wireless Charging Pad", "Selfie Stick"],
                 variants: ["Black", "White", "Blue"]),
        Category(name: "Fashion", minPrice: 1200, maxPrice: 15000,
                 items: ["Cotton T-Shirt", "Denim Jacket", "Summer Dress", "Linen Shirt", "Hoodie", "Chinos", "Silk Scarf", "Kurta"],
                 variants: ["S", "M", "L"]),
        Category(name: "Shoes", minPrice: 2500, maxPrice: 22000,
                 items: ["Running Shoes", "Leather Sandals", "Canvas Sneakers", "Ankle Boots", "Slip-On Loafers", "Flip-Flops"],
                 variants: ["", "Classic", "Sport"]),
        Category(name: "Beauty", minPrice: 600, maxPrice: 9000,
                 items: ["Face Serum", "Sunscreen SPF 50", "Lip Balm", "Hair Oil", "Perfume", "Moisturiser", "Clay Mask"],
                 variants: ["30 ml", "50 ml", "100 ml"]),
        Category(name: "Home & Kitchen", minPrice: 900, maxPrice: 40000,
                 items: ["Non-Stick Pan", "Coffee Maker", "Blender", "Bed Sheet Set", "Scented Candle", "Air Fryer", "Water Bottle"],
                 variants: ["", "Deluxe", "Compact"]),
        Category(name: "Groceries", minPrice: 150, maxPrice: 3500,
                 items: ["Basmati Rice", "Ground Coffee", "Green Tea", "Olive Oil", "Dark Chocolate", "Mixed Nuts", "Honey"],
                 variants: ["250 g", "500 g", "1 kg"]),
        Category(name: "Sports & Outdoors", minPrice: 1000, maxPrice: 30000,
                 items: ["Yoga Mat", "Dumbbell Set", "Football", "Camping Tent", "Cycling Helmet", "Resistance Bands"],
                 variants: ["", "Pro", "Kids"]),
        Category(name: "Toys & Games", minPrice: 700, maxPrice: 12000,
                 items: ["Building Blocks", "Board Game", "Puzzle 1000 Pieces", "Remote Control Car", "Plush Bear", "Card Game"],
                 variants: ["", "Deluxe", "Travel"]),
        Category(name: "Books", minPrice: 500, maxPrice: 4500,
                 items: ["Cookbook", "Mystery Novel", "Children's Picture Book", "Business Guide", "Travel Guide", "Poetry Collection"],
                 variants: ["Paperback", "Hardcover", "Gift Edition"]),
        Category(name: "Health", minPrice: 400, maxPrice: 8000,
                 items: ["Multivitamin", "Protein Powder", "Digital Thermometer", "First Aid Kit", "Omega-3 Capsules", "Massage Gun"],
                 variants: ["", "Family", "Travel"]),
        Category(name: "Jewellery", minPrice: 1500, maxPrice: 120000,
                 items: ["Silver Earrings", "Gold Chain", "Charm Bracelet", "Pearl Necklace", "Men's Watch", "Gemstone Ring"],
                 variants: ["", "Classic", "Limited"]),
    ]

    /// Units of the workspace currency per US dollar, for pricing (unknown currencies price as USD).
    static let currencyPerDollar: [String: Double] = [
        "USD": 1, "EUR": 0.92, "GBP": 0.79, "INR": 83, "BRL": 5, "IDR": 15500, "MXN": 17, "NGN": 1500, "ZAR": 18, "TRY": 32,
        "AED": 3.67, "SAR": 3.75, "EGP": 48, "CHF": 0.88, "CAD": 1.36, "AUD": 1.5, "SGD": 1.34, "PHP": 56, "KES": 130, "PKR": 280,
        "JPY": 1.5, "KRW": 13.5, "CLP": 9, "VND": 250, "ISK": 1.4, "HUF": 3.6,
    ]

    /// Campaign themes by month of sending (January first), plus themes for any month.
    static let monthlyThemes = [
        "New Year Deals", "Valentine's Specials", "Spring Sale", "Easter Offers", "Mother's Day Gifts", "Summer Sale",
        "Mid-Year Clearance", "Back to School", "Autumn Collection", "Diwali Festival", "Black Friday", "Holiday Gifts",
    ]
    static let anytimeThemes = [
        "Flash Sale", "Weekend Deals", "VIP Early Access", "New Arrivals", "We Miss You", "Loyalty Rewards", "Free Shipping Week",
        "Members Only", "Price Drop Alert", "Bundle & Save",
    ]
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    /// Tags and how often a contact carries each (per mille); "vip" comes from spending instead.
    static let tags: [(String, Int)] = [
        ("newsletter", 320), ("returning", 220), ("promo-2026", 160), ("app-user", 110), ("wholesale", 35), ("black-friday-2025", 90),
    ]

    static let consentSources: [(String, Int)] = [("checkout", 40), ("web_form", 25), ("whatsapp_keyword", 15), ("import", 15), ("store", 5)]
}
