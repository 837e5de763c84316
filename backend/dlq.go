package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/billie/supervisor/backend/deadletters"
)

// dlqFilter are the filter flags of dlq list, retry and drop.
type dlqFilter struct {
	deadletters.Filter
}

func (f *dlqFilter) flags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.Reason, "reason", "", "only dead letters whose reason holds this text (any case)")
	fs.StringVar(&f.Type, "type", "", "only entries of this typ")
	fs.StringVar(&f.Since, "since", "", "only those dead-lettered at or after this RFC 3339 time")
	fs.StringVar(&f.Until, "until", "", "only those dead-lettered before this RFC 3339 time")
}

func (f *dlqFilter) given() bool { return f.Filter != (deadletters.Filter{}) }

func newDLQCmd(cfg *config) *cobra.Command {
	var lf dlqFilter
	var limit int
	var cursor string
	list := &cobra.Command{
		Use:   "list",
		Short: "Print the dead letters as JSON, newest first",
		Long: `Print a page of the dead letters as JSON, newest first: {"items":[...],"total":N,
"nextCursor":"..."}; pass --cursor with nextCursor for the next page.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withDeadLetters(cmd.Context(), cfg, func(svc *deadletters.Service) error {
				page, err := svc.List(cmd.Context(), lf.Filter, cursor, limit)
				if err != nil {
					return err
				}
				return printJSON(cmd.OutOrStdout(), page)
			})
		},
	}
	lf.flags(list)
	list.Flags().IntVar(&limit, "limit", deadletters.DefaultLimit, fmt.Sprintf("at most this many (1 to %d)", deadletters.MaxLimit))
	list.Flags().StringVar(&cursor, "cursor", "", "continue after the page whose nextCursor this is")
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Print one dead letter with its original fields as JSON",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withDeadLetters(cmd.Context(), cfg, func(svc *deadletters.Service) error {
				d, err := svc.Get(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				return printJSON(cmd.OutOrStdout(), d)
			})
		},
	}
	return groupOf(&cobra.Command{
		Use:   "dlq",
		Short: "List, show, retry or drop dead letters",
		Long: `List, show, retry or drop the dead letters of --db: the entries the projector could
not apply, kept with their original fields (minus tax values) and the reason. Retry
applies an entry through the reducer again, now, out of stream order: applied, it
leaves the dead letters; still bad, it stays with its new reason and one more retry.
Drop removes one after recording everything it held in the audit log. Both work while
serve runs (the same database file) and are the admin API's /api/admin/dead-letters.`,
		Example: "  backend dlq list --type user_input\n  backend dlq show 1764000000000-0\n  backend dlq retry 1764000000000-0\n" +
			"  backend dlq retry --reason 'not JSON'\n  backend dlq drop --all",
	}, list, show, newResolveCmd(cfg, "retry"), newResolveCmd(cfg, "drop"))
}

// newResolveCmd is dlq retry or dlq drop.
func newResolveCmd(cfg *config, verb string) *cobra.Command {
	var all, asJSON bool
	var f dlqFilter
	short := "Drop dead letters, each recorded in the audit log first"
	if verb == "retry" {
		short = "Apply dead letters through the reducer again"
	}
	cmd := &cobra.Command{
		Use:   verb + " ID...|--all|--reason/--type/--since/--until",
		Short: short,
		RunE: func(cmd *cobra.Command, ids []string) error {
			var sel deadletters.Selection
			given := 0
			if len(ids) > 0 {
				sel.IDs, given = ids, given+1
			}
			if all {
				sel.All, given = true, given+1
			}
			if f.given() {
				sel.Filter, given = &f.Filter, given+1
			}
			if given != 1 {
				return fmt.Errorf("dlq %s: name the dead letters with IDs, --all or filter flags (one of the three)", verb)
			}
			out := newProgressOut(cmd.OutOrStdout(), os.Stderr, verb, asJSON)
			return withDeadLetters(cmd.Context(), cfg, func(svc *deadletters.Service) error {
				return resolveDeadLetters(cmd.Context(), svc, cliActor(cfg), verb, sel, asJSON, out)
			})
		},
	}
	f.flags(cmd)
	cmd.Flags().BoolVar(&all, "all", false, "every dead letter")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON (as the API answers) instead of lines")
	return cmd
}

// withDeadLetters runs f with the dead-letter service over cfg's database, recording in
// the operations store's audit log.
func withDeadLetters(ctx context.Context, cfg *config, f func(*deadletters.Service) error) error {
	st, opsStore, err := cfg.openStores(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	defer opsStore.Close()
	return f(deadletters.New(st, opsStore))
}

func resolveDeadLetters(ctx context.Context, svc *deadletters.Service, actor, verb string, sel deadletters.Selection, asJSON bool, out *progressOut) error {
	stdout := out.w
	var rep any
	var summary string
	var err error
	if verb == "retry" {
		var r deadletters.RetryReport
		r, err = svc.Retry(ctx, actor, sel, out.progress)
		rep, summary = r, fmt.Sprintf("retried %d: %d applied, %d still dead", r.Retried, r.Applied, r.StillDead)
	} else {
		var r deadletters.DropReport
		r, err = svc.Drop(ctx, actor, sel, out.progress)
		rep, summary = r, fmt.Sprintf("dropped %d", r.Dropped)
	}
	out.done()
	if err != nil {
		return fmt.Errorf("dlq %s: %w (the dead letters before it are done)", verb, err)
	}
	if asJSON {
		return printJSON(stdout, rep)
	}
	_, err = fmt.Fprintln(stdout, summary)
	return err
}

// progressOut shows a retry's or drop's progress: a bar redrawn in place when stdout
// is a terminal, else one plain line per dead letter (none with --json). It is also
// where the audit log lines go (to stderr), so that on a terminal they print above
// the bar instead of through it.
type progressOut struct {
	w      io.Writer // stdout
	log    io.Writer // stderr
	verb   string
	bar    bool
	quiet  bool
	failed int
	drawn  string // the bar as last drawn
}

func newProgressOut(w, log io.Writer, verb string, quiet bool) *progressOut {
	f, ok := w.(*os.File)
	return &progressOut{w: w, log: log, verb: verb, quiet: quiet, bar: !quiet && ok && term.IsTerminal(int(f.Fd()))}
}

// Write writes a log line; over the bar, which it draws again below.
func (p *progressOut) Write(b []byte) (int, error) {
	if p.drawn != "" {
		fmt.Fprint(p.w, "\r\033[K")
	}
	n, err := p.log.Write(b)
	if p.drawn != "" {
		fmt.Fprint(p.w, p.drawn)
	}
	return n, err
}

const barWidth = 30

func (p *progressOut) progress(done, total int, r deadletters.Result) {
	if !r.OK {
		p.failed++
	}
	switch {
	case p.quiet:
	case p.bar:
		filled := barWidth * done / max(total, 1)
		p.drawn = fmt.Sprintf("%s [%s%s] %d/%d, %d not %s", p.verb, strings.Repeat("#", filled), strings.Repeat("-", barWidth-filled),
			done, total, p.failed, map[string]string{"retry": "applied", "drop": "dropped"}[p.verb])
		fmt.Fprint(p.w, "\r\033[K"+p.drawn)
	case r.OK && p.verb == "retry":
		fmt.Fprintf(p.w, "%s applied\n", r.ID)
	case r.OK:
		fmt.Fprintf(p.w, "%s dropped\n", r.ID)
	case r.Reason == deadletters.NoSuchDeadLetter:
		fmt.Fprintf(p.w, "%s: %s\n", r.ID, r.Reason)
	default:
		fmt.Fprintf(p.w, "%s still dead: %s\n", r.ID, r.Reason)
	}
}

// done ends the bar's line.
func (p *progressOut) done() {
	if p.drawn != "" {
		fmt.Fprintln(p.w)
		p.drawn = ""
	}
}
