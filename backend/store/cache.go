package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/billie/supervisor/backend/projection"
)

// recordCache holds the committed state of records that recent batches changed, so
// the next batch that touches them skips the SELECT and the JSON decode: live
// conversations are touched by nearly every batch, and loading them was a tenth of
// the writer's time.
//
// A record is handed out at most once: take removes it, and only a committed batch
// puts its changed records back. A batch that fails therefore leaves behind only
// records that are still committed, and the database stays the truth for the rest.
// Another connection's commit (another process writing the same file) is noticed
// through PRAGMA data_version and empties the cache. Only ApplyBatch uses it, and
// ApplyBatch calls are serialised, so it needs no lock of its own.
type recordCache struct {
	dataVersion   int64
	conversations generations[*projection.Conversation]
	applications  generations[*projection.Application]
	customers     generations[*projection.Customer]
	// docs holds the committed JSON of many more records than the decoded
	// generations: in a busy hour more conversations are live than those hold, and
	// decoding a kept document costs a fraction of reading it back from SQLite,
	// whose pages the reducer's connection must read afresh after every commit.
	docs docCache
}

func newRecordCache(size, docBytes int) *recordCache {
	return &recordCache{
		conversations: newGenerations[*projection.Conversation](size),
		applications:  newGenerations[*projection.Application](size),
		customers:     newGenerations[*projection.Customer](size),
		docs:          newDocCache(docBytes),
	}
}

// check empties the cache when someone other than tx's connection committed since
// the last check.
func (c *recordCache) check(ctx context.Context, tx *sql.Tx) error {
	var v int64
	if err := tx.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		return fmt.Errorf("read data version: %w", err)
	}
	if v != c.dataVersion {
		c.dataVersion = v
		c.conversations.clear()
		c.applications.clear()
		c.customers.clear()
		c.docs.clear()
	}
	return nil
}

// keep stores the records a committed batch changed, and the documents it wrote
// for them.
func (c *recordCache) keep(ch projection.Changes, docs []keptDoc) {
	for _, d := range docs {
		c.docs.put(d.key, d.doc)
	}
	for _, r := range ch.Conversations {
		c.conversations.put(r.ID, r)
	}
	for _, r := range ch.Applications {
		c.applications.put(r.Number, r)
	}
	for _, r := range ch.Customers {
		c.customers.put(r.ID, r)
	}
}

// generations is a bounded map that forgets what was least recently used, roughly:
// when the young generation is full it becomes the old one and the old one is
// dropped. Cheaper than a linked-list LRU and good enough for a working set.
type generations[V any] struct {
	half       int
	young, old map[string]V
}

func newGenerations[V any](size int) generations[V] {
	half := max(size/2, 1)
	return generations[V]{half: half, young: make(map[string]V, half), old: map[string]V{}}
}

func (g *generations[V]) take(key string) V {
	if v, ok := g.young[key]; ok {
		delete(g.young, key)
		return v
	}
	v, ok := g.old[key]
	if ok {
		delete(g.old, key)
	}
	return v
}

func (g *generations[V]) put(key string, v V) {
	if len(g.young) >= g.half {
		g.old, g.young = g.young, make(map[string]V, g.half)
	}
	delete(g.old, key)
	g.young[key] = v
}

func (g *generations[V]) clear() {
	g.young = make(map[string]V, g.half)
	g.old = map[string]V{}
}

func (g *generations[V]) len() int { return len(g.young) + len(g.old) }

// docKind is the table a cached document belongs to.
type docKind uint8

const (
	conversationDoc docKind = iota
	applicationDoc
	customerDoc
)

type docKey struct {
	kind docKind
	id   string
}

// keptDoc is a document a batch wrote, for the cache once the batch commits.
type keptDoc struct {
	key docKey
	doc []byte
}

// docCache is generations of committed documents bounded by their bytes. The
// documents are never changed, only replaced, so get does not take them out: a
// failed batch leaves the committed one in place.
type docCache struct {
	half       int // bytes per generation
	youngBytes int
	young, old map[docKey][]byte
}

func newDocCache(bytes int) docCache {
	return docCache{half: bytes / 2, young: map[docKey][]byte{}, old: map[docKey][]byte{}}
}

func (d *docCache) get(k docKey) []byte {
	if doc, ok := d.young[k]; ok {
		return doc
	}
	return d.old[k]
}

func (d *docCache) put(k docKey, doc []byte) {
	if d.half <= 0 {
		return
	}
	if d.youngBytes+len(doc) > d.half {
		d.old, d.young, d.youngBytes = d.young, map[docKey][]byte{}, 0
	}
	delete(d.old, k)
	if old, ok := d.young[k]; ok {
		d.youngBytes -= len(old)
	}
	d.young[k] = doc
	d.youngBytes += len(doc)
}

func (d *docCache) clear() {
	d.young, d.old, d.youngBytes = map[docKey][]byte{}, map[docKey][]byte{}, 0
}
