package web

import (
	"net"
	"net/http"
	"net/netip"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"
)

// ClientAddress resolves each request's client address for ClientIP: the
// X-Forwarded-For address when the connection comes from one of the trusted proxies,
// else the connection's peer. Without trusted proxies no header can change it, so a
// client cannot pick its own address for the per-address limits.
func ClientAddress(trustedProxies []netip.Prefix) func(http.Handler) http.Handler {
	if len(trustedProxies) == 0 {
		return middleware.ClientIPFromRemoteAddr
	}
	cidrs := make([]string, len(trustedProxies))
	for i, p := range trustedProxies {
		cidrs[i] = p.String()
	}
	return middleware.ClientIPFromXFF(cidrs...)
}

// ClientIP is the request's client address as ClientAddress resolved it (the
// connection's peer when it did not run), canonical: an IPv6 address is its /64.
func ClientIP(r *http.Request) string {
	if ip := middleware.GetClientIP(r.Context()); ip != "" {
		return httprate.CanonicalizeIP(ip)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return httprate.CanonicalizeIP(host)
}
