package store

import "github.com/billie/supervisor/backend/projection"

// Changes name what one batch changed, for live views: the records by key, and the
// messages it added. The caller owns them. The changed records themselves are not
// handed out: the store keeps them for the batches that change them next (package
// recordcache), so a caller holding one would see it change under it; a view reads
// the records it needs by key.
type Changes struct {
	Conversations []string // ids
	Applications  []string // numbers
	Customers     []string // ids
	// Messages are the batch's new messages, which nothing else holds.
	Messages []projection.Message
}

// changesOf names the records of ch; its messages belong to the snapshot the batch
// is done with, so they pass as they are.
func changesOf(ch projection.Changes) Changes {
	out := Changes{
		Conversations: make([]string, len(ch.Conversations)),
		Applications:  make([]string, len(ch.Applications)),
		Customers:     make([]string, len(ch.Customers)),
		Messages:      ch.Messages,
	}
	for i, c := range ch.Conversations {
		out.Conversations[i] = c.ID
	}
	for i, a := range ch.Applications {
		out.Applications[i] = a.Number
	}
	for i, c := range ch.Customers {
		out.Customers[i] = c.ID
	}
	return out
}
