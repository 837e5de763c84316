package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/billie/supervisor/customerapi"
)

// TestCustomerConfigFromEnv: the RS256 key is read from the PEM text in the variable
// or from the file it names (moved here from customerapi with the reading).
func TestCustomerConfigFromEnv(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	file := filepath.Join(t.TempDir(), "pub.pem")
	if err := os.WriteFile(file, pubPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(customerapi.EnvSecret, "")
	for name, value := range map[string]string{"RS256 key from env PEM": string(pubPEM), "RS256 key from a PEM file": file} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(customerapi.EnvPublicKey, value)
			cfg, err := customerConfigFrom(os.Getenv)
			if err != nil || cfg.PublicKey == nil || !cfg.PublicKey.Equal(&key.PublicKey) {
				t.Fatalf("config %+v, %v", cfg, err)
			}
		})
	}
	t.Setenv(customerapi.EnvPublicKey, "")
	t.Setenv(customerapi.EnvRatePerIP, "lots")
	if _, err := customerConfigFrom(os.Getenv); err == nil || !strings.Contains(err.Error(), customerapi.EnvRatePerIP) {
		t.Errorf("a rate that is not a number: %v", err)
	}
	t.Setenv(customerapi.EnvRatePerIP, " 12 ")
	t.Setenv(customerapi.EnvCORSOrigins, " https://portal.test/ ,, https://b.test")
	cfg, err := customerConfigFrom(os.Getenv)
	if err != nil || cfg.RatePerIP != 12 || strings.Join(cfg.CORSOrigins, " ") != "https://portal.test https://b.test" {
		t.Errorf("config %+v, %v", cfg, err)
	}
	if cfg.MaxTokenLifetime != customerapi.DefaultMaxTokenLife {
		t.Errorf("default token lifetime cap %s", cfg.MaxTokenLifetime)
	}
	t.Setenv(customerapi.EnvTokenMaxLifetime, " 90m ")
	if cfg, err := customerConfigFrom(os.Getenv); err != nil || cfg.MaxTokenLifetime != 90*time.Minute {
		t.Errorf("token lifetime cap %s, %v", cfg.MaxTokenLifetime, err)
	}
	t.Setenv(customerapi.EnvTokenMaxLifetime, "0s")
	if _, err := customerConfigFrom(os.Getenv); err == nil || !strings.Contains(err.Error(), customerapi.EnvTokenMaxLifetime) {
		t.Errorf("a zero cap: %v", err)
	}
}
