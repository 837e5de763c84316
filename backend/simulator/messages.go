package simulator

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// msg is one chat message before it is given a payload shape.
type msg struct {
	text, rationale, input string
	complete, end          bool
	extra                  func(w *jsonw) // additional_data members, may be nil
}

// dollars formats cents the way the assistant says amounts: $1,200 or $20.50.
func dollars(cents int64) string {
	whole := strconv.FormatInt(cents/100, 10)
	if len(whole) > 3 {
		whole = whole[:len(whole)-3] + "," + whole[len(whole)-3:]
	}
	if cents%100 != 0 {
		return fmt.Sprintf("$%s.%02d", whole, cents%100)
	}
	return "$" + whole
}

func (c *conv) assistantMsg(k stepKind) msg {
	switch k {
	case kAGreeting:
		return msg{text: pick(c.r, []string{
			"Hi, I'm Billie. I can help you apply for a small loan today. How much would you like to borrow?",
			"Hello! I'm Billie, your loan assistant. How much are you looking to borrow, and what's it for?",
			"G'day, I'm Billie. Let's get your application started. How much do you need?",
		}), rationale: "Greeting; start of loan amount step", input: "currency"}
	case kAAskPurpose:
		return msg{text: fmt.Sprintf("Thanks, %s it is. What will the loan be used for?", dollars(c.amount)),
			rationale: "Amount captured; asking purpose", input: "text"}
	case kAAskTerm:
		return msg{text: fmt.Sprintf("Got it, %s for %s. Over how many days would you like to repay it? We offer 30 to 180 days.",
			dollars(c.amount), strings.ToLower(c.purpose.name)), rationale: "Loan term step", input: "number"}
	case kAAskName:
		return msg{text: fmt.Sprintf(pick(c.r, []string{
			"Thanks, %s is a common reason. Could you tell me your full name as it appears on your ID?",
			"Got it, that's for %s. Now, what's your full name as it appears on your ID?",
			"Thanks, I've noted %s. Could I get your full legal name please?",
		}), strings.ToLower(c.purpose.name)), rationale: "Loan details captured; moving to identity stage", input: "text",
			complete: true, extra: nextStep("personal_details")}
	case kAAskDobAddress:
		return msg{text: fmt.Sprintf("Nice to meet you, %s. What's your date of birth and home address?", c.p.callName()),
			rationale: "Name captured", input: "address"}
	case kAAskContact:
		return msg{text: fmt.Sprintf("Thanks %s. What's the best email address and mobile number to reach you on?", c.p.callName()),
			rationale: "Address captured; contact details missing", input: "text"}
	case kAAskID:
		return msg{text: "Great. To verify your identity I need a driver licence, passport or Medicare card. Please send the number and expiry date.",
			rationale: "Personal details complete; ID document step", input: "text", extra: nextStep("id_document")}
	}
	return c.assistantLaterMsg(k)
}

func (c *conv) assistantLaterMsg(k stepKind) msg {
	switch k {
	case kAAskConsent:
		return msg{text: "You're verified. Next I need to look at your bank statements. Do you consent to a read-only statement capture?",
			rationale: "Identity stage complete", input: "yes_no", complete: true, extra: nextStep("consent")}
	case kAExplainConsent:
		return msg{text: "We use a secure, read-only connection to see the last 90 days of transactions. We can't move money or see your password. Is that OK?",
			rationale: "Customer asked about statement capture", input: "yes_no"}
	case kAStatementsWait:
		return msg{text: "Thanks! I'm retrieving your statements now. This usually takes less than a minute.",
			rationale: "Consent given; statement capture running", input: "none", extra: nextStep("capture")}
	case kAOffer:
		return c.offerMsg()
	case kANudge:
		return msg{text: fmt.Sprintf("Are you still there, %s? I'll keep your application open for a little while.", c.p.callName()),
			rationale: "No reply from customer", input: "text"}
	case kAClosing:
		return msg{text: fmt.Sprintf("All done, %s. The money will be in your account shortly.", c.p.callName()),
			rationale: "Closing", input: "text", complete: true, end: true}
	case kADeclined:
		return msg{text: fmt.Sprintf("I'm sorry, %s. We're not able to approve your application today (%s). You'll receive an email with more details.",
			c.p.callName(), strings.ToLower(c.reason)), rationale: "Declined: " + c.reason, input: "text", complete: true, end: true}
	default: // kAWithdrawn
		return msg{text: fmt.Sprintf("No problem at all, %s. I've withdrawn your application. You're welcome to come back any time.", c.p.callName()),
			rationale: "Customer withdrew", input: "text", complete: true, end: true}
	}
}

func (c *conv) offerMsg() msg {
	fee := c.fee()
	m := msg{rationale: "Offer stage", input: "yes_no", extra: func(w *jsonw) {
		w.key("offer")
		w.obj()
		w.kmoney("amount", c.offer)
		w.kmoney("fee", fee)
		w.kmoney("total", c.offer+fee)
		w.end()
	}}
	if c.offer < c.amount {
		m.text = fmt.Sprintf("Based on your statements we can't lend the full %s, but we can offer %s over %d days with a %s fee, %s in total. Would you like to accept?",
			dollars(c.amount), dollars(c.offer), c.term, dollars(fee), dollars(c.offer+fee))
		m.rationale = "Counter offer: serviceable up to " + dollars(c.maxLoan)
		return m
	}
	m.text = fmt.Sprintf("Good news: we can offer %s over %d days with a %s fee, %s in total. Do you accept?",
		dollars(c.offer), c.term, dollars(fee), dollars(c.offer+fee))
	return m
}

func nextStep(name string) func(w *jsonw) {
	return func(w *jsonw) { w.kstr("next_step", name) }
}

func (c *conv) userMsg(k stepKind) msg {
	r := c.r
	switch k {
	case kUAmount:
		return c.amountMsg()
	case kUPurpose:
		return msg{text: fmt.Sprintf(pick(r, []string{"it's for %s", "%s", "need it for %s", "%s unfortunately"}), c.phrase), input: "text"}
	case kUTerm:
		return msg{text: fmt.Sprintf(pick(r, []string{"%d days", "can I do %d days?", "%d days please"}), c.term),
			input: "number", extra: func(w *jsonw) { w.kint("term_days", c.term) }}
	case kUName:
		return msg{text: fmt.Sprintf(pick(r, []string{"%s", "%s", "It's %s", "my name is %s"}), c.p.fullName()), input: "text"}
	case kUDobAddress:
		return msg{text: c.dobText() + ", " + c.addressText(), input: "address"}
	case kUContact:
		return msg{text: fmt.Sprintf(pick(r, []string{"%s and %s", "email is %s, mobile %s", "%s / %s"}),
			c.p.email, localMobile(c.p.mobile)), input: "text"}
	case kUID:
		return msg{text: c.documentText(), input: "text"}
	}
	return c.userLaterMsg(k)
}

func (c *conv) userLaterMsg(k stepKind) msg {
	r := c.r
	switch k {
	case kUConsentQuestion:
		return msg{text: pick(r, []string{"what does that mean exactly?", "is that safe?", "what will you be able to see?"}), input: "text"}
	case kUConsentYes:
		return msg{text: pick(r, []string{"yes", "yep that's fine", "ok go ahead", "sure"}), input: "yes_no",
			extra: func(w *jsonw) { w.kbool("consent", true) }}
	case kUConsentNo:
		return msg{text: pick(r, []string{"no, I'm not comfortable with that", "nah I'd rather not"}), input: "yes_no",
			extra: func(w *jsonw) { w.kbool("consent", false) }}
	case kUAccept:
		return msg{text: pick(r, []string{"yes I accept", "yes please", "deal", "sounds good, yes"}), input: "yes_no"}
	default: // kUReject
		return msg{text: pick(r, []string{"no thanks, that's too expensive", "I'll think about it, not now"}), input: "yes_no"}
	}
}

func (c *conv) amountMsg() msg {
	amt := strings.TrimPrefix(dollars(c.amount), "$")
	var text string
	if c.purposeLater {
		text = fmt.Sprintf(pick(c.r, []string{"$%s", "around %s dollars", "I'd like $%s please", "%s"}), amt)
	} else {
		text = fmt.Sprintf(pick(c.r, []string{"about $%s for %s", "I need %s dollars for %s",
			"can I borrow $%s? it's for %s", "$%s please, %s", "Hi, I need $%s for %s"}), amt, c.phrase)
	}
	return msg{text: text, input: "currency", extra: func(w *jsonw) {
		w.key("amount")
		c.writeAmount(w, c.amount)
	}}
}

func (c *conv) dobText() string {
	d := c.p.dob
	switch c.r.IntN(4) {
	case 0:
		return d.Format("02/01/2006")
	case 1:
		return d.Format("2 January 2006")
	case 2:
		return d.Format("January 2 2006")
	default:
		return "born " + d.Format("2/1/2006")
	}
}

func (c *conv) addressText() string {
	a := c.p.addr
	street := a.number + " " + a.street + " " + a.streetType
	place := a.sub.name + " " + a.sub.state + " " + a.sub.postcode
	switch {
	case a.unit != "" && chance(c.r, 0.5):
		return "unit " + a.unit + " " + street + " " + place
	case a.unit != "":
		return a.unit + "/" + street + ", " + place
	default:
		return street + ", " + place
	}
}

// localMobile writes +61412345678 as a customer types it: 0412 345 678.
func localMobile(m string) string {
	local := "0" + strings.TrimPrefix(m, "+61")
	return local[:4] + " " + local[4:7] + " " + local[7:]
}

func (c *conv) documentText() string {
	d := c.p.doc
	switch d.kind {
	case "DRIVERS_LICENCE":
		return fmt.Sprintf(pick(c.r, []string{"my licence is %s, %s, expires %s", "driver licence %s %s, expiry %s"}),
			d.number, d.state, expiryText(c.r.IntN(2), d.expiry))
	case "PASSPORT":
		return fmt.Sprintf("passport %s, expires %s", d.number, expiryText(1, d.expiry))
	default:
		return fmt.Sprintf("medicare card %s, I'm number %s on it, valid to %s", d.number, d.card, d.expiry.Format("01/2006"))
	}
}

func expiryText(style int, t time.Time) string {
	if style == 0 {
		return t.Format("2006")
	}
	return t.Format("02/01/2006")
}
