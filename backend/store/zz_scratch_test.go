package store

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/projection"
)

func TestScratchSearch(t *testing.T) {
	path := os.Getenv("SCRATCH_DB")
	if path == "" {
		t.Skip()
	}
	ctx := context.Background()
	st, err := Open(ctx, path, Options{Relaxed: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{os.Getenv("SCRATCH_Q")} {
		for i := 0; i < 20; i++ {
			t0 := time.Now()
			srch, err := st.compileSearch(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			t1 := time.Now()
			p, err := st.Conversations(ctx, ConversationQuery{Search: q, Limit: 60, Now: time.Now(), Thresholds: projection.DefaultThresholds})
			if err != nil {
				t.Fatal(err)
			}
			if i == 19 {
				t.Logf("%s compile=%v total=%v n=%d dense=%v msg=%q cust=%q app=%v dec=%q matched=%d", q, t1.Sub(t0), time.Since(t1), len(p.Cards), srch.dense(), srch.msgExpr, srch.custExpr, srch.appPrefixes, srch.decision, len(srch.matched))
			}
		}
	}
}
