package simulator

import (
	"testing"
	"time"
)

// BenchmarkGenerate measures the generator alone: one op is a full run of
// 1,000 conversations over two days of history.
func BenchmarkGenerate(b *testing.B) {
	for _, messy := range []bool{false, true} {
		name := "clean"
		if messy {
			name = "messy"
		}
		b.Run(name, func(b *testing.B) {
			o := Options{Conversations: 1000, Seed: 1, Messy: messy, Start: anchor, History: 48 * time.Hour}
			events := 0
			start := time.Now()
			for b.Loop() {
				g, err := New(o)
				if err != nil {
					b.Fatal(err)
				}
				for _, ok := g.Next(); ok; _, ok = g.Next() {
					events++
				}
			}
			b.ReportMetric(float64(events)/float64(b.N), "events/op")
			b.ReportMetric(float64(events)/time.Since(start).Seconds(), "events/s")
		})
	}
}
