package store

import (
	"context"
	"slices"
	"testing"
)

// A batch names the records it changed and hands over its messages.
func TestApplyBatchNamesItsChanges(t *testing.T) {
	s := openTemp(t)
	entries := fixtureEntries(t)
	res, err := s.ApplyBatch(context.Background(), "test", entries)
	if err != nil {
		t.Fatal(err)
	}
	ch := res.Changes
	if !slices.Equal(ch.Conversations, []string{"conv-7f3a91"}) || !slices.Equal(ch.Applications, []string{"APP-2026-004217"}) ||
		!slices.Equal(ch.Customers, []string{"cust-55120"}) {
		t.Errorf("changes name %v, %v, %v", ch.Conversations, ch.Applications, ch.Customers)
	}
	msgs, err := s.Messages(context.Background(), "conv-7f3a91")
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Messages) != len(msgs) || len(msgs) == 0 {
		t.Errorf("changes hold %d messages, the store %d", len(ch.Messages), len(msgs))
	}
}
