package simulator

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// persona is one customer. It is derived only from (seed, customer index), so
// a returning customer looks the same in every conversation they start.
type persona struct {
	customerID                  string
	title, first, middle, last  string
	preferred                   string
	email, mobile               string
	dob                         time.Time
	addr                        address
	doc                         document
	ekycID                      string
	tfn                         string // leaked by the producer in some deltas
	leaksTFN, emailAsked, staff bool
	individualStatus            string
}

type address struct {
	unit, number, street, streetType string
	sub                              suburb
	dpid                             string
}

type document struct {
	kind, subtype  string // DRIVERS_LICENCE, PASSPORT or MEDICARE
	number, card   string
	state, country string
	expiry         time.Time
	expired        bool
}

// pick returns a uniformly chosen element.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// digits returns n random decimal digits.
func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// pattern fills a template: D is a digit, L an upper-case letter.
func pattern(r *rand.Rand, p string) string {
	b := []byte(p)
	for i, c := range b {
		switch c {
		case 'D':
			b[i] = byte('0' + r.IntN(10))
		case 'L':
			b[i] = byte('A' + r.IntN(26))
		}
	}
	return string(b)
}

func weighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func newPersona(cat *catalog, ids idSpace, seed int64, customer int, now time.Time) *persona {
	r := newRand(seed, saltPersona, customer)
	p := &persona{customerID: ids.customerID(customer)}
	p.name(cat, r)
	p.dob = birthDate(r, now)
	p.contact(cat, r)
	p.addr = newAddress(cat, r)
	p.doc = newDocument(r, p.addr.sub.state, now)
	p.ekycID = "frk-" + digits(r, 5)
	p.tfn = taxFileNumber(r)
	p.leaksTFN = chance(r, 0.35)
	p.staff = chance(r, 0.01)
	p.individualStatus = "LIVING"
	return p
}

func (p *persona) name(cat *catalog, r *rand.Rand) {
	cu := cat.cultures[weighted(r, cat.weights)]
	female := chance(r, 0.5)
	first, middles, titles := cu.male, cu.maleMiddle, []string{"Mr", "Mr", "Mr", "Dr", "Mx"}
	if female {
		first, middles, titles = cu.female, cu.femaleMiddle, []string{"Ms", "Mrs", "Miss", "Ms", "Dr", "Mx"}
	}
	if middles == nil {
		middles = first
	}
	p.title, p.first = pick(r, titles), pick(r, first)
	if chance(r, 0.65) {
		if p.middle = pick(r, middles); p.middle == p.first {
			p.middle = ""
		}
	}
	p.last = pick(r, cu.last)
	if chance(r, 0.1) { // a double-barrelled or partner's surname from another culture
		p.last += "-" + pick(r, pick(r, cat.cultures).last)
	}
	if nick, ok := cat.nicknames[p.first]; ok && chance(r, 0.5) {
		p.preferred = nick
	}
}

func (p *persona) contact(cat *catalog, r *rand.Rand) {
	first, last := emailPart(p.first), emailPart(p.last)
	domain := pick(r, cat.domains)
	switch r.IntN(5) {
	case 0:
		p.email = first + "." + last + "@" + domain
	case 1:
		p.email = first + last + strconv.Itoa(p.dob.Year())[2:] + "@" + domain
	case 2:
		p.email = first[:1] + "." + last + "@" + domain
	case 3:
		p.email = first + "_" + last + strconv.Itoa(p.dob.Year()) + "@" + domain
	default:
		p.email = last + "." + first + "@" + domain
	}
	p.mobile = "+614" + digits(r, 8)
	p.emailAsked = chance(r, 0.5)
}

// emailPart folds a name to the lower-case ASCII letters people use in email
// addresses ("O'Brien" -> "obrien", "Zoë" -> "zoe").
func emailPart(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z':
			b.WriteRune(c)
		case strings.ContainsRune("áàâä", c):
			b.WriteByte('a')
		case strings.ContainsRune("éèêë", c):
			b.WriteByte('e')
		case strings.ContainsRune("íìîï", c):
			b.WriteByte('i')
		case strings.ContainsRune("óòôö", c):
			b.WriteByte('o')
		case strings.ContainsRune("úùûü", c):
			b.WriteByte('u')
		}
	}
	if b.Len() == 0 {
		return "customer"
	}
	return b.String()
}

func birthDate(r *rand.Rand, now time.Time) time.Time {
	age := 18 + r.IntN(55)
	return time.Date(now.Year()-age, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
}

func newAddress(cat *catalog, r *rand.Rand) address {
	a := address{
		number:     strconv.Itoa(1 + r.IntN(250)),
		street:     pick(r, cat.streets),
		streetType: pick(r, cat.streetTypes),
		sub:        pick(r, cat.suburbs),
		dpid:       strconv.Itoa(30000000 + r.IntN(69999999)),
	}
	if chance(r, 0.3) {
		a.unit = strconv.Itoa(1 + r.IntN(40))
	}
	if chance(r, 0.15) {
		a.number += string(rune('A' + r.IntN(3)))
	}
	return a
}

// licenceFormats gives each state's driver licence and card number shapes.
func licenceFormat(state string) (number, card string) {
	switch state {
	case "NSW":
		return "DDDDDDDD", "DDDDDDDDDD"
	case "VIC":
		return "0DDDDDDDD", "LDDDDDDD"
	case "QLD":
		return "DDDDDDDDD", "LLDDDDDDDD"
	case "WA":
		return "DDDDDDD", "LLDDDDDDD"
	case "SA":
		return "LDDDDD", "CDDDDDDDD"
	case "TAS":
		return "LLDDDD", "DDDDDDDDD"
	case "ACT":
		return "DDDDDDDDDD", "DDDDDDDDDD"
	default:
		return "DDDDDDD", "DDDDDDDD"
	}
}

func newDocument(r *rand.Rand, state string, now time.Time) document {
	d := document{country: "AU"}
	valid := time.Duration(30+r.IntN(5*365)) * 24 * time.Hour
	switch n := r.IntN(100); {
	case n < 68:
		num, card := licenceFormat(state)
		d.kind, d.state = "DRIVERS_LICENCE", state
		d.number, d.card = pattern(r, num), pattern(r, card)
	case n < 93:
		d.kind = "PASSPORT"
		d.number = pattern(r, pick(r, []string{"PADDDDDDD", "PBDDDDDDD", "NDDDDDDD", "RADDDDDDD"}))
		valid *= 2
	default:
		d.kind, d.subtype = "MEDICARE", "GREEN"
		d.number, d.card = pattern(r, "DDDDDDDDDD"), strconv.Itoa(1+r.IntN(5))
	}
	if chance(r, 0.07) { // a few customers offer an expired document
		valid = -time.Duration(10+r.IntN(600)) * 24 * time.Hour
		d.expired = true
	}
	y, m, day := now.Add(valid).Date()
	d.expiry = time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	return d
}

// fullName is first + middle + last, as the customer would type it.
func (p *persona) fullName() string {
	if p.middle == "" {
		return p.first + " " + p.last
	}
	return p.first + " " + p.middle + " " + p.last
}

// callName is how the assistant addresses the customer.
func (p *persona) callName() string {
	if p.preferred != "" {
		return p.preferred
	}
	return p.first
}
