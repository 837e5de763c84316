package breaker

import "github.com/prometheus/client_golang/prometheus"

var openDesc = prometheus.NewDesc("billie_breaker_open",
	"1 while the circuit breaker of a dependency for a client is not closed (open, or half-open with its probe), else 0.",
	[]string{"dependency", "client"}, nil)

// Collector is the set's gauge billie_breaker_open{dependency, client}, read at
// scrape time.
func (s *Set) Collector() prometheus.Collector { return collector{s} }

type collector struct{ s *Set }

func (c collector) Describe(ch chan<- *prometheus.Desc) { ch <- openDesc }

func (c collector) Collect(ch chan<- prometheus.Metric) {
	for _, b := range c.s.All() {
		v := 0.0
		if b.State() != "closed" {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(openDesc, prometheus.GaugeValue, v, b.dependency, b.client)
	}
}
