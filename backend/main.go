// Command backend is the authoritative chatLedger projector and the HTTP APIs, plus
// the operator's tools: the simulator, inspection, dead letters and status.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // --producer-tz names a zone on hosts without a zone database

	"github.com/spf13/cobra"

	"github.com/billie/supervisor/backend/gctune"
	"github.com/billie/supervisor/internal/version"
)

func main() {
	// The projector allocates per event (JSON in, JSON out) and with the default GOGC
	// of 100 the collector took a fifth of its CPU on a two-core machine. Collecting
	// at five times the live heap, under a soft limit of 1 GiB, keeps that to a few
	// percent and the process below the limit.
	gctune.Apply(gctune.Tuning{Percent: 400, MemoryLimit: 1 << 30}, os.Getenv("GOGC"), os.Getenv("GOMEMLIMIT"))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd(os.LookupEnv).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "backend:", err)
		os.Exit(1)
	}
}

// environ looks up an environment variable, as os.LookupEnv does. main passes the
// process's; tests pass their own, so no command reads the environment directly.
type environ func(key string) (string, bool)

// newRootCmd is the backend command with every subcommand. The connection flags are
// the root's, so they go anywhere on the command line; their defaults come from env.
func newRootCmd(env environ) *cobra.Command {
	cfg := defaultConfig(env)
	root := &cobra.Command{
		Use:   "backend",
		Short: "The Billie Supervisor backend: projector, HTTP APIs and operator tools",
		Long: `backend projects the chatLedger stream into SQLite read models and serves the HTTP
APIs (serve); its other commands are the operator's tools.

Every command takes the connection flags (--redis, --db, --stream, --group, ...);
each defaults to its environment variable, then to a value for a developer machine.`,
		Version:       version.Get().Long(), // set by the release build (package version)
		SilenceUsage:  true,
		SilenceErrors: true, // main prints them, prefixed "backend:"
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%w (see %s --help)", err, cmd.CommandPath())
	})
	cfg.register(root)
	root.AddCommand(
		newServeCmd(&cfg),
		newSimulateCmd(&cfg),
		newInspectCmd(&cfg),
		newDLQCmd(&cfg),
		newStatusCmd(&cfg),
		newRebuildCmd(&cfg),
		newReplayCmd(&cfg),
		newUserCmd(&cfg),
		newLoadCmd(&cfg),
		newBenchProjectorCmd(&cfg),
		newTokenCmd(&cfg),
		newBackupCmd(&cfg),
		newRestoreCmd(&cfg),
	)
	return root
}

// groupOf makes cmd a command that groups subs. Called with no subcommand it prints
// its help; with an unknown one it fails, where cobra would print the help and succeed.
func groupOf(cmd *cobra.Command, subs ...*cobra.Command) *cobra.Command {
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.Name()
	}
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		return fmt.Errorf("%s: unknown subcommand %q; want %s", cmd.Name(), args[0], strings.Join(names, ", "))
	}
	cmd.AddCommand(subs...)
	return cmd
}

// exactArgs is cobra.ExactArgs with the message the commands have always given.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("%s: expected %d argument(s), got %d (see %s --help)",
				strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" "), n, len(args), cmd.CommandPath())
		}
		return nil
	}
}
