package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/billie/supervisor/backend/accounts"
)

// How `backend user` tells a terminal and reads a password from it; tests replace them.
var (
	terminalFd = func(in io.Reader) (int, bool) {
		f, ok := in.(*os.File)
		if !ok {
			return 0, false
		}
		fd := int(f.Fd())
		return fd, term.IsTerminal(fd)
	}
	readTermPass = term.ReadPassword
)

func newUserCmd(cfg *config) *cobra.Command {
	var add struct{ email, name, role string }
	addCmd := &cobra.Command{
		Use:   "add --email E --name N --role admin|supervisor",
		Short: "Add an account; its password is asked for",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if add.email == "" || add.name == "" || add.role == "" {
				return errors.New("user add: --email, --name and --role are required")
			}
			return withAccounts(cmd, cfg, func(svc *accounts.Service) error {
				return addUser(cmd, svc, add.email, add.name, add.role)
			})
		},
	}
	addCmd.Flags().StringVar(&add.email, "email", "", "the account's email")
	addCmd.Flags().StringVar(&add.name, "name", "", "display name")
	addCmd.Flags().StringVar(&add.role, "role", "", "admin or supervisor")
	_ = addCmd.RegisterFlagCompletionFunc("role", completeRoles)

	var asJSON bool
	listCmd := &cobra.Command{
		Use:   "list",
		Short: "List the accounts",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withAccounts(cmd, cfg, func(svc *accounts.Service) error {
				return listUsers(cmd.Context(), svc, asJSON, cmd.OutOrStdout())
			})
		},
	}
	listCmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	var unlockEmail string
	unlockCmd := &cobra.Command{
		Use:   "unlock --email E",
		Short: "Lift the sign-in locks of an account, through the running backend",
		Long: `Forget the failed sign-ins of an email, from every client address: its locks and its
slow-down. The counts live in the memory of the running backend (backend serve), so this
asks it, on its operations listener (--ops-addr, env ` + envOpsAddr + `); a backend that is
not running holds no locks. Admins can do the same with POST /api/admin/users/{id}/unlock.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(unlockEmail) == "" {
				return errors.New("user unlock: --email is required")
			}
			return unlockUser(cmd, cfg.opsAddr, cfg.opsTokenPath(), unlockEmail, cliActor(cfg))
		},
	}
	unlockCmd.Flags().StringVar(&unlockEmail, "email", "", "the account's email")

	return groupOf(&cobra.Command{
		Use:   "user",
		Short: "Add, list, disable, enable, re-role supervisor accounts, set passwords",
		Long: `Manage the supervisor accounts in the operations store (--ops-db). Passwords are asked for on the terminal, or
read from standard input (one line) when it is not one.`,
		Example: `  backend user add --email E --name N --role admin|supervisor
  printf '%s\n' "$PW" | backend user add --email E --name N --role supervisor
  backend user list [--json]
  backend user disable E
  backend user enable E
  backend user role E admin|supervisor
  backend user passwd E
  backend user unlock --email E`,
	}, addCmd, listCmd, unlockCmd,
		newUserSetCmd(cfg, "disable E", "Disable an account and end its sessions", 1, disableUser(true)),
		newUserSetCmd(cfg, "enable E", "Enable a disabled account", 1, disableUser(false)),
		newUserSetCmd(cfg, "role E admin|supervisor", "Change an account's role", 2, setRole),
		newUserSetCmd(cfg, "passwd E", "Set an account's password and end its sessions", 1, setPassword),
	)
}

func completeRoles(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return []cobra.Completion{"admin", "supervisor"}, cobra.ShellCompDirectiveNoFileComp
}

// userChange changes the account named by args[0].
type userChange func(cmd *cobra.Command, svc *accounts.Service, args []string) error

// newUserSetCmd is a user subcommand that changes one account given by email.
func newUserSetCmd(cfg *config, use, short string, nargs int, change userChange) *cobra.Command {
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs(nargs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withAccounts(cmd, cfg, func(svc *accounts.Service) error { return change(cmd, svc, args) })
		},
	}
	if nargs == 2 {
		cmd.ValidArgsFunction = func(cmd *cobra.Command, args []string, s string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) == 1 {
				return completeRoles(cmd, args, s)
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
	}
	return cmd
}

// withAccounts runs f with the accounts service of cfg's database.
func withAccounts(cmd *cobra.Command, cfg *config, f func(*accounts.Service) error) error {
	st, err := cfg.openOps(cmd.Context())
	if err != nil {
		return err
	}
	defer st.Close()
	var o accounts.Options
	// Disabling an account or setting its password here revokes its desktops'
	// credentials too, as the admin API does.
	if on, err := desktopACLOn(cfg.getenv); err != nil {
		return err
	} else if on {
		// Without Redis the accounts still change; the ended sessions' credentials then
		// go at the running backend's next sweep.
		if rdb, err := cfg.openRedis(cmd.Context()); err != nil {
			cfg.logger().Warn("desktop ledger credentials not revoked now: Redis is not reachable; the backend's sweep deletes those of ended sessions", "err", err)
		} else {
			defer rdb.Close()
			o.Ledger = desktopLedger(cmd.Context(), cfg.logger(), rdb, cfg.stream, cfg.group, true)
		}
	}
	o.Audit = st
	svc, err := accounts.New(st, o, nil)
	if err != nil {
		return err
	}
	cmd.SetContext(accounts.WithActor(cmd.Context(), cliActor(cfg)))
	return f(svc)
}

// cliActor is the audit log's actor of a change made with this command: cli:<the
// operating-system user>.
func cliActor(cfg *config) string {
	name := cfg.getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if name == "" {
		name = "unknown"
	}
	return "cli:" + name
}

// unlockUser asks the backend serving on opsAddr to forget email's failed sign-ins,
// with the operations token from tokenFile.
func unlockUser(cmd *cobra.Command, opsAddr, tokenFile, email, actor string) error {
	token, tokErr := readOpsToken(tokenFile)
	ans, err := unlockViaOps(cmd.Context(), &http.Client{Timeout: 10 * time.Second}, opsAddr, token, email, actor)
	if errors.Is(err, errNoServer) {
		return fmt.Errorf("user unlock: %w; sign-in locks live in the running backend's memory, so start it or give its --ops-addr", err)
	}
	if err != nil {
		if tokErr != nil {
			err = fmt.Errorf("%w; %w", err, tokErr)
		}
		return fmt.Errorf("user unlock: %w", err)
	}
	if !ans.Unlocked {
		fmt.Fprintf(cmd.OutOrStdout(), "%s had no failed sign-ins\n", ans.Email)
		return nil
	}
	fmt.Fprintf(cmd.OutOrStdout(), "unlocked %s: its failed sign-ins are forgotten\n", ans.Email)
	return nil
}

func addUser(cmd *cobra.Command, svc *accounts.Service, email, name, role string) error {
	if err := accounts.CheckRole(role); err != nil {
		return err
	}
	pw, err := readNewPassword(cmd.InOrStdin(), cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	u, err := svc.Create(cmd.Context(), email, name, role, pw)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "created %s %s (id %d)\n", u.Role, u.Email, u.ID)
	return nil
}

func listUsers(ctx context.Context, svc *accounts.Service, asJSON bool, stdout io.Writer) error {
	users, err := svc.List(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(stdout, users)
	}
	printUsers(stdout, users)
	return nil
}

func disableUser(disabled bool) userChange {
	return func(cmd *cobra.Command, svc *accounts.Service, args []string) error {
		u, err := svc.UpdateByEmail(cmd.Context(), args[0], accounts.Patch{Disabled: &disabled})
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%sd %s\n", cmd.Name(), u.Email)
		return nil
	}
}

func setRole(cmd *cobra.Command, svc *accounts.Service, args []string) error {
	u, err := svc.UpdateByEmail(cmd.Context(), args[0], accounts.Patch{Role: &args[1]})
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s is now %s\n", u.Email, u.Role)
	return nil
}

func setPassword(cmd *cobra.Command, svc *accounts.Service, args []string) error {
	if _, err := svc.ByEmail(cmd.Context(), args[0]); err != nil {
		return err
	}
	pw, err := readNewPassword(cmd.InOrStdin(), cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	u, err := svc.UpdateByEmail(cmd.Context(), args[0], accounts.Patch{Password: &pw})
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "password of %s changed; its sessions are ended\n", u.Email)
	return nil
}

// readNewPassword asks twice on a terminal, or reads one line from standard input.
func readNewPassword(in io.Reader, prompts io.Writer) (string, error) {
	fd, isTerm := terminalFd(in)
	if !isTerm {
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", fmt.Errorf("read password from stdin: %w", err)
		}
		pw := strings.TrimRight(line, "\r\n")
		return pw, accounts.CheckPassword(pw)
	}
	fmt.Fprint(prompts, "Password: ")
	a, err := readTermPass(fd)
	fmt.Fprintln(prompts)
	if err != nil {
		return "", err
	}
	if err := accounts.CheckPassword(string(a)); err != nil {
		return "", err
	}
	fmt.Fprint(prompts, "Again: ")
	b, err := readTermPass(fd)
	fmt.Fprintln(prompts)
	if err != nil {
		return "", err
	}
	if string(a) != string(b) {
		return "", errors.New("the passwords differ")
	}
	return string(a), nil
}

func printUsers(w io.Writer, users []accounts.User) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tSTATE\tLAST SIGN-IN")
	for _, u := range users {
		state, last := "enabled", "never"
		if u.Disabled {
			state = "disabled"
		}
		if u.LastLoginAt != nil {
			last = u.LastLoginAt.Local().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Name, u.Role, state, last)
	}
	tw.Flush()
}
