package ledger

import (
	"strings"
	"testing"
)

// MayNameTaxField skips walking payloads whose text has no "tax_" and no escape; that
// holds only while every tax field's name contains "tax_".
func TestTaxFieldNamesContainTheGuard(t *testing.T) {
	for k := range taxFields {
		if !strings.Contains(k, "tax_") {
			t.Errorf("%s: the raw-text guard in MayNameTaxField would miss it", k)
		}
	}
}
