package simulator

import "strings"

// cursor is a heap item: a conversation's next step, or a pending duplicate.
type cursor struct {
	at  int64 // ms
	idx int32 // conversation index, breaks ties deterministically
	ord int32 // step index within the conversation
	c   *conv // nil until the conversation starts
	dup *Entry
}

// cursorHeap is a binary min-heap ordered by (at, idx, ord). It is typed
// rather than built on container/heap to avoid boxing millions of items.
type cursorHeap []cursor

func (h cursorHeap) less(i, j int) bool {
	a, b := &h[i], &h[j]
	if a.at != b.at {
		return a.at < b.at
	}
	if a.idx != b.idx {
		return a.idx < b.idx
	}
	return a.ord < b.ord
}

func (h cursorHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h cursorHeap) down(i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.less(r, l) {
			m = r
		}
		if !h.less(m, i) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

func (h cursorHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (h *cursorHeap) push(c cursor) {
	*h = append(*h, c)
	h.up(len(*h) - 1)
}

func (h *cursorHeap) pop() {
	old := *h
	n := len(old) - 1
	old[0] = old[n]
	old[n] = cursor{} // release the finished conversation
	*h = old[:n]
	h.down(0)
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
