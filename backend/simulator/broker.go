package simulator

import (
	"fmt"
	"math"
	"strings"
)

// writeBroker writes assessments, noticeboard posts, the final decision and
// the summary, and returns the event type.
func (c *conv) writeBroker(w *jsonw, k stepKind) string {
	w.obj()
	defer w.end()
	switch k {
	case kXIdentity:
		c.writeIdentity(w)
		return "identityRisk_assessment"
	case kXService:
		c.writeServiceability(w)
		return "serviceability_assessment_results"
	case kXFraud:
		c.writeFraud(w)
		if c.messy && chance(c.q, 0.1) { // producer quirk: older type name
			return "fraudCheck_assessment"
		}
		return "fraudCheck_results"
	case kXOther:
		c.writeOther(w)
		return c.otherAssessment
	case kFDecision:
		c.writeDecision(w)
		return "final_decision"
	case kSummary:
		c.writeSummary(w)
		return "conversation_summary"
	}
	c.writeNotice(w, k)
	return "noticeboard_updated"
}

func (c *conv) writeIdentity(w *jsonw) {
	w.kstr("application_number", c.aid)
	w.kstr("customer_id", c.uid)
	w.kstr("decision", c.idDecision)
	w.kstr("ekyc_entity_id", c.p.ekycID)
	w.kstr("created_at", isoShort(c.at))
	w.kstr("sanctionsResult", c.sanctions)
	w.kstr("pepResult", c.pep)
	w.key("checkedCustomer")
	w.obj()
	w.kstr("customer_id", c.uid)
	w.kstr("first_name", c.p.first)
	w.kstr("last_name", c.p.last)
	w.kstr("date_of_birth", c.p.dob.Format("2006-01-02"))
	w.kstr("ekyc_entity_id", c.p.ekycID)
	status := "VERIFIED"
	if c.idDecision != "PASS" {
		status = "FAILED"
	}
	w.kstr("ekyc_status", status)
	w.end()
}

func (c *conv) writeServiceability(w *jsonw) {
	w.kstr("application_number", c.aid)
	w.kmoney("monthly_income", c.income)
	w.kmoney("monthly_expenses", c.expenses)
	w.kmoney("surplus", c.income-c.expenses)
	w.kbool("serviceable", c.serviceable)
	if c.serviceable {
		w.kmoney("max_loan", c.maxLoan)
	} else {
		w.kint("max_loan", 0)
	}
	w.kstr("institution", c.bank)
	w.kint("statement_days", 90)
}

func (c *conv) writeFraud(w *jsonw) {
	w.kstr("application_number", c.aid)
	w.kfloat("score", c.fraudScore)
	if c.fraudHigh {
		w.kstr("result", "HIGH_RISK")
		w.kstrs("signals", pick(c.r, []string{"device_mismatch", "velocity_check", "email_age_low"}), "ip_geolocation_mismatch")
		return
	}
	w.kstr("result", "LOW_RISK")
	w.kstrs("signals")
}

func (c *conv) writeOther(w *jsonw) {
	w.kstr("application_number", c.aid)
	switch c.otherAssessment {
	case "affordability_assessment":
		// repayments per month over monthly income, to three decimals
		months := max(float64(c.term)/30, 1)
		ratio := float64(c.offer+c.fee()) / months / float64(max(c.income, 1))
		w.kfloat("repayment_to_income_ratio", math.Round(ratio*1000)/1000)
		w.kstr("outcome", passFail(c.serviceable))
	case "bankStatement_assessment_results":
		w.kint("gambling_transactions", c.r.IntN(4))
		w.kint("dishonours", c.r.IntN(2))
		w.kint("payday_lenders", c.r.IntN(3))
	default: // creditHistory_assessment, consistent with the outcome
		score, defaults := 560+c.r.IntN(300), 0
		if c.out == outDeclined {
			score, defaults = 350+c.r.IntN(300), c.r.IntN(3)
		}
		w.kint("credit_score", score)
		w.kint("defaults", defaults)
	}
}

func (c *conv) writeDecision(w *jsonw) {
	key := "decision"
	if c.messy && chance(c.q, 0.1) { // producer quirk: outcome instead of decision
		key = "outcome"
	}
	w.kstr(key, [...]string{"APPROVED", "DECLINED", "WITHDRAWN"}[c.out])
	w.kstr("reason", c.reason)
}

func (c *conv) writeSummary(w *jsonw) {
	facts := []string{fmt.Sprintf("Requested %s over %d days", dollars(c.amount), c.term)}
	if c.idDecision == "PASS" {
		facts = append(facts, "Identity verified by "+docLabel(c.p.doc.kind))
	} else {
		facts = append(facts, "Identity not verified with "+docLabel(c.p.doc.kind))
	}
	switch c.out {
	case outApproved:
		facts = append(facts, "Statements captured with consent", "Offer of "+dollars(c.offer)+" accepted")
	case outDeclined:
		facts = append(facts, "Declined: "+c.reason)
	default:
		facts = append(facts, "Customer withdrew the application")
	}
	w.kstr("conversation_purpose", "Small loan for "+strings.ToLower(c.purpose.name))
	w.kstrs("conversation_facts", facts...)
	w.kstr("application_number", c.aid)
}

func passFail(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func docLabel(kind string) string {
	switch kind {
	case "DRIVERS_LICENCE":
		return "driver licence"
	case "PASSPORT":
		return "passport"
	}
	return "Medicare card"
}

// notice is a noticeboard post: agent (composite agent::Topic) and text.
func (c *conv) notice(k stepKind) (agent, post string, finished bool) {
	switch k {
	case kNIdentityStart:
		return "identity_agent::Identity Check", "Personal details captured. Awaiting " + docLabel(c.p.doc.kind) + ".", false
	case kNIdentityDone:
		if c.idDecision == "PASS" {
			return "identity_agent::Identity Check", fmt.Sprintf("eKYC passed (%s). Sanctions clear, not a PEP.", c.p.ekycID), true
		}
		return "identity_agent::Identity Check", c.identityProblem(), true
	case kNStatements:
		return "statements_agent::Bank Statements", fmt.Sprintf("90 days of statements received from %s, %d account(s).", c.bank, 1+c.r.IntN(3)), true
	case kNService:
		return "serviceability_agent::Serviceability Assessment", c.serviceText(), false
	case kNServiceUpdate:
		return "serviceability_agent::Serviceability Assessment", "Confirmed after categorising recurring expenses. " + c.serviceText(), true
	case kNFraud:
		risk := "low risk"
		if c.fraudHigh {
			risk = "high risk, refer"
		}
		return "fraud_agent::Fraud Check", fmt.Sprintf("Fraud score %.2f: %s.", c.fraudScore, risk), true
	case kNCompliance:
		return "compliance_agent::Responsible Lending", "No small amount credit contracts in the last 90 days; presumption of unsuitability does not apply.", true
	}
	if c.out == outApproved {
		return "decision_agent::Credit Decision", "Recommend APPROVE: " + c.reason + ".", true
	}
	return "decision_agent::Credit Decision", "Recommend DECLINE: " + c.reason + ".", true
}

// identityProblem explains a failed or referred eKYC check.
func (c *conv) identityProblem() string {
	switch {
	case c.p.doc.expired:
		return fmt.Sprintf("eKYC %s (%s): %s expired on %s.", strings.ToLower(c.idDecision), c.p.ekycID,
			docLabel(c.p.doc.kind), c.p.doc.expiry.Format("2006-01-02"))
	case c.sanctions != "CLEAR":
		return fmt.Sprintf("eKYC refer (%s): potential sanctions match, manual review needed.", c.p.ekycID)
	default:
		return fmt.Sprintf("eKYC refer (%s): politically exposed person, manual review needed.", c.p.ekycID)
	}
}

func (c *conv) serviceText() string {
	surplus := c.income - c.expenses
	if !c.serviceable {
		return fmt.Sprintf("Surplus %s/month. Not serviceable.", dollars(surplus/100*100))
	}
	return fmt.Sprintf("Surplus %s/month. Serviceable up to %s.", dollars(surplus/100*100), dollars(c.maxLoan))
}

func (c *conv) writeNotice(w *jsonw, k stepKind) {
	agent, post, finished := c.notice(k)
	if c.messy && chance(c.q, 0.1) { // producer quirk: camelCase post
		w.kstr("agentName", agent)
		w.kstr("content", post)
		return
	}
	w.kstr("conversation_id", c.cid)
	w.kstr("agent_name", agent)
	w.kstr("post", post)
	w.kint("conversation_state_seq", c.seq-1)
	w.kstr("application_number", c.aid)
	w.kstr("customer_id", c.uid)
	w.kbool("agent_finished", finished)
	if k == kNDecision {
		w.kbool("force_turn", true)
		w.kbool("end_conversation", false)
	}
}

// writeChatter renders other agents' events: not projected, only counted.
func (c *conv) writeChatter(w *jsonw, k stepKind) event {
	e := event{agt: "identity_agent", typ: "agent_heartbeat"}
	w.obj()
	switch k {
	case kHIdentity:
		w.kstr("status", "ok")
	case kHStatements:
		e.agt, e.typ = "statements_agent", "statement_capture_progress"
		w.kstr("status", "capturing")
		w.kint("percent", 20+c.r.IntN(70))
		w.kstr("institution", c.bank)
	default:
		e.agt, e.global = "scheduler", true
		w.kstr("status", "ok")
		w.kint("queue_depth", c.r.IntN(40))
	}
	w.end()
	e.dat = w.b
	return e
}

// writeBroken renders the Messy-only unknown type and broken events.
func (c *conv) writeBroken(w *jsonw, k stepKind) event {
	switch k {
	case kDebug:
		w.obj()
		w.kstr("state", "awaiting_customer")
		w.kint("tokens_used", 800+c.q.IntN(4000))
		w.kstr("model", "broker-llm-v3")
		w.end()
		return event{typ: "broker_debug_snapshot", dat: w.b}
	case kBrokenJSON:
		w.b = append(w.b, pick(c.q, []string{`{"u": "Thanks, I'll just check th`, `{'u': 'One moment please', 'c': False}`})...)
		return event{typ: "assistant_response", dat: w.b}
	case kBrokenNoCid:
		w.obj()
		w.kstr("utterance", "hello? are you there?")
		w.kstr("answer_input_type", "text")
		w.kint("prev_seq", c.lastAsst)
		w.end()
		return event{typ: "user_input", dat: w.b, noCid: true}
	}
	w.arr()
	w.obj()
	w.key("loanAmount")
	w.money(c.amount)
	w.end()
	w.aend()
	return event{typ: "applicationDetail_changed", dat: w.b}
}
