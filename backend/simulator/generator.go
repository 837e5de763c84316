package simulator

import (
	"fmt"
	"maps"
	"strconv"
	"time"
)

// Entry is one stream entry: Fields exactly as XADD carries them (agt, typ,
// cid, aid, uid, seq, tsp, dat) and At, the time it is due to be published.
// At equals the event time except for re-published duplicates, which keep
// the original tsp and come a little later.
type Entry struct {
	Fields map[string]string
	At     time.Time
}

// Generator produces the entries of many conversations merged in At order.
// It is not safe for concurrent use.
type Generator struct {
	opts Options
	cat  *catalog
	ids  idSpace
	h    cursorHeap
	w    jsonw
	tsp  []byte
}

// New builds a Generator. Only the start time of each conversation is
// computed up front; a conversation's script is made when it starts and
// dropped when it ends.
func New(opts Options) (*Generator, error) {
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("simulator options: %w", err)
	}
	if opts.Start.IsZero() {
		opts.Start = time.Now()
	}
	g := &Generator{
		opts: opts,
		cat:  newCatalog(),
		ids:  newIDSpace(opts.Seed, opts.Conversations),
		w:    jsonw{b: make([]byte, 0, 4096)},
	}
	g.h = make(cursorHeap, 0, opts.Conversations)
	anchor := opts.Start.UnixMilli()
	key := mix64(uint64(opts.Seed) ^ saltStart)
	for i := range opts.Conversations {
		u1 := unit(mix64(key + uint64(2*i)))
		u2 := unit(mix64(key + uint64(2*i+1)))
		g.h = append(g.h, cursor{at: anchor + opts.startOffset(u1, u2), idx: int32(i)})
	}
	g.h.init()
	return g, nil
}

// unit maps a hash to [0,1).
func unit(x uint64) float64 { return float64(x>>11) / (1 << 53) }

// Next returns the next entry in At order, and false when every
// conversation has ended.
func (g *Generator) Next() (Entry, bool) {
	if len(g.h) == 0 {
		return Entry{}, false
	}
	top := &g.h[0]
	if top.dup != nil {
		e := *top.dup
		g.h.pop()
		return e, true
	}
	if top.c == nil {
		top.c = g.startConversation(int(top.idx), top.at)
	}
	c := top.c
	e, dup := g.emit(c, c.steps[c.next])
	if c.next++; c.next < len(c.steps) {
		top.at, top.ord = c.steps[c.next].at, int32(c.next)
		g.h.down(0)
	} else {
		g.h.pop()
	}
	if dup != nil {
		g.h.push(cursor{at: dup.At.UnixMilli(), idx: int32(c.idx), ord: dupOrd + int32(c.next), dup: dup})
	}
	return e, true
}

// dupOrd orders a duplicate after any regular step of its conversation that
// falls in the same millisecond.
const dupOrd = 1 << 20

func (g *Generator) startConversation(i int, start int64) *conv {
	c := &conv{
		idx:   i,
		cid:   g.ids.conversationID(i),
		aid:   g.ids.applicationNumber(i),
		r:     newRand(g.opts.Seed, saltContent, i),
		q:     newRand(g.opts.Seed, saltQuirks, i),
		messy: g.opts.Messy,
		now:   g.opts.Start,
	}
	customer := i
	if i > 0 && chance(c.r, 0.05) { // a returning customer with a new application
		customer = i - 1 - c.r.IntN(min(i, 500))
	}
	c.p = newPersona(g.cat, g.ids, g.opts.Seed, customer, g.opts.Start)
	c.uid = c.p.customerID
	c.decideLoan(g.cat)
	c.decideChecks()
	c.decideOutcome()
	c.plan(start)
	return c
}

// emit renders one step into an Entry, applying Messy envelope quirks. It
// returns a second entry when the step is re-published.
func (g *Generator) emit(c *conv, s step) (Entry, *Entry) {
	if s.kind.isBroker() {
		c.seq++
	}
	c.at = s.at
	ev := c.render(&g.w, s.kind)
	if ev.agt == "" {
		ev.agt = "broker"
	}
	f := make(map[string]string, 8)
	f["agt"], f["typ"] = ev.agt, ev.typ
	f["cid"], f["aid"], f["uid"], f["seq"] = c.cid, c.aid, c.uid, ""
	if ev.agt == "broker" {
		f["seq"] = strconv.Itoa(c.seq)
	}
	if ev.global {
		f["cid"], f["aid"], f["uid"] = "", "", ""
	}
	if ev.noCid {
		delete(f, "cid")
	}
	g.tsp, f["tsp"] = tspString(g.tsp, s.at)
	e := Entry{Fields: f, At: time.UnixMilli(s.at).UTC()}
	if !c.messy {
		f["dat"] = string(ev.dat)
		return e, nil
	}
	return e, c.quirks(e, ev)
}

// quirks applies the envelope-level producer quirks to a broker event and
// returns a re-published copy when this event is duplicated.
func (c *conv) quirks(e Entry, ev event) *Entry {
	f, q := e.Fields, c.q
	dat := ev.dat
	if ev.agt != "broker" || ev.noCid || len(dat) == 0 || dat[0] != '{' {
		f["dat"] = string(dat)
		return nil
	}
	if chance(q, 0.02) { // ids only inside dat, envelope aid/uid empty
		f["aid"], f["uid"] = "", ""
		dat = withIDs(dat, c.aid, c.uid)
	}
	if chance(q, 0.02) { // dat double-encoded
		dat = appendJSONString(nil, string(dat))
	}
	f["dat"] = string(dat)
	if chance(q, 0.02) {
		f["seq"] = ""
	}
	if chance(q, 0.03) {
		c.skewTsp(f, e.At)
	}
	if ev.typ == "conversation_started" || !chance(q, 0.02) {
		return nil
	}
	dup := Entry{Fields: maps.Clone(f), At: e.At.Add(time.Duration(1000+q.IntN(30000)) * time.Millisecond)}
	return &dup
}

// skewTsp removes tsp or writes it without a zone or with a local offset.
func (c *conv) skewTsp(f map[string]string, at time.Time) {
	switch c.q.IntN(3) {
	case 0:
		delete(f, "tsp")
	case 1:
		f["tsp"] = at.Format("2006-01-02T15:04:05")
	default:
		zone := time.FixedZone("", (10+c.q.IntN(2))*3600)
		f["tsp"] = at.In(zone).Format("2006-01-02 15:04:05.9-07:00")
	}
}

// withIDs adds applicationNumber and customerId to a JSON object unless the
// payload already names the application.
func withIDs(dat []byte, aid, uid string) []byte {
	s := string(dat)
	if containsAny(s, `"applicationNumber"`, `"application_number"`) {
		return dat
	}
	var w jsonw
	w.obj()
	w.kstr("applicationNumber", aid)
	w.kstr("customerId", uid)
	if s == "{}" {
		w.end()
		return w.b
	}
	w.b = append(w.b, ", "...)
	return append(w.b, s[1:]...)
}
