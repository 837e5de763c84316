package main

import (
	"cmp"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/billie/supervisor/backend/web"
	"github.com/billie/supervisor/customerapi"
)

// envTrustedProxies lists the CIDRs of reverse proxies whose X-Forwarded-For is
// believed. Without it the client address is the connection's peer: a client cannot
// pick its own address for the per-IP limits by sending a header.
const envTrustedProxies = "BILLIE_TRUSTED_PROXIES"

// httpConfig is what the HTTP APIs are configured with, read once by the command.
type httpConfig struct {
	// trustedProxies are the proxies whose X-Forwarded-For names the client.
	trustedProxies []netip.Prefix
	// customer configures the customer API; customerErr, when set, is why it cannot
	// run (a value present but unusable): the backend still starts and answers 503 on
	// /api/customer with the reason.
	customer    customerapi.Config
	customerErr error
	// limits bound every request on both listeners.
	limits serverLimits
	// desktopACL issues desktops their own read-only ledger credential (envDesktopACL).
	desktopACL bool
}

// serverLimits bound a request's time on the backend's listeners. The zero value is
// the production policy.
type serverLimits struct {
	// request bounds any request's work (its context); grace is the time left after
	// it to read the body and write the answer (defaults web.RequestTimeout, 10 s).
	// The APIs set shorter deadlines of their own inside these.
	request, grace time.Duration
	// write is the server's WriteTimeout, the backstop should a handler escape the
	// middleware (default request + grace + 5 s).
	write time.Duration
}

func (l serverLimits) withDefaults() serverLimits {
	l.request = cmp.Or(l.request, web.RequestTimeout)
	l.grace = cmp.Or(l.grace, 10*time.Second)
	l.write = cmp.Or(l.write, l.request+l.grace+5*time.Second)
	return l
}

// httpConfigFrom reads the HTTP configuration from the environment main hands down (the
// customerapi.Env* variables and BILLIE_TRUSTED_PROXIES). It fails only on a trusted
// proxy that is not a CIDR prefix.
func httpConfigFrom(getenv func(string) string) (httpConfig, error) {
	var hc httpConfig
	var err error
	if hc.trustedProxies, err = parseTrustedProxies(getenv(envTrustedProxies)); err != nil {
		return hc, err
	}
	hc.customer, hc.customerErr = customerConfigFrom(getenv)
	if hc.desktopACL, err = desktopACLOn(getenv); err != nil {
		return hc, err
	}
	return hc, nil
}

func parseTrustedProxies(list string) ([]netip.Prefix, error) {
	var prefixes []netip.Prefix
	for _, p := range strings.Split(list, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a CIDR prefix", envTrustedProxies, p)
		}
		prefixes = append(prefixes, prefix)
	}
	return prefixes, nil
}

// customerConfigFrom reads the customer API's configuration (see the
// customerapi.Env constants). BILLIE_CUSTOMER_JWT_PUBLIC_KEY holds the PEM text
// itself or the path of a PEM file. It fails only on values that are present but
// unusable; a missing key is reported by customerapi.New, so that the backend can
// still start and answer 503 on /api/customer.
func customerConfigFrom(getenv func(string) string) (customerapi.Config, error) {
	var c customerapi.Config
	if s := getenv(customerapi.EnvSecret); s != "" {
		c.Secret = []byte(s)
	}
	if s := strings.TrimSpace(getenv(customerapi.EnvPublicKey)); s != "" {
		pemText := []byte(s)
		if !strings.HasPrefix(s, "-----BEGIN") {
			b, err := os.ReadFile(s)
			if err != nil {
				return c, fmt.Errorf("%s: %w", customerapi.EnvPublicKey, err)
			}
			pemText = b
		}
		key, err := customerapi.ParseRSAPublicKeyPEM(pemText)
		if err != nil {
			return c, fmt.Errorf("%s: %w", customerapi.EnvPublicKey, err)
		}
		c.PublicKey = key
	}
	var err error
	if c.MaxTokenLifetime, err = tokenMaxLifetime(getenv); err != nil {
		return c, err
	}
	c.Issuer = strings.TrimSpace(getenv(customerapi.EnvIssuer))
	c.Audience = strings.TrimSpace(getenv(customerapi.EnvAudience))
	for _, o := range strings.Split(getenv(customerapi.EnvCORSOrigins), ",") {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	for _, v := range []struct {
		name string
		dst  *int
	}{{customerapi.EnvRatePerIP, &c.RatePerIP}, {customerapi.EnvRatePerCustomer, &c.RatePerCustomer}} {
		if s := strings.TrimSpace(getenv(v.name)); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return c, fmt.Errorf("%s: %q is not a whole number of requests per minute", v.name, s)
			}
			*v.dst = n
		}
	}
	return c, nil
}

// tokenMaxLifetime is the cap on customer tokens' lifetime from
// BILLIE_CUSTOMER_TOKEN_MAX_LIFETIME, customerapi.DefaultMaxTokenLife when unset.
func tokenMaxLifetime(getenv func(string) string) (time.Duration, error) {
	s := strings.TrimSpace(getenv(customerapi.EnvTokenMaxLifetime))
	if s == "" {
		return customerapi.DefaultMaxTokenLife, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s: %q is not a positive duration like 12h or 90m", customerapi.EnvTokenMaxLifetime, s)
	}
	return d, nil
}
