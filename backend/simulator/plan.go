package simulator

// planner lays out a conversation's steps and their times. Decisions are made
// up front (from the conversation's own RNG) so that rendering can be lazy.
type planner struct {
	c *conv
	t int64 // ms
}

func (pl *planner) add(k stepKind, minGap, maxGap int64) {
	pl.t += minGap + pl.c.r.Int64N(maxGap-minGap+1)
	pl.c.steps = append(pl.c.steps, step{kind: k, at: pl.t})
}

// Gaps in ms: the assistant answers in seconds, customers take seconds to a
// minute to type (and now and then wander off for a few minutes), the broker
// writes deltas right after a customer message, checks take a little longer.
func (pl *planner) assistant(k stepKind) { pl.add(k, 900, 4000) }
func (pl *planner) delta(k stepKind)     { pl.add(k, 250, 1200) }
func (pl *planner) agent(k stepKind)     { pl.add(k, 200, 3000) }
func (pl *planner) check(k stepKind)     { pl.add(k, 2000, 25000) }

func (pl *planner) user(k stepKind) {
	if chance(pl.c.r, 0.03) {
		pl.add(k, 3*60_000, 7*60_000)
		return
	}
	pl.add(k, 5000, 60000)
}

// plan builds the whole script for a conversation starting at start (ms).
func (c *conv) plan(start int64) {
	c.steps = make([]step, 0, 48)
	pl := &planner{c: c, t: start}
	c.steps = append(c.steps, step{kind: kStarted, at: start})
	pl.assistant(kAGreeting)
	pl.user(kUAmount)
	if c.purposeLater {
		pl.assistant(kAAskPurpose)
		pl.user(kUPurpose)
	}
	pl.delta(kDLoan)
	if c.askTerm {
		pl.assistant(kAAskTerm)
		pl.user(kUTerm)
		pl.delta(kDTerm)
	}
	pl.identity()
	if c.idDecision == "PASS" && pl.statements() && pl.checks() {
		pl.offer()
	}
	c.abandon(pl)
	c.addQuirkSteps()
}

func (pl *planner) identity() {
	c := pl.c
	pl.assistant(kAAskName)
	pl.user(kUName)
	pl.delta(kDName)
	pl.assistant(kAAskDobAddress)
	pl.user(kUDobAddress)
	pl.delta(kDPersonal)
	if c.p.emailAsked {
		pl.assistant(kAAskContact)
		pl.user(kUContact)
		pl.delta(kDContact)
	}
	pl.agent(kNIdentityStart)
	pl.assistant(kAAskID)
	pl.user(kUID)
	pl.delta(kDDocument)
	pl.check(kXIdentity)
	pl.agent(kNIdentityDone)
	if chance(c.r, 0.5) {
		pl.agent(kHIdentity)
	}
	if c.idDecision != "PASS" {
		pl.declined()
	}
}

// statements plays the consent and capture stage; false when the
// conversation ended there.
func (pl *planner) statements() bool {
	c := pl.c
	pl.assistant(kAAskConsent)
	if c.consentQuestion {
		pl.user(kUConsentQuestion)
		pl.assistant(kAExplainConsent)
	}
	if c.out == outWithdrawn && c.withdrawAtConsent {
		pl.user(kUConsentNo)
		pl.withdrawn()
		return false
	}
	pl.user(kUConsentYes)
	pl.delta(kDConsent)
	pl.assistant(kAStatementsWait)
	if chance(c.r, 0.6) {
		pl.agent(kHStatements)
	}
	pl.check(kNStatements)
	pl.delta(kDStatements)
	return true
}

// checks runs serviceability, fraud and any other assessment; false when
// the application was declined.
func (pl *planner) checks() bool {
	c := pl.c
	pl.check(kXService)
	pl.agent(kXFraud)
	if c.otherAssessment != "" {
		pl.agent(kXOther)
	}
	pl.agent(kNService)
	if c.serviceRepost {
		pl.check(kNServiceUpdate)
	}
	pl.agent(kNFraud)
	if chance(c.r, 0.25) {
		pl.agent(kNCompliance)
	}
	if c.out == outDeclined {
		pl.declined()
		return false
	}
	return true
}

func (pl *planner) offer() {
	c := pl.c
	if c.offer < c.amount {
		pl.delta(kDCounter)
	}
	pl.assistant(kAOffer)
	if c.out == outWithdrawn {
		pl.user(kUReject)
		pl.withdrawn()
		return
	}
	pl.user(kUAccept)
	pl.delta(kDAccepted)
	pl.agent(kNDecision)
	pl.agent(kFDecision)
	pl.agent(kSummary)
	pl.assistant(kAClosing)
}

func (pl *planner) declined() {
	pl.agent(kNDecision)
	pl.delta(kDOutcome)
	pl.agent(kFDecision)
	pl.agent(kSummary)
	pl.assistant(kADeclined)
}

func (pl *planner) withdrawn() {
	if chance(pl.c.r, 0.5) {
		pl.agent(kFDecision)
	}
	pl.agent(kSummary)
	pl.assistant(kAWithdrawn)
}

// abandon cuts about a quarter of conversations just before a customer
// message that never comes; some get a nudge from the assistant first.
func (c *conv) abandon(pl *planner) {
	if !chance(c.r, 0.25) {
		return
	}
	var users []int
	for i, s := range c.steps {
		if s.kind.isUser() {
			users = append(users, i)
		}
	}
	cut := users[c.r.IntN(len(users))]
	c.steps = c.steps[:cut]
	if chance(c.r, 0.4) {
		pl.t = c.steps[cut-1].at
		pl.add(kANudge, 2*60_000, 5*60_000)
	}
	if chance(c.r, 0.3) {
		pl.t = c.steps[len(c.steps)-1].at
		pl.add(kHSystem, 30_000, 10*60_000)
	}
}

// addQuirkSteps inserts, with Messy, an unknown broker type or a broken event
// into a few conversations, between two existing steps.
func (c *conv) addQuirkSteps() {
	if !c.messy {
		return
	}
	extras := []struct {
		kind stepKind
		p    float64
	}{{kDebug, 0.06}, {kBrokenJSON, 0.012}, {kBrokenNoCid, 0.012}, {kBrokenArray, 0.012}}
	for _, e := range extras {
		if chance(c.q, e.p) {
			c.insertStep(1+c.q.IntN(len(c.steps)-1), e.kind)
		}
	}
}

// insertStep places kind just after steps[i-1], keeping times non-decreasing.
func (c *conv) insertStep(i int, kind stepKind) {
	at := c.steps[i-1].at
	if i < len(c.steps) && c.steps[i].at-at > 2 {
		at += 1 + c.q.Int64N(c.steps[i].at-at-1)
	}
	c.steps = append(c.steps, step{})
	copy(c.steps[i+1:], c.steps[i:])
	c.steps[i] = step{kind: kind, at: at}
}
