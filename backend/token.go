package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/billie/supervisor/customerapi"
)

// runToken mints HS256 customer tokens for testing the customer API: one for
// --customer, or one per customer for --sample N customers picked at random from the
// database (lines "customerId<TAB>token", for load generators).
func runToken(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg config
	fs := newFlags("token", &cfg)
	customer := fs.String("customer", "", "the customer id (the token's sub)")
	sample := fs.Int("sample", 0, "instead: tokens for this many random customers of the database")
	secretEnv := fs.String("secret-env", customerapi.EnvSecret, "environment variable holding the HS256 secret")
	ttl := fs.Duration("ttl", time.Hour, "lifetime (exp - iat)")
	issuer := fs.String("issuer", os.Getenv(customerapi.EnvIssuer), "iss (default env "+customerapi.EnvIssuer+")")
	audience := fs.String("audience", os.Getenv(customerapi.EnvAudience), "aud (default env "+customerapi.EnvAudience+")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	secret := os.Getenv(*secretEnv)
	if len(secret) < customerapi.MinSecretLen {
		return fmt.Errorf("token: %s must hold the HS256 secret, at least %d bytes", *secretEnv, customerapi.MinSecretLen)
	}
	mint := func(sub string) (string, error) {
		now := time.Now()
		claims := jwt.RegisteredClaims{Subject: sub, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(*ttl)), Issuer: *issuer}
		if *audience != "" {
			claims.Audience = jwt.ClaimStrings{*audience}
		}
		return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	}
	switch {
	case *customer != "" && *sample == 0:
		tok, err := mint(*customer)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, tok)
		return nil
	case *customer == "" && *sample > 0:
	default:
		return errors.New("token: give --customer ID or --sample N")
	}
	st, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rows, err := st.DB().QueryContext(ctx,
		"SELECT DISTINCT customer_id FROM portal_applications ORDER BY random() LIMIT ?", *sample)
	if err != nil {
		return fmt.Errorf("token: sample customers: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		tok, err := mint(id)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\t%s\n", id, tok)
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n == 0 {
		return errors.New("token: the database has no customers; run backend load first")
	}
	return nil
}
