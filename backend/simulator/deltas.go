package simulator

import (
	"fmt"
	"strconv"
)

// processStep is one step of the broker's fixed application process.
type processStep struct{ name, description, kind string }

// processStages is the broker's four-stage application process, as in the
// fixture.
func processStages() [4]struct {
	name  string
	steps []processStep
} {
	return [4]struct {
		name  string
		steps []processStep
	}{
		{"loan_details", []processStep{{"loan_amount", "How much the customer wants to borrow", "llm"},
			{"loan_purpose", "What the loan is for", "llm"}, {"loan_term", "Repayment term in days", "llm"}}},
		{"identity", []processStep{{"personal_details", "Name, date of birth and address", "llm"},
			{"id_document", "Identity document and eKYC", "llm"}}},
		{"statements", []processStep{{"consent", "Consent to read-only statement capture", "llm"},
			{"capture", "Retrieve 90 days of bank statements", "business_logic"}}},
		{"offer", []processStep{{"product_offer", "Present the loan offer", "llm"},
			{"attestation", "Customer attestation and acceptance", "llm"}}},
	}
}

// writeProcess writes an applicationProcess at (stage, step): earlier stages
// and steps are complete; stage 4 means everything is complete.
func (c *conv) writeProcess(w *jsonw, stage, step int, started bool) {
	stages := processStages()
	w.key("applicationProcess")
	w.obj()
	w.key("applicationProcessState")
	w.arr()
	short := chance(c.r, 0.25)
	for i, s := range stages {
		w.obj()
		w.kstr("stageName", s.name)
		w.kbool("complete", i < stage)
		w.key("steps")
		w.arr()
		// Sometimes the producer abbreviates other stages' steps to [], as in
		// the fixture.
		if !short || i == stage {
			writeSteps(w, s.steps, i < stage, i == stage, step)
		}
		w.aend()
		w.end()
	}
	w.aend()
	cur, curStep := stages[min(stage, 3)].name, "attestation"
	if stage <= 3 {
		curStep = stages[stage].steps[step].name
	}
	w.kstr("currentProcessStage", cur)
	w.kstr("currentProcessStep", curStep)
	if started {
		w.kstr("started_at", isoPython(c.steps[0].at))
	}
	w.kstr("updated_at", isoPython(c.at))
	w.end()
}

// writeSteps writes a stage's steps; in the current stage the steps before
// step are complete.
func writeSteps(w *jsonw, steps []processStep, done, current bool, step int) {
	for j, st := range steps {
		w.obj()
		w.kstr("stepName", st.name)
		w.kstr("description", st.description)
		w.kbool("complete", done || (current && j < step))
		w.kstr("type", st.kind)
		w.end()
	}
}

// writeCurrent writes a partial applicationProcess that only moves the cursor.
func writeCurrent(w *jsonw, stage, step string) {
	w.key("applicationProcess")
	w.obj()
	w.kstr("currentProcessStage", stage)
	w.kstr("currentProcessStep", step)
	w.end()
}

func (c *conv) writeAmount(w *jsonw, cents int64) {
	if c.messy && chance(c.q, 0.1) { // producer quirk: amounts as numeric strings
		w.str(strconv.FormatInt(cents/100, 10) + "." + fmt.Sprintf("%02d", cents%100))
		return
	}
	w.money(cents)
}

func (c *conv) writeDelta(w *jsonw, k stepKind) {
	w.obj()
	switch k {
	case kDLoan:
		c.writeLoanDelta(w)
	case kDTerm:
		w.kint("loanTerm", c.term)
		c.writeProcess(w, 1, 0, false)
	case kDName:
		c.writeNameDelta(w)
	case kDPersonal:
		c.writePersonalDelta(w)
	case kDContact:
		w.key("customer")
		w.obj()
		w.kstr("customer_id", c.uid)
		c.writeContact(w)
		w.end()
	case kDDocument:
		c.writeDocumentDelta(w)
	default:
		c.writeLaterDelta(w, k)
	}
	w.end()
}

func (c *conv) writeLaterDelta(w *jsonw, k stepKind) {
	switch k {
	case kDConsent:
		w.kbool("statementCaptureConsentProvided", true)
		c.writeProcess(w, 2, 1, false)
	case kDStatements:
		w.kbool("statementCaptureCompleted", true)
		c.writeProcess(w, 3, 0, false)
	case kDCounter:
		w.key("loanAmount")
		c.writeAmount(w, c.offer)
		w.kmoney("loanFee", c.fee())
		w.kmoney("loanTotalPayable", c.offer+c.fee())
	case kDAccepted:
		w.kbool("productOfferAcceptance", true)
		w.kbool("customerAttestationAcceptance", true)
		w.knull("applicationOutcome")
		c.writeProcess(w, 4, 0, false)
	default: // kDOutcome
		w.kstr("applicationNumber", c.aid)
		w.kstr("applicationOutcome", "DECLINED")
	}
}

func (c *conv) writeLoanDelta(w *jsonw) {
	w.kstr("applicationNumber", c.aid)
	w.kstr("customerId", c.uid)
	w.kstr("loanPurpose", c.purpose.name)
	w.key("loanAmount")
	c.writeAmount(w, c.amount)
	if chance(c.r, 0.3) {
		w.kmoney("loanFee", (c.amount*5+50)/100)
	}
	if c.askTerm {
		c.writeProcess(w, 0, 2, true)
		return
	}
	w.kint("loanTerm", c.term)
	c.writeProcess(w, 1, 0, true)
}

func (c *conv) writeNameDelta(w *jsonw) {
	p := c.p
	w.kstr("applicationNumber", c.aid)
	w.key("customer")
	w.obj()
	w.kstr("customer_id", c.uid)
	w.kstr("title", p.title)
	w.kstr("first_name", p.first)
	writeOptional(w, "middle_name", p.middle)
	w.kstr("last_name", p.last)
	writeOptional(w, "preferred_name", p.preferred)
	w.knull("email_address")
	if p.leaksTFN { // the producer leaks it; consumers must drop it
		w.kstr("tax_file_number", p.tfn)
		w.kbool("australian_tax_residency_flag", true)
	}
	w.end()
	writeCurrent(w, "identity", "personal_details")
}

func writeOptional(w *jsonw, k, v string) {
	if v == "" {
		w.knull(k)
		return
	}
	w.kstr(k, v)
}

func (c *conv) writePersonalDelta(w *jsonw) {
	p := c.p
	w.key("customer")
	w.obj()
	w.kstr("customer_id", c.uid)
	w.kstr("date_of_birth", p.dob.Format("2006-01-02"))
	if !p.emailAsked {
		c.writeContact(w)
	}
	w.kstr("individual_status", p.individualStatus)
	w.kbool("staff_flag", p.staff)
	w.key("residential_address")
	c.writeAddress(w)
	w.end()
}

func (c *conv) writeContact(w *jsonw) {
	w.key("email_address")
	if c.messy && chance(c.q, 0.15) { // producer quirk: wrapped email
		w.obj()
		w.kstr("value", c.p.email)
		w.end()
	} else {
		w.str(c.p.email)
	}
	w.kstr("mobile_phone_number", c.p.mobile)
}

func (c *conv) writeAddress(w *jsonw) {
	a := c.p.addr
	w.obj()
	w.kstr("address_type", "RESIDENTIAL")
	if a.unit != "" {
		w.kstr("unit_number", a.unit)
	}
	w.kstr("street_number", a.number)
	w.kstr("street_name", a.street)
	w.kstr("street_type", a.streetType)
	w.kstr("suburb", a.sub.name)
	w.kstr("state", a.sub.state)
	w.kstr("postcode", a.sub.postcode)
	w.kstr("country", "Australia")
	w.end()
}

func (c *conv) writeDocumentDelta(w *jsonw) {
	w.key("customerIdentityDocuments")
	w.arr()
	c.writeDocument(w)
	w.aend()
	// The broker also confirms the address against the postal file.
	w.key("customer")
	w.obj()
	w.kstr("customer_id", c.uid)
	w.key("residential_address")
	w.obj()
	w.kstr("postcode", c.p.addr.sub.postcode)
	w.kstr("dp_identifier", c.p.addr.dpid)
	w.end()
	w.end()
	c.writeProcess(w, 1, 1, false)
}

func (c *conv) writeDocument(w *jsonw) {
	d := c.p.doc
	w.obj()
	w.kstr("customer_id", c.uid)
	w.kstr("document_type", d.kind)
	if d.subtype != "" {
		w.kstr("document_subtype", d.subtype)
	}
	w.kstr("document_number", d.number)
	w.kstr("expiry_date", d.expiry.Format("2006-01-02"))
	if d.state != "" {
		w.kstr("state_of_issue", d.state)
	}
	w.kstr("country_of_issue", d.country)
	w.key("additional_info")
	w.obj()
	switch d.kind {
	case "DRIVERS_LICENCE":
		w.kstr("card_number", d.card)
	case "MEDICARE":
		w.kstr("individual_reference_number", d.card)
	}
	w.end()
	w.end()
}
