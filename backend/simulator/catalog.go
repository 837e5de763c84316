package simulator

// catalog holds the read-only vocabulary conversations are drawn from. It is
// built once per Generator rather than kept in package variables.
type catalog struct {
	cultures    []culture
	weights     []int // relative frequency of each culture
	nicknames   map[string]string
	streets     []string
	streetTypes []string
	suburbs     []suburb
	purposes    []loanPurpose
	terms       []int
	domains     []string
	banks       []string
}

// culture groups names that plausibly occur together, so that a customer's
// first and last names usually match.
type culture struct {
	male, female, last []string
	maleMiddle         []string // defaults to male when nil
	femaleMiddle       []string // defaults to female when nil
}

type suburb struct{ name, state, postcode string }

// loanPurpose pairs the broker's normalised purpose with the ways customers
// actually say it.
type loanPurpose struct {
	name    string
	phrases []string
}

func newCatalog() *catalog {
	c := &catalog{
		cultures:  cultures(),
		weights:   []int{34, 6, 4, 7, 7, 9, 4, 5, 2, 3, 3, 2, 2},
		nicknames: nicknames(),
		streets: []string{"Smith", "High", "Church", "Station", "Victoria", "King", "Queen",
			"George", "Railway", "Park", "Bridge", "Main", "Mill", "Elizabeth", "William",
			"Albert", "Market", "Beach", "Ocean", "Hill", "Forest", "Wattle", "Banksia",
			"Acacia", "Jacaranda", "Waratah", "Bottlebrush", "Kookaburra", "Lyons", "Hume",
			"Anzac", "Bay", "River", "Wentworth", "Macquarie", "Flinders", "Sturt", "Hovell",
			"Lachlan", "Chapel", "Sydney", "Brunswick", "Oxford", "Darling", "Grey"},
		streetTypes: []string{"St", "St", "St", "Rd", "Rd", "Ave", "Cres", "Ct", "Dr", "Pde",
			"Pl", "Tce", "Way", "Cl", "Hwy", "Lane", "Blvd", "Gr"},
		suburbs:  suburbs(),
		purposes: purposes(),
		terms:    []int{30, 45, 60, 60, 90, 90, 120, 180},
		domains: []string{"example.com", "example.net", "example.org", "mail.example.com.au",
			"example.com.au"},
		banks: []string{"Commonwealth Bank", "Westpac", "ANZ", "NAB", "ING", "Bendigo Bank",
			"Bank of Queensland", "Suncorp", "Macquarie", "ubank", "Bankwest", "Great Southern Bank"},
	}
	return c
}

func cultures() []culture {
	return []culture{
		{ // Anglo-Celtic
			male: []string{"Jack", "Oliver", "William", "Noah", "Thomas", "James", "Lachlan",
				"Cooper", "Liam", "Ethan", "Harrison", "Mitchell", "Brendan", "Darren", "Shane",
				"Craig", "Riley", "Callum", "Hamish", "Declan"},
			female: []string{"Charlotte", "Olivia", "Amelia", "Isla", "Mia", "Chloe", "Sophie",
				"Emily", "Jessica", "Kylie", "Sarah", "Megan", "Tahlia", "Brooke", "Hannah",
				"Grace", "Zoë", "Renée", "Siobhan", "Elizabeth"},
			last: []string{"Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson",
				"White", "Martin", "Anderson", "Thompson", "Walker", "Kelly", "Ryan", "O'Brien",
				"Murphy", "Campbell", "Stewart", "McDonald", "Robertson", "Harris", "Clarke",
				"Hughes", "Fitzgerald", "Sullivan", "O'Connor", "Baker-Hall"},
		},
		{ // Italian
			male:   []string{"Marco", "Luca", "Giuseppe", "Antonio", "Salvatore", "Matteo"},
			female: []string{"Francesca", "Giulia", "Chiara", "Alessandra", "Rosa", "Lucia"},
			last: []string{"Rossi", "Russo", "Esposito", "Romano", "Colombo", "Ferraro",
				"Bianchi", "Ricci", "Marino", "Greco", "De Luca"},
		},
		{ // Greek
			male:   []string{"Nikolaos", "Georgios", "Dimitri", "Konstantinos", "Christos", "Yianni"},
			female: []string{"Eleni", "Sophia", "Katerina", "Despina", "Anastasia", "Maria"},
			last: []string{"Papadopoulos", "Nikolaou", "Georgiou", "Dimitriou", "Karagiannis",
				"Konstantinidis", "Vlahos", "Christodoulou"},
		},
		{ // Vietnamese
			male:         []string{"Minh", "Tuan", "Thanh", "Huy", "Quang", "Duc"},
			female:       []string{"Linh", "Thu", "Mai", "Ngoc", "Anh", "Huong"},
			last:         []string{"Nguyen", "Tran", "Le", "Pham", "Huynh", "Vo", "Dang", "Bui"},
			maleMiddle:   []string{"Van", "Van", "Duc", "Minh"},
			femaleMiddle: []string{"Thi", "Thi", "Ngoc", "Thu"},
		},
		{ // Chinese
			male:   []string{"Wei", "Jun", "Hao", "Jian", "Zhi", "Kai"},
			female: []string{"Mei", "Xin", "Yan", "Jing", "Ling", "Hui"},
			last: []string{"Wang", "Li", "Zhang", "Chen", "Liu", "Huang", "Zhou", "Wu", "Lin",
				"Chan", "Wong", "Cheung"},
		},
		{ // Indian and Sri Lankan
			male: []string{"Arjun", "Rahul", "Vikram", "Aditya", "Rohan", "Harpreet", "Sanjay",
				"Dinesh"},
			female: []string{"Priya", "Ananya", "Divya", "Kavya", "Sneha", "Anjali", "Gurpreet",
				"Lakshmi"},
			last: []string{"Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Raman",
				"Nair", "Fernando", "Perera", "Kaur"},
		},
		{ // Lebanese and Arabic
			male:   []string{"Mohammed", "Ahmad", "Ali", "Omar", "Karim", "Bilal"},
			female: []string{"Fatima", "Layla", "Mariam", "Nour", "Rania", "Zeinab"},
			last: []string{"Haddad", "Khoury", "Nasser", "Saleh", "Hamad", "Abboud", "Ibrahim",
				"Khalil", "El-Masri"},
		},
		{ // Filipino
			male:   []string{"Jose", "Mark", "Carlo", "Jericho", "Paolo", "Rommel"},
			female: []string{"Angelica", "Maria", "Kristine", "Joy", "Marites", "Princess"},
			last: []string{"Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza", "Aquino",
				"Dela Cruz", "Villanueva"},
		},
		{ // Korean
			male:   []string{"Min-jun", "Ji-hoon", "Hyun-woo", "Seung-ho"},
			female: []string{"Seo-yeon", "Ji-woo", "Min-seo", "Eun-ji"},
			last:   []string{"Kim", "Lee", "Park", "Choi", "Jung", "Kang"},
		},
		{ // Maori and Pacific
			male:   []string{"Tane", "Wiremu", "Sione", "Tevita", "Manaia"},
			female: []string{"Aroha", "Mere", "Losa", "Mele", "Ana"},
			last:   []string{"Ngata", "Parata", "Fonoti", "Tuilagi", "Faleolo", "Taufa", "Walker"},
		},
		{ // African
			male:   []string{"Kwame", "Chinedu", "Tendai", "Abdi", "Samuel", "Deng"},
			female: []string{"Amara", "Nia", "Ayan", "Chipo", "Adut", "Grace"},
			last:   []string{"Mensah", "Okafor", "Moyo", "Abdi", "Osei", "Mohamed", "Garang", "Mbeki"},
		},
		{ // Latin American and Spanish
			male:   []string{"Diego", "Mateo", "José", "Santiago", "Andrés"},
			female: []string{"Camila", "Valentina", "Sofía", "Lucía", "Isabella"},
			last:   []string{"González", "Rodríguez", "Hernández", "López", "Torres", "Silva"},
		},
		{ // German and Dutch
			male:   []string{"Lukas", "Jonas", "Stefan", "Pieter", "Jürgen"},
			female: []string{"Anna", "Lena", "Katrin", "Anneke", "Sabine"},
			last:   []string{"Müller", "Schmidt", "Becker", "Weber", "Van der Berg", "de Vries"},
		},
	}
}

func nicknames() map[string]string {
	return map[string]string{
		"William": "Will", "Thomas": "Tom", "James": "Jimmy", "Elizabeth": "Liz",
		"Jessica": "Jess", "Alessandra": "Alex", "Konstantinos": "Con", "Nikolaos": "Nick",
		"Georgios": "George", "Salvatore": "Sam", "Giuseppe": "Joe", "Mohammed": "Mo",
		"Wei": "David", "Mei": "May", "Min-jun": "Justin", "Seo-yeon": "Sally",
		"Anastasia": "Ana", "Christos": "Chris", "Santiago": "Santi", "Harrison": "Harry",
	}
}

func suburbs() []suburb {
	return []suburb{
		{"Fitzroy", "VIC", "3065"}, {"Richmond", "VIC", "3121"}, {"Footscray", "VIC", "3011"},
		{"Dandenong", "VIC", "3175"}, {"Frankston", "VIC", "3199"}, {"Geelong", "VIC", "3220"},
		{"Ballarat Central", "VIC", "3350"}, {"Bendigo", "VIC", "3550"}, {"Sunshine", "VIC", "3020"},
		{"Werribee", "VIC", "3030"}, {"Box Hill", "VIC", "3128"}, {"Preston", "VIC", "3072"},
		{"Parramatta", "NSW", "2150"}, {"Blacktown", "NSW", "2148"}, {"Liverpool", "NSW", "2170"},
		{"Bankstown", "NSW", "2200"}, {"Newtown", "NSW", "2042"}, {"Bondi", "NSW", "2026"},
		{"Penrith", "NSW", "2750"}, {"Cabramatta", "NSW", "2166"}, {"Newcastle", "NSW", "2300"},
		{"Wollongong", "NSW", "2500"}, {"Dubbo", "NSW", "2830"}, {"Wagga Wagga", "NSW", "2650"},
		{"Chatswood", "NSW", "2067"}, {"Hurstville", "NSW", "2220"}, {"Fortitude Valley", "QLD", "4006"},
		{"Logan Central", "QLD", "4114"}, {"Ipswich", "QLD", "4305"}, {"Southport", "QLD", "4215"},
		{"Townsville City", "QLD", "4810"}, {"Cairns City", "QLD", "4870"},
		{"Toowoomba City", "QLD", "4350"}, {"Mackay", "QLD", "4740"}, {"Chermside", "QLD", "4032"},
		{"Caboolture", "QLD", "4510"}, {"Fremantle", "WA", "6160"}, {"Joondalup", "WA", "6027"},
		{"Midland", "WA", "6056"}, {"Rockingham", "WA", "6168"}, {"Bunbury", "WA", "6230"},
		{"Mirrabooka", "WA", "6061"}, {"Kalgoorlie", "WA", "6430"}, {"Elizabeth", "SA", "5112"},
		{"Salisbury", "SA", "5108"}, {"Glenelg", "SA", "5045"}, {"Mount Gambier", "SA", "5290"},
		{"Port Adelaide", "SA", "5015"}, {"Modbury", "SA", "5092"}, {"Glenorchy", "TAS", "7010"},
		{"Launceston", "TAS", "7250"}, {"Devonport", "TAS", "7310"}, {"Hobart", "TAS", "7000"},
		{"Belconnen", "ACT", "2617"}, {"Gungahlin", "ACT", "2912"}, {"Kambah", "ACT", "2902"},
		{"Palmerston", "NT", "0830"}, {"Darwin City", "NT", "0800"}, {"Alice Springs", "NT", "0870"},
		{"Casuarina", "NT", "0810"},
	}
}

func purposes() []loanPurpose {
	return []loanPurpose{
		{"Car registration", []string{"car rego", "my rego renewal", "registration for my ute"}},
		{"Car repairs", []string{"fixing my car", "car repairs", "a new clutch", "my car service"}},
		{"Vet bills", []string{"vet bills", "my dog's surgery", "the vet, my cat is sick"}},
		{"Dental work", []string{"a dentist bill", "dental work", "a root canal"}},
		{"Utility bills", []string{"my power bill", "the electricity bill", "gas and water bills"}},
		{"Rent shortfall", []string{"rent", "catching up on rent", "bond for a new place"}},
		{"Moving costs", []string{"moving house", "a removalist", "moving costs"}},
		{"School costs", []string{"school uniforms", "school fees and books", "the kids' school camp"}},
		{"Phone repair", []string{"a cracked phone screen", "replacing my phone"}},
		{"Medical expenses", []string{"a specialist appointment", "medical bills", "physio"}},
		{"Travel", []string{"flights home for a funeral", "visiting family interstate"}},
		{"Appliance replacement", []string{"a new fridge", "the washing machine died", "a new heater"}},
		{"Car insurance", []string{"car insurance", "my insurance excess"}},
		{"Course fees", []string{"a TAFE course", "my forklift licence course"}},
		{"Tyres", []string{"new tyres", "two tyres for the car"}},
	}
}
