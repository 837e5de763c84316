package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/ledger"
)

// --producer-tz / BILLIE_PRODUCER_TZ reaches the store: a time written without a zone
// is read in it; a name that is no zone stops the command.
func TestProducerZone(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		env, flag string
		want      time.Time // conversation_started at 2026-11-24 20:14:02
	}{
		{"", "", time.Date(2026, 11, 24, 20, 14, 2, 0, time.UTC)},
		{"Australia/Sydney", "", time.Date(2026, 11, 24, 9, 14, 2, 0, time.UTC)},
		{"Australia/Sydney", "America/New_York", time.Date(2026, 11, 25, 1, 14, 2, 0, time.UTC)},
	} {
		env := map[string]string{"BILLIE_DB": filepath.Join(t.TempDir(), "z.db"), "BILLIE_PRODUCER_TZ": tc.env}
		cfg := defaultConfig(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
		if tc.flag != "" {
			cfg.producerTZ = tc.flag // as the flag's parsing would set it
		}
		st, err := cfg.openStore(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.ApplyBatch(ctx, "test", []ledger.Entry{{ID: "1764000000000-0", Fields: map[string]string{
			"agt": "broker", "typ": "conversation_started", "cid": "conv-z", "tsp": "2026-11-24 20:14:02"}}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := st.Conversation(ctx, "conv-z")
		st.Close()
		if err != nil || c == nil || !c.StartedAt.Equal(tc.want) {
			t.Errorf("env %q flag %q: started at %v (%v), want %v", tc.env, tc.flag, c, err, tc.want)
		}
	}
	db := filepath.Join(t.TempDir(), "b.db")
	_, err := runBackend(nil, "inspect", "conversation", "conv-z", "--db", db, "--producer-tz", "Mars/Olympus_Mons")
	if err == nil || !strings.Contains(err.Error(), "producer time zone") {
		t.Errorf("an unknown zone: %v", err)
	}
}
