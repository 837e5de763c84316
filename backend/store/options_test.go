package store

import "testing"

// The page pool holds every connection's page cache: writer, readers and loader.
func TestPagePoolMiBCoversEveryConnection(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want int
	}{
		{Options{}, 5*64 + 16},
		{Options{Readers: 2}, 3*64 + 16},
		{Options{Readers: 1, CacheMiB: 8}, 2*8 + 16},
	} {
		if got := PagePoolMiB(c.o); got != c.want {
			t.Errorf("PagePoolMiB(%+v) = %d, want %d", c.o, got, c.want)
		}
	}
}
