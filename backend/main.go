// Command backend is the authoritative chatLedger projector and the HTTP APIs, plus
// the operator's tools: the simulator, inspection, dead letters and status.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the projector and the HTTP APIs", runServe},
		{"simulate", "write realistic live conversations to the stream", runSimulate},
		{"inspect", "print a projected conversation, customer or application as JSON", runInspect},
		{"dlq", "list, retry or drop dead letters", runDLQ},
		{"status", "stream length, group lag and pending, last applied ID, dead letters", runStatus},
		{"rebuild", "rebuild the read models from the event archive into a new database", runRebuild},
		{"user", "add, list, disable, enable, re-role supervisor accounts, set passwords", runUser},
		{"load", "fill the database straight from the simulator, without Redis (benchmarks)", runLoad},
		{"bench-projector", "benchmark: project a filled stream from zero, then rebuild from the archive", runBenchProjector},
		{"token", "mint HS256 customer-API tokens for testing", runToken},
	}
}

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := dispatch(ctx, os.Args[1:], os.Stdout)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "backend:", err)
		os.Exit(1)
	}
}

// tuneGC trades memory for CPU unless the operator chose with GOGC or GOMEMLIMIT:
// the projector allocates per event (JSON in, JSON out) and with the default GOGC
// of 100 the collector took a fifth of its CPU on a two-core machine. Collecting at
// five times the live heap, under a soft limit of 1 GiB, keeps that to a few percent
// and the process below the limit.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}
}

func dispatch(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(os.Stderr)
		return flag.ErrHelp
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout)
		}
	}
	usage(os.Stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: backend <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --redis, --db, --stream, --group and the other connection flags; see backend <command> -h.")
}

// newFlags makes a subcommand's flag set with the shared connection flags.
func newFlags(name string, cfg *config) *flag.FlagSet {
	fs := flag.NewFlagSet("backend "+name, flag.ContinueOnError)
	cfg.register(fs)
	return fs
}
