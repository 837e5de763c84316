package rebuilds

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/simulator"
	"github.com/billie/supervisor/backend/store"
)

// BenchmarkRebuild measures a full rebuild from the archive of a store of
// BENCH conversations (2,000: about 63,000 entries), idle ("idle"), under flat-out live
// load ("live": a projector-like writer applying entries as fast as it can, and 8
// readers asking the customer portal's queries in a loop) and under a producer's pace
// ("paced": the writer applying 500 entries a second, 50 every 100 ms, as the projector
// would). It reports the rebuild's events/s (wall and per CPU second of the process);
// for "live" the live apply rate before and during the rebuild and the readers' p99
// during it; for "paced" how late the live batches were committed (median and max lag
// behind their due time: the max is mostly the swap's pause). Run it with
//
//	go test ./backend/rebuilds/ -run '^$' -bench Rebuild -benchtime 1x
//
// "offline" is the offline rebuild (store.Rebuild into a new file) on the same data,
// to compare with on the same machine at the same moment.
func BenchmarkRebuild(b *testing.B) {
	const conversations = 2000
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	entries := benchEntries(b, conversations+conversations/2, 7, start)
	cut := len(entries) * 2 / 3 // the rest arrives live
	// The flat-out writer needs more than the rest: on a quiet machine it applies over
	// 10,000 entries a second and ran out of them early in the rebuild. More
	// conversations, two days later, follow the rest.
	more := benchEntries(b, 3*conversations, 8, start.Add(48*time.Hour))
	last, _ := ledger.ParseID(entries[len(entries)-1].ID)
	if first, _ := ledger.ParseID(more[0].ID); last.Compare(first) >= 0 {
		b.Fatalf("the later conversations start at %s, before the first ones end (%s)", first, last)
	}
	flatOut := append(slices.Clip(entries[cut:]), more...)
	// The offline rebuild the online job replaces (store.Rebuild into a new file),
	// on the same data, for a figure of this machine at this moment to compare with.
	b.Run("offline", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			ctx := context.Background()
			dir := b.TempDir()
			src, err := store.Open(ctx, filepath.Join(dir, "src.db"), store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < cut; i += 2000 {
				if _, err := src.ApplyBatch(ctx, "g", entries[i:min(i+2000, cut)]); err != nil {
					b.Fatal(err)
				}
			}
			dst, err := store.Open(ctx, filepath.Join(dir, "dst.db"), store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			before := cpu()
			b.StartTimer()
			start := time.Now()
			counts, err := store.Rebuild(ctx, src, dst, "g", 10000, nil)
			took := time.Since(start)
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(counts.Total())/took.Seconds(), "events/s")
			b.ReportMetric(float64(counts.Total())/(cpu()-before).Seconds(), "events/cpu-s")
			dst.Close()
			src.Close()
		}
	})
	for _, name := range []string{"idle", "live", "paced"} {
		load, paced := name == "live", name == "paced"
		b.Run(name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				ctx := context.Background()
				live, err := store.Open(ctx, filepath.Join(b.TempDir(), "live.db"), store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				for i := 0; i < cut; i += 2000 {
					if _, err := live.ApplyBatch(ctx, "g", entries[i:min(i+2000, cut)]); err != nil {
						b.Fatal(err)
					}
				}
				customers, err := live.PortalCustomers(ctx)
				if err != nil {
					b.Fatal(err)
				}
				var liveRate float64
				var measuring atomic.Bool
				var lat []time.Duration
				stop := make(chan struct{})
				var wg sync.WaitGroup
				applied := make(chan float64, 1)
				if load {
					lat = make([]time.Duration, 0, 1<<16)
					var mu sync.Mutex
					portal, _ := live.PortalReader(ctx)
					for c := range 8 {
						wg.Add(1)
						go func() {
							defer wg.Done()
							for n := c; ; n++ {
								select {
								case <-stop:
									return
								default:
								}
								t0 := time.Now()
								if _, err := portal.Applications(ctx, customers[n%len(customers)], nil, 20); err != nil {
									b.Error(err)
									return
								}
								d := time.Since(t0)
								if measuring.Load() {
									mu.Lock()
									lat = append(lat, d)
									mu.Unlock()
								}
							}
						}()
					}
				}
				if load {
					// The live rate with the same readers and no rebuild.
					liveRate = applyFor(b, live, flatOut, 2*time.Second, nil)
				}
				r := New(ctx, Config{Store: live, Checkpoint: "g", Log: quiet})
				before := cpu()
				b.StartTimer()
				start := time.Now()
				measuring.Store(true)
				if load {
					go func() { applied <- applyFor(b, live, nil, 0, stop) }()
				}
				lags := make(chan []time.Duration, 1)
				if paced {
					wg.Add(1)
					go func() {
						defer wg.Done()
						lags <- applyPaced(b, live, entries[cut:], 50, 100*time.Millisecond, stop)
					}()
				}
				j, err := r.Start(ctx, "bench", Request{})
				if err != nil {
					b.Fatal(err)
				}
				j, _ = r.Wait(ctx, j.ID)
				took := time.Since(start)
				measuring.Store(false)
				b.StopTimer()
				cpuTook := cpu() - before
				close(stop)
				wg.Wait()
				if j.State != Succeeded {
					b.Fatalf("%s: %s", j.State, j.Error)
				}
				b.ReportMetric(float64(j.Done)/took.Seconds(), "events/s")
				b.ReportMetric(float64(j.Done)/cpuTook.Seconds(), "events/cpu-s")
				if paced {
					lag := <-lags
					slices.Sort(lag)
					if len(lag) > 0 {
						b.ReportMetric(float64(lag[len(lag)/2].Microseconds())/1000, "live-lag-p50-ms")
						b.ReportMetric(float64(lag[len(lag)-1].Microseconds())/1000, "live-lag-max-ms")
					}
				}
				if load {
					during := float64(<-applied)
					b.ReportMetric(liveRate, "live-events/s-before")
					b.ReportMetric(during, "live-events/s-during")
					slices.Sort(lat)
					if len(lat) > 0 {
						b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "api-p99-ms")
					}
				}
				live.Close()
			}
		})
	}
}

var liveFeed struct {
	sync.Mutex
	rest []ledger.Entry
}

// applyFor applies entries from the feed in batches of 200 (the projector's typical
// live batch), for d or until stop closes, and returns how many it applied per second
// while it ran. A non-nil entries refills the feed first.
func applyFor(b *testing.B, s *store.Store, entries []ledger.Entry, d time.Duration, stop chan struct{}) float64 {
	liveFeed.Lock()
	defer liveFeed.Unlock()
	if entries != nil {
		liveFeed.rest = entries
	}
	start := time.Now()
	var n int
	for len(liveFeed.rest) > 0 {
		if d > 0 && time.Since(start) >= d {
			break
		}
		if stop != nil {
			select {
			case <-stop:
				return float64(n) / time.Since(start).Seconds()
			default:
			}
		}
		batch := liveFeed.rest[:min(200, len(liveFeed.rest))]
		if _, err := s.ApplyBatch(context.Background(), "g", batch); err != nil {
			b.Error(err)
			return 0
		}
		liveFeed.rest = liveFeed.rest[len(batch):]
		n += len(batch)
	}
	return float64(n) / time.Since(start).Seconds()
}

// applyPaced applies entries n at a time every period, as a projector keeping up
// with a producer would, until stop closes or they run out, and returns how late each
// batch's commit was behind its due time (when its last entry arrived).
func applyPaced(b *testing.B, s *store.Store, entries []ledger.Entry, n int, period time.Duration, stop chan struct{}) []time.Duration {
	var lags []time.Duration
	start := time.Now()
	for i := 0; i < len(entries); i += n {
		due := start.Add(time.Duration(i/n+1) * period)
		select {
		case <-stop:
			return lags
		case <-time.After(time.Until(due)):
		}
		if _, err := s.ApplyBatch(context.Background(), "g", entries[i:min(i+n, len(entries))]); err != nil {
			b.Error(err)
			return lags
		}
		lags = append(lags, time.Since(due))
	}
	return lags
}

func benchEntries(b *testing.B, n int, seed int64, start time.Time) []ledger.Entry {
	out, err := simulator.Entries(simulator.Options{Conversations: n, Seed: seed, Start: start, History: 24 * time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	ledger.DecodeEntries(out, nil)
	return out
}

// cpu is the CPU time this process used so far.
func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
