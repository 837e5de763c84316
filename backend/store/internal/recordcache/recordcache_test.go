package recordcache

import (
	"testing"

	"github.com/billie/supervisor/backend/projection"
)

// A record is handed out once: taking it removes it until a batch keeps it again.
func TestRecordsAreTakenOnce(t *testing.T) {
	c := New(4, 1<<10)
	conv := &projection.Conversation{ID: "c1"}
	c.Keep(projection.Changes{Conversations: []*projection.Conversation{conv}}, nil)
	if got := c.Conversation("c1"); got != conv {
		t.Fatalf("first take: %v", got)
	}
	if got := c.Conversation("c1"); got != nil {
		t.Errorf("second take: %v, want nil", got)
	}
}

// The generations forget the least recently kept records first, and hold at least
// the newest half of their size.
func TestGenerationsForgetTheOldest(t *testing.T) {
	g := newGenerations[int](4)
	for i, k := range []string{"a", "b", "c", "d", "e"} {
		g.put(k, i+1)
	}
	if g.len() > 4 {
		t.Errorf("holds %d, want at most 4", g.len())
	}
	if v := g.take("e"); v != 5 {
		t.Errorf("newest: %d", v)
	}
	if v := g.take("a"); v != 0 {
		t.Errorf("oldest still held: %d", v)
	}
}

// Documents stay after a get, are replaced by newer ones, and are bounded by bytes.
func TestDocCacheBoundedByBytes(t *testing.T) {
	c := New(4, 8)
	k := Key{Kind: ConversationDoc, ID: "c1"}
	c.Keep(projection.Changes{}, []Doc{{Key: k, JSON: []byte("ab")}})
	if string(c.Doc(k)) != "ab" || string(c.Doc(k)) != "ab" {
		t.Fatalf("doc %q", c.Doc(k))
	}
	c.Keep(projection.Changes{}, []Doc{{Key: k, JSON: []byte("cd")}})
	if string(c.Doc(k)) != "cd" {
		t.Errorf("replaced doc %q", c.Doc(k))
	}
	for _, id := range []string{"x", "y", "z"} {
		c.Keep(projection.Changes{}, []Doc{{Key: Key{Kind: CustomerDoc, ID: id}, JSON: []byte("1234")}})
	}
	if c.Doc(k) != nil {
		t.Error("an old document outlived two generations of bytes")
	}
}
