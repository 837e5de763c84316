// Package recordcache holds the committed state of the records that recent batches
// changed, so that the next batch that touches them skips the SELECT and the JSON
// decode: live conversations are touched by nearly every batch, and loading them was
// a tenth of the store's writer's time.
//
// A record is handed out at most once: taking it removes it, and only a committed
// batch puts its changed records back (Keep). A batch that fails therefore leaves
// behind only records that are still committed, and the database stays the truth for
// the rest. Records kept belong to the cache: the batch that kept them must not hand
// them to anyone else. Another connection's commit (another process writing the same
// file) is noticed through PRAGMA data_version and empties the cache (Check). The
// store's ApplyBatch is its only user and runs one batch at a time, so it needs no
// lock of its own.
package recordcache

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/billie/supervisor/backend/projection"
)

// Cache is the committed records and documents of recent batches.
type Cache struct {
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

// New is a cache of up to size records of each kind, and docBytes of documents.
func New(size, docBytes int) *Cache {
	return &Cache{
		conversations: newGenerations[*projection.Conversation](size),
		applications:  newGenerations[*projection.Application](size),
		customers:     newGenerations[*projection.Customer](size),
		docs:          newDocCache(docBytes),
	}
}

// Check empties the cache when someone other than tx's connection committed since
// the last check. A batch calls it first, in its transaction.
func (c *Cache) Check(ctx context.Context, tx *sql.Tx) error {
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

// Keep stores the records a committed batch changed, and the documents it wrote for
// them. The cache owns the records from then on.
func (c *Cache) Keep(ch projection.Changes, docs []Doc) {
	for _, d := range docs {
		c.docs.put(d.Key, d.JSON)
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

// Conversation takes the conversation id out of the cache; nil when it holds none.
func (c *Cache) Conversation(id string) *projection.Conversation { return c.conversations.take(id) }

// Application takes the application number out of the cache; nil when it holds none.
func (c *Cache) Application(number string) *projection.Application {
	return c.applications.take(number)
}

// Customer takes the customer id out of the cache; nil when it holds none.
func (c *Cache) Customer(id string) *projection.Customer { return c.customers.take(id) }

// Doc is the committed document of a record, nil when the cache holds none. It stays
// in the cache: documents are only ever replaced, never changed.
func (c *Cache) Doc(k Key) []byte { return c.docs.get(k) }

// ForgetRecords drops the decoded records and keeps the documents, so the next batch
// decodes those (tests use it to exercise that path).
func (c *Cache) ForgetRecords() {
	c.conversations.clear()
	c.applications.clear()
	c.customers.clear()
}

// Conversations is how many decoded conversations the cache holds.
func (c *Cache) Conversations() int { return c.conversations.len() }

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

// Kind is the table a cached document belongs to.
type Kind uint8

// The kinds of record.
const (
	ConversationDoc Kind = iota
	ApplicationDoc
	CustomerDoc
)

// Key names a record's document.
type Key struct {
	Kind Kind
	ID   string
}

// Doc is a document a batch wrote, for the cache once the batch commits.
type Doc struct {
	Key  Key
	JSON []byte
}

// docCache is generations of committed documents bounded by their bytes. The
// documents are never changed, only replaced, so get does not take them out: a
// failed batch leaves the committed one in place.
type docCache struct {
	half       int // bytes per generation
	youngBytes int
	young, old map[Key][]byte
}

func newDocCache(bytes int) docCache {
	return docCache{half: bytes / 2, young: map[Key][]byte{}, old: map[Key][]byte{}}
}

func (d *docCache) get(k Key) []byte {
	if doc, ok := d.young[k]; ok {
		return doc
	}
	return d.old[k]
}

func (d *docCache) put(k Key, doc []byte) {
	if d.half <= 0 {
		return
	}
	if d.youngBytes+len(doc) > d.half {
		d.old, d.young, d.youngBytes = d.young, map[Key][]byte{}, 0
	}
	delete(d.old, k)
	if old, ok := d.young[k]; ok {
		d.youngBytes -= len(old)
	}
	d.young[k] = doc
	d.youngBytes += len(doc)
}

func (d *docCache) clear() {
	d.young, d.old, d.youngBytes = map[Key][]byte{}, map[Key][]byte{}, 0
}

// Clear empties the cache: records and documents. A replay calls it after it rewrote
// records in place through the writer's own connection, which PRAGMA data_version
// does not count as someone else's commit.
func (c *Cache) Clear() {
	c.ForgetRecords()
	c.docs.clear()
}
