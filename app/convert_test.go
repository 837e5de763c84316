package app

import (
	"testing"
	"time"

	"github.com/billie/supervisor/backend/projection"
)

// The desktop reads producer fields with projection's readers, so it shows what the
// portal shows for the same field.
func TestConversionReadsFieldsAsTheProjectionDoes(t *testing.T) {
	cust := &projection.Customer{ID: "c1", Profile: map[string]any{
		"first_name": " Priya ", "staff_flag": "yes", "investor_flag": "false", "founder_flag": nil,
		"email_address": "p@example.com", "mobile_phone_number": 412345678.0,
	}}
	p := customerProfileOf(cust, time.Now())
	if p.Flags.Staff == nil || !*p.Flags.Staff || p.Flags.Investor == nil || *p.Flags.Investor || p.Flags.Founder != nil {
		t.Errorf("flags = %v %v %v", p.Flags.Staff, p.Flags.Investor, p.Flags.Founder)
	}
	if deref(p.FirstName) != "Priya" || deref(p.Email) != cust.Email() || deref(p.Mobile) != "412345678" {
		t.Errorf("profile = %+v", p)
	}
	a := &projection.Application{Number: "APP-1", Detail: map[string]any{
		"loanAmount": "$1,000", "loanTerm": "30", "productOfferAcceptance": "yes",
		"applicationProcess": map[string]any{"currentProcessStage": "offer"},
	}}
	got := applicationOf(a, cust)
	row := projection.PortalApplicationOf(a, cust)
	if got.Status != string(row.Status) || got.Status != "under_review" {
		t.Errorf("status %q, portal %q", got.Status, row.Status)
	}
	if got.LoanAmount == nil || *got.LoanAmount != 1000 || got.LoanTermDays == nil || *got.LoanTermDays != 30 {
		t.Errorf("amounts %v %v", got.LoanAmount, got.LoanTermDays)
	}
	if f := got.Flags.ProductOfferAcceptance; f == nil || !*f {
		t.Errorf("productOfferAcceptance = %v", f)
	}
	if !isApplicationStatus("under_review") || isApplicationStatus("Under Review") {
		t.Error("isApplicationStatus")
	}
}
