package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/spf13/cobra"

	"github.com/billie/supervisor/customerapi"
)

type tokenFlags struct {
	customer, secretEnv, issuer, audience string
	sample                                int
	ttl                                   time.Duration
}

func newTokenCmd(cfg *config) *cobra.Command {
	var f tokenFlags
	cmd := &cobra.Command{
		Use:   "token --customer ID | --sample N",
		Short: "Mint HS256 customer-API tokens for testing",
		Long: `Mint HS256 customer tokens for testing the customer API: one for --customer, or one
per customer for --sample N customers picked at random from --db (lines
"customerId<TAB>token", for load generators). The secret is read from the environment
variable --secret-env names. Tokens carry iat; --ttl may not exceed the API's cap on a
token's lifetime (` + customerapi.EnvTokenMaxLifetime + `, default 12h).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runToken(cmd.Context(), cfg, f, cmd.OutOrStdout()) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.customer, "customer", "", "the customer id (the token's sub)")
	fs.IntVar(&f.sample, "sample", 0, "instead: tokens for this many random customers of the database")
	fs.StringVar(&f.secretEnv, "secret-env", customerapi.EnvSecret, "environment variable holding the HS256 secret")
	fs.DurationVar(&f.ttl, "ttl", time.Hour, "lifetime (exp - iat), at most the cap (env "+customerapi.EnvTokenMaxLifetime+", default 12h)")
	fs.StringVar(&f.issuer, "issuer", cfg.getenv(customerapi.EnvIssuer), "iss (default env "+customerapi.EnvIssuer+")")
	fs.StringVar(&f.audience, "audience", cfg.getenv(customerapi.EnvAudience), "aud (default env "+customerapi.EnvAudience+")")
	return cmd
}

// runToken prints one token for f.customer, or tokens for f.sample customers.
func runToken(ctx context.Context, cfg *config, f tokenFlags, stdout io.Writer) error {
	secret := cfg.getenv(f.secretEnv)
	if len(secret) < customerapi.MinSecretLen {
		return fmt.Errorf("token: %s must hold the HS256 secret, at least %d bytes", f.secretEnv, customerapi.MinSecretLen)
	}
	limit, err := tokenMaxLifetime(cfg.getenv)
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	if f.ttl <= 0 || f.ttl > limit {
		return fmt.Errorf("token: --ttl %s: the API accepts lifetimes up to %s (%s)", f.ttl, limit, customerapi.EnvTokenMaxLifetime)
	}
	mint := func(sub string) (string, error) {
		now := time.Now()
		claims := jwt.RegisteredClaims{Subject: sub, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(f.ttl)), Issuer: f.issuer}
		if f.audience != "" {
			claims.Audience = jwt.ClaimStrings{f.audience}
		}
		return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	}
	switch {
	case f.customer != "" && f.sample == 0:
		tok, err := mint(f.customer)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, tok)
		return nil
	case f.customer == "" && f.sample > 0:
	default:
		return errors.New("token: give --customer ID or --sample N")
	}
	st, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ids, err := st.PortalCustomers(ctx)
	if err != nil {
		return fmt.Errorf("token: sample customers: %w", err)
	}
	rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	n := 0
	for _, id := range ids[:min(f.sample, len(ids))] {
		tok, err := mint(id)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\t%s\n", id, tok)
		n++
	}
	if n == 0 {
		return errors.New("token: the database has no customers; run backend load first")
	}
	return nil
}
