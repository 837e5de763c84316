package customerapi

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The environment variables the backend reads the configuration from; the
// reasons New refuses a configuration name them, since that is where it is set.
const (
	EnvSecret          = "BILLIE_CUSTOMER_JWT_SECRET"
	EnvPublicKey       = "BILLIE_CUSTOMER_JWT_PUBLIC_KEY"
	EnvIssuer          = "BILLIE_CUSTOMER_JWT_ISSUER"
	EnvAudience        = "BILLIE_CUSTOMER_JWT_AUDIENCE"
	EnvCORSOrigins     = "BILLIE_CORS_ORIGINS"
	EnvRatePerIP       = "BILLIE_CUSTOMER_RATE_PER_IP"
	EnvRatePerCustomer = "BILLIE_CUSTOMER_RATE_PER_CUSTOMER"
	// EnvTokenMaxLifetime is the longest lifetime (exp - iat) a token may have, as a
	// Go duration ("12h", "90m").
	EnvTokenMaxLifetime = "BILLIE_CUSTOMER_TOKEN_MAX_LIFETIME"
)

// Defaults and bounds.
const (
	DefaultRatePerIP       = 1200 // requests per minute from one client address
	DefaultRatePerCustomer = 300  // requests per minute for one customer
	DefaultTimeout         = 5 * time.Second
	DefaultLeeway          = 30 * time.Second
	DefaultTokenCache      = 50_000
	DefaultMaxTokenLife    = 12 * time.Hour
	MinSecretLen           = 32
	MinRSABits             = 2048
)

// Config is what the customer API needs. Exactly one of Secret (HS256) and PublicKey
// (RS256) must be set: the algorithm is pinned to the key, so a token signed with
// any other algorithm, including "none" and HS256 over the public key's bytes, is
// refused.
type Config struct {
	Secret    []byte
	PublicKey *rsa.PublicKey
	// Issuer and Audience, when set, must match the token's iss and aud.
	Issuer, Audience string
	// CORSOrigins are the portal's origins allowed to call from a browser ("*": any).
	CORSOrigins []string
	// RatePerIP and RatePerCustomer are requests per minute (0: the default, <0: off).
	RatePerIP, RatePerCustomer int
	// Timeout bounds each request's database work (0: DefaultTimeout).
	Timeout time.Duration
	// Leeway is the clock skew allowed on exp, nbf and iat (0: DefaultLeeway).
	Leeway time.Duration
	// MaxTokenLifetime caps a token's lifetime: a token must carry iat, and neither
	// exp - iat nor its age may exceed this (0: DefaultMaxTokenLife).
	MaxTokenLifetime time.Duration
	// ClientIP resolves the client address for the per-IP limit; the default is the
	// address chi's ClientIPFrom* middleware resolved, else the connection's peer.
	ClientIP func(*http.Request) string
	// TokenCache is how many verified tokens are remembered until they expire (0: the
	// default, <0: none).
	TokenCache int
	// Now is the clock for token validation (tests); time.Now when nil.
	Now func() time.Time
}

// ParseRSAPublicKeyPEM reads a PKIX ("PUBLIC KEY") or PKCS #1 ("RSA PUBLIC KEY") PEM
// block, or the public half of a certificate.
func ParseRSAPublicKeyPEM(b []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	var key any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			key = cert.PublicKey
		}
	default:
		return nil, fmt.Errorf("PEM block %q is not a public key", block.Type)
	}
	if err != nil {
		return nil, err
	}
	rk, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public key is %T, not RSA", key)
	}
	return rk, nil
}

// check says why c cannot serve, or nil.
func (c *Config) check() error {
	switch {
	case c.Secret == nil && c.PublicKey == nil:
		return fmt.Errorf("no token key: set %s (HS256) or %s (RS256)", EnvSecret, EnvPublicKey)
	case c.Secret != nil && c.PublicKey != nil:
		return fmt.Errorf("both %s and %s are set: set one, the algorithm is pinned to it", EnvSecret, EnvPublicKey)
	case c.Secret != nil && len(c.Secret) < MinSecretLen:
		return fmt.Errorf("%s is %d bytes: at least %d random bytes are required", EnvSecret, len(c.Secret), MinSecretLen)
	case c.PublicKey != nil && c.PublicKey.N.BitLen() < MinRSABits:
		return fmt.Errorf("%s is a %d-bit RSA key: at least %d bits are required", EnvPublicKey, c.PublicKey.N.BitLen(), MinRSABits)
	}
	for _, o := range c.CORSOrigins {
		if o != "*" && !strings.HasPrefix(o, "https://") && !strings.HasPrefix(o, "http://") {
			return fmt.Errorf("%s: origin %q must be scheme://host[:port] or *", EnvCORSOrigins, o)
		}
	}
	return nil
}
