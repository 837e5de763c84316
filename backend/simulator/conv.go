package simulator

import (
	"math/rand/v2"
	"time"
)

// stepKind is one event in a conversation's script.
type stepKind uint8

const (
	kStarted stepKind = iota
	// assistant messages
	kAGreeting
	kAAskPurpose
	kAAskTerm
	kAAskName
	kAAskDobAddress
	kAAskContact
	kAAskID
	kAAskConsent
	kAExplainConsent
	kAStatementsWait
	kAOffer
	kANudge
	kAClosing
	kADeclined
	kAWithdrawn
	// customer messages
	kUAmount
	kUPurpose
	kUTerm
	kUName
	kUDobAddress
	kUContact
	kUID
	kUConsentQuestion
	kUConsentYes
	kUConsentNo
	kUAccept
	kUReject
	// applicationDetail_changed deltas
	kDLoan
	kDTerm
	kDName
	kDPersonal
	kDContact
	kDDocument
	kDConsent
	kDStatements
	kDCounter
	kDAccepted
	kDOutcome
	// assessments, noticeboard, decision, summary
	kXIdentity
	kXService
	kXFraud
	kXOther
	kNIdentityStart
	kNIdentityDone
	kNStatements
	kNService
	kNServiceUpdate
	kNFraud
	kNCompliance
	kNDecision
	kFDecision
	kSummary
	// other agents' chatter
	kHIdentity
	kHStatements
	kHSystem
	// Messy only: unknown type and broken events
	kDebug
	kBrokenJSON
	kBrokenNoCid
	kBrokenArray
)

// isUser reports whether the step is a customer message; abandoned
// conversations stop just before one.
func (k stepKind) isUser() bool { return k >= kUAmount && k <= kUReject }

type outcome uint8

const (
	outApproved outcome = iota
	outDeclined
	outWithdrawn
)

type step struct {
	kind stepKind
	at   int64 // unix ms
}

// conv is one conversation in flight. Its content comes from r and its
// quirks from q, both seeded from (seed, index) alone.
type conv struct {
	idx           int
	cid, aid, uid string
	p             *persona
	r, q          *rand.Rand
	messy         bool
	now           time.Time // anchor, for relative dates

	purpose           loanPurpose
	phrase            string
	amount, offer     int64 // cents
	term              int
	purposeLater      bool // customer gives the amount first, purpose when asked
	askTerm           bool
	consentQuestion   bool
	withdrawAtConsent bool
	otherAssessment   string
	serviceRepost     bool
	bank              string

	idDecision, sanctions, pep string
	income, expenses           int64 // cents per month
	serviceable                bool
	maxLoan                    int64
	fraudScore                 float64
	fraudHigh                  bool
	out                        outcome
	reason                     string

	steps    []step
	next     int
	seq      int
	lastAsst int   // seq of the last assistant message, for prev_seq
	at       int64 // time of the step being rendered
}

func (c *conv) decideLoan(cat *catalog) {
	r := c.r
	c.purpose = pick(r, cat.purposes)
	c.phrase = pick(r, c.purpose.phrases)
	if chance(r, 0.7) {
		c.amount = int64(4+r.IntN(37)) * 5000 // $200..$2,000 in $50 steps
	} else {
		c.amount = int64(200+r.IntN(1801)) * 100
	}
	c.offer = c.amount
	c.term = pick(r, cat.terms)
	c.purposeLater = chance(r, 0.4)
	c.askTerm = chance(r, 0.5)
	c.consentQuestion = chance(r, 0.15)
	c.serviceRepost = chance(r, 0.35)
	c.bank = pick(r, cat.banks)
	if chance(r, 0.3) {
		c.otherAssessment = pick(r, []string{"affordability_assessment", "affordability_assessment",
			"bankStatement_assessment_results", "creditHistory_assessment"})
	}
}

func (c *conv) decideChecks() {
	r := c.r
	c.idDecision, c.sanctions, c.pep = "PASS", "CLEAR", "NOT_PEP"
	switch {
	case c.p.doc.expired:
		c.idDecision = pick(r, []string{"FAIL", "FAIL", "REFER"})
	case chance(r, 0.02):
		c.idDecision, c.sanctions = "REFER", "POTENTIAL_MATCH"
	case chance(r, 0.01):
		c.idDecision, c.pep = "REFER", "PEP"
	}
	c.income = int64(2200+r.IntN(7300)) * 100
	c.expenses = int64(float64(c.income) * (0.4 + 0.6*r.Float64()))
	surplus := c.income - c.expenses
	c.maxLoan = min(int64(200000), surplus*6/5/5000*5000)
	c.serviceable = surplus > 25000 && c.maxLoan >= 20000
	if c.serviceable {
		c.offer = min(c.amount, c.maxLoan)
	}
	c.fraudHigh = chance(r, 0.04)
	c.fraudScore = float64(1+r.IntN(18)) / 100
	if c.fraudHigh {
		c.fraudScore = float64(60+r.IntN(36)) / 100
	}
}

func (c *conv) decideOutcome() {
	r := c.r
	switch {
	case c.idDecision != "PASS":
		c.out, c.reason = outDeclined, "Identity could not be verified"
		if c.p.doc.expired {
			c.reason = "Identity document has expired"
		}
	case !c.serviceable:
		c.out, c.reason = outDeclined, pick(r, []string{"Insufficient surplus to service the loan",
			"Income could not be verified from statements", "Existing commitments too high"})
	case c.fraudHigh:
		c.out, c.reason = outDeclined, "High fraud risk indicators"
	case chance(r, 0.07):
		c.out, c.reason = outWithdrawn, "Customer withdrew the application"
		c.withdrawAtConsent = chance(r, 0.4)
	default:
		c.out, c.reason = outApproved, "Serviceable, identity verified, low fraud risk"
	}
}

// fee is 5% of the offered amount, rounded to cents, as the broker charges.
func (c *conv) fee() int64 { return (c.offer*5 + 50) / 100 }
