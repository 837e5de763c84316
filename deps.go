package main

import (
	_ "github.com/cenkalti/backoff/v4"
	_ "github.com/getkin/kin-openapi/openapi3"
	_ "github.com/go-chi/chi/v5"
	_ "github.com/go-chi/httprate"
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/redis/go-redis/v9"
	_ "github.com/sony/gobreaker"
	_ "github.com/wailsapp/wails/v2"
	_ "golang.org/x/crypto/argon2"
	_ "golang.org/x/term"
	_ "modernc.org/sqlite"
)
