package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/billie/supervisor/backend/ledger/reader"
	"github.com/billie/supervisor/backend/rebuilds"
)

// `backend rebuild` and `backend replay` run the same jobs as the admin API
// (package rebuilds): through the running backend's operations listener when one
// answers there (or at --via), else in this process on the stopped server's database.

type jobFlags struct {
	via string
}

func newRebuildCmd(cfg *config) *cobra.Command {
	var f jobFlags
	var source string
	cmd := &cobra.Command{
		Use:   "rebuild",
		Short: "Rebuild the read models from the event archive (or the stream) and swap them in",
		Long: `Rebuild every read model from the event archive (--source archive) or from the Redis
stream (--source stream: only what the stream still holds, back to its trim horizon)
into a shadow database beside --db, catch it up and swap it in. Accounts, sessions and
dead letters are carried over. When a backend answers on --ops-addr (or --via), it runs
the job online while it keeps serving; otherwise the job runs here, on the stopped
server's database. A progress bar shows on a terminal.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runJob(cmd.Context(), cfg, f, rebuilds.Request{Source: source}, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&source, "source", rebuilds.SourceArchive, "archive or stream")
	cmd.Flags().StringVar(&f.via, "via", "", "the running backend's operations listener (default: --ops-addr when a backend answers there)")
	return cmd
}

func newReplayCmd(cfg *config) *cobra.Command {
	var f jobFlags
	var req rebuilds.Request
	cmd := &cobra.Command{
		Use:   "replay",
		Short: "Rebuild the records touched since a point, or one conversation's, from their whole history",
		Long: `Rebuild every record (conversation, customer, application, portal rows) touched by an
entry at or after --since (an RFC 3339 time or a stream ID), or those of one
--conversation, from their whole history in the archive, and replace exactly their
rows; every other row stays as it is. Runs on the backend answering on --ops-addr (or
--via) while it serves, else here on the stopped server's database.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (req.Since == "") == (req.Conversation == "") {
				return errors.New("replay: give --since or --conversation")
			}
			return runJob(cmd.Context(), cfg, f, req, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&req.Since, "since", "", "RFC 3339 time or stream ID")
	cmd.Flags().StringVar(&req.Conversation, "conversation", "", "conversation id")
	cmd.Flags().StringVar(&f.via, "via", "", "the running backend's operations listener (default: --ops-addr when a backend answers there)")
	return cmd
}

// runJob runs req on the running backend when one answers, else in this process, and
// shows its progress until it ends.
func runJob(ctx context.Context, cfg *config, f jobFlags, req rebuilds.Request, stdout, stderr io.Writer) error {
	addr := f.via
	if addr == "" {
		addr = cfg.opsAddr
	}
	base, err := opsURL(strings.TrimPrefix(strings.TrimPrefix(addr, "http://"), "https://"))
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 10 * time.Second}
	token, tokErr := readOpsToken(cfg.opsTokenPath())
	remote := &remoteJobs{client: client, base: base, token: token}
	if _, err := remote.jobs(ctx); err == nil {
		return followJob(ctx, remote, req, base, stdout, stderr)
	} else if !errors.Is(err, errNoServer) {
		// A backend answered and refused: running here beside it is no way round that.
		if tokErr != nil {
			err = fmt.Errorf("%w; %w", err, tokErr)
		}
		return fmt.Errorf("the backend at %s refused: %w", base, err)
	} else if f.via != "" {
		return fmt.Errorf("no backend answered at %s: %w", base, err)
	}
	if err := checkNoProjector(ctx, cfg); err != nil {
		return err
	}
	return runLocalJob(ctx, cfg, req, stdout, stderr)
}

// checkNoProjector refuses to work on the database while a projector of the group
// holds its lease (a backend serving without an operations listener this host reaches).
func checkNoProjector(ctx context.Context, cfg *config) error {
	rdb, err := cfg.openRedis(ctx)
	if err != nil {
		return nil // no Redis, no projector
	}
	defer rdb.Close()
	holder, err := rdb.Get(ctx, reader.LeaseKey(cfg.stream, cfg.group)).Result()
	if err == nil && holder != "" {
		return fmt.Errorf("a projector of group %s is running (it holds the lease) but no backend answered on %s: stop it or give --via its operations address", cfg.group, cfg.opsAddr)
	}
	return nil
}

// jobRunner is where a job runs: this process's rebuilds.Runner or a backend's.
type jobRunner interface {
	start(ctx context.Context, req rebuilds.Request) (rebuilds.Job, error)
	job(ctx context.Context, id string) (rebuilds.Job, error)
	cancel(ctx context.Context, id string) error
}

func runLocalJob(ctx context.Context, cfg *config, req rebuilds.Request, stdout, stderr io.Writer) error {
	release, err := lockRestore(cfg.db)
	if err != nil {
		return fmt.Errorf("%w: a backend serving it? ask it with --via its operations address, or stop it", err)
	}
	defer release()
	st, opsStore, err := cfg.openStores(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	defer opsStore.Close()
	rc := rebuilds.Config{Store: st, Checkpoint: cfg.group, Stream: cfg.stream, Log: cfg.logger(),
		Records: opsJobs{opsStore}, Audit: opsStore}
	if req.Source == rebuilds.SourceStream {
		rdb, err := cfg.openRedis(ctx)
		if err != nil {
			return err
		}
		defer rdb.Close()
		rc.Redis = rdb
	}
	r := rebuilds.New(context.WithoutCancel(ctx), rc)
	return followJob(ctx, localJobs{r: r, actor: cliActor(cfg)}, req, cfg.db, stdout, stderr)
}

// localJobs runs jobs in this process; actor names the CLI's user in the audit log.
type localJobs struct {
	r     *rebuilds.Runner
	actor string
}

func (l localJobs) start(ctx context.Context, req rebuilds.Request) (rebuilds.Job, error) {
	return l.r.Start(ctx, l.actor, req)
}
func (l localJobs) job(ctx context.Context, id string) (rebuilds.Job, error) { return l.r.Job(ctx, id) }
func (l localJobs) cancel(ctx context.Context, id string) error {
	_, err := l.r.Cancel(ctx, l.actor, id)
	return err
}

// followJob starts req on where and shows its progress until it ends; an interrupt
// cancels it.
func followJob(ctx context.Context, where jobRunner, req rebuilds.Request, place string, stdout, stderr io.Writer) error {
	j, err := where.start(ctx, req)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%s %s started on %s\n", j.Kind, j.ID, place)
	bar := newProgressBar(stderr)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			bar.end()
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			if err := where.cancel(cctx, j.ID); err != nil {
				return fmt.Errorf("%s %s: cancel: %w", j.Kind, j.ID, err)
			}
			return fmt.Errorf("%s %s cancelled", j.Kind, j.ID)
		case <-tick.C:
		}
		if j, err = where.job(ctx, j.ID); err != nil {
			bar.end()
			return err
		}
		bar.show(j)
		if j.State != rebuilds.Running {
			bar.end()
			break
		}
	}
	if j.State != rebuilds.Succeeded {
		return fmt.Errorf("%s %s %s: %s", j.Kind, j.ID, j.State, j.Error)
	}
	took := j.FinishedAt.Sub(j.StartedAt)
	fmt.Fprintf(stdout, "%s %s succeeded: %d events in %s (%.0f events/s)\n", j.Kind, j.ID, j.Done, took.Round(time.Millisecond), float64(j.Done)/max(took.Seconds(), 1e-9))
	return nil
}

// progressBar draws a job's progress on one terminal line; elsewhere (a pipe, a log)
// it writes a line every few seconds.
type progressBar struct {
	w        io.Writer
	terminal bool
	last     time.Time
	drawn    bool
}

func newProgressBar(w io.Writer) *progressBar {
	b := &progressBar{w: w}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			b.terminal = true
		}
	}
	return b
}

func (b *progressBar) show(j rebuilds.Job) {
	if !b.terminal && time.Since(b.last) < 5*time.Second && j.State == rebuilds.Running {
		return
	}
	b.last = time.Now()
	frac := 0.0
	if j.Total > 0 {
		frac = min(float64(j.Done)/float64(j.Total), 1)
	}
	const width = 30
	filled := int(frac * width)
	line := fmt.Sprintf("[%s%s] %3.0f%% %d/%d events, %.0f/s, ETA %s", strings.Repeat("#", filled), strings.Repeat("-", width-filled),
		frac*100, j.Done, j.Total, j.RatePerSec, (time.Duration(j.EtaSeconds) * time.Second).String())
	if b.terminal {
		fmt.Fprintf(b.w, "\r%s\x1b[K", line)
		b.drawn = true
		return
	}
	fmt.Fprintln(b.w, line)
}

func (b *progressBar) end() {
	if b.drawn {
		fmt.Fprintln(b.w)
		b.drawn = false
	}
}

// remoteJobs are the jobs of the backend whose operations listener is at base, asked
// with its operations token.
type remoteJobs struct {
	client *http.Client
	base   string
	token  string
}

func (r *remoteJobs) do(ctx context.Context, method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	setOpsToken(req, r.token)
	res, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("%w at %s: %w", errNoServer, r.base, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s%s answered %d: %s", method, r.base, path, res.StatusCode, strings.TrimSpace(string(b)))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func (r *remoteJobs) jobs(ctx context.Context) ([]rebuilds.Job, error) {
	var list struct {
		Items []rebuilds.Job `json:"items"`
	}
	err := r.do(ctx, http.MethodGet, "/rebuilds", nil, &list)
	return list.Items, err
}

func (r *remoteJobs) start(ctx context.Context, req rebuilds.Request) (rebuilds.Job, error) {
	var j rebuilds.Job
	err := r.do(ctx, http.MethodPost, "/rebuilds", req, &j)
	return j, err
}

func (r *remoteJobs) job(ctx context.Context, id string) (rebuilds.Job, error) {
	var j rebuilds.Job
	err := r.do(ctx, http.MethodGet, "/rebuilds/"+id, nil, &j)
	return j, err
}

func (r *remoteJobs) cancel(ctx context.Context, id string) error {
	return r.do(ctx, http.MethodDelete, "/rebuilds/"+id, nil, nil)
}
