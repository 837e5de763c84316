package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/billie/supervisor/backend/accounts"
)

// Where `backend user` reads passwords from; tests replace them.
var (
	userStdin    io.Reader = os.Stdin
	userPrompts  io.Writer = os.Stderr
	stdinTermFd            = func() (int, bool) { fd := int(os.Stdin.Fd()); return fd, term.IsTerminal(fd) }
	readTermPass           = term.ReadPassword
)

const userUsage = `usage:
  backend user add --email E --name N --role admin|supervisor
  backend user list [--json]
  backend user disable E
  backend user enable E
  backend user role E admin|supervisor
  backend user passwd E
Passwords are asked for on the terminal, or read from standard input (one line) when it is not one.`

func runUser(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(userPrompts, userUsage)
		return flag.ErrHelp
	}
	sub, args := args[0], args[1:]
	var cfg config
	fs := newFlags("user "+sub, &cfg)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), userUsage); fs.PrintDefaults() }
	email := fs.String("email", "", "the account's email (add)")
	name := fs.String("name", "", "display name (add)")
	role := fs.String("role", "", "admin or supervisor (add)")
	asJSON := fs.Bool("json", false, "print JSON (list)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	want := map[string]int{"add": 0, "list": 0, "disable": 1, "enable": 1, "role": 2, "passwd": 1}
	n, ok := want[sub]
	if !ok {
		fmt.Fprintln(userPrompts, userUsage)
		return fmt.Errorf("user: unknown subcommand %q", sub)
	}
	if len(pos) != n {
		fmt.Fprintln(userPrompts, userUsage)
		return fmt.Errorf("user %s: expected %d argument(s), got %d", sub, n, len(pos))
	}
	st, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc, err := accounts.New(st, accounts.Options{}, nil)
	if err != nil {
		return err
	}
	switch sub {
	case "add":
		if *email == "" || *name == "" || *role == "" {
			return errors.New("user add: --email, --name and --role are required")
		}
		if err := accounts.CheckRole(*role); err != nil {
			return err
		}
		pw, err := readNewPassword()
		if err != nil {
			return err
		}
		u, err := svc.Create(ctx, *email, *name, *role, pw)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s %s (id %d)\n", u.Role, u.Email, u.ID)
	case "list":
		users, err := svc.List(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(stdout, users)
		}
		printUsers(stdout, users)
	case "disable", "enable":
		v := sub == "disable"
		u, err := svc.UpdateByEmail(ctx, pos[0], accounts.Patch{Disabled: &v})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%sd %s\n", sub, u.Email)
	case "role":
		r := pos[1]
		u, err := svc.UpdateByEmail(ctx, pos[0], accounts.Patch{Role: &r})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is now %s\n", u.Email, u.Role)
	case "passwd":
		if _, err := svc.ByEmail(ctx, pos[0]); err != nil {
			return err
		}
		pw, err := readNewPassword()
		if err != nil {
			return err
		}
		u, err := svc.UpdateByEmail(ctx, pos[0], accounts.Patch{Password: &pw})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed; its sessions are ended\n", u.Email)
	}
	return nil
}

// parseInterspersed parses flags that may come before, between or after positional
// arguments, which it returns.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// readNewPassword asks twice on a terminal, or reads one line from standard input.
func readNewPassword() (string, error) {
	fd, isTerm := stdinTermFd()
	if !isTerm {
		line, err := bufio.NewReader(userStdin).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", fmt.Errorf("read password from stdin: %w", err)
		}
		pw := strings.TrimRight(line, "\r\n")
		return pw, accounts.CheckPassword(pw)
	}
	fmt.Fprint(userPrompts, "Password: ")
	a, err := readTermPass(fd)
	fmt.Fprintln(userPrompts)
	if err != nil {
		return "", err
	}
	if err := accounts.CheckPassword(string(a)); err != nil {
		return "", err
	}
	fmt.Fprint(userPrompts, "Again: ")
	b, err := readTermPass(fd)
	fmt.Fprintln(userPrompts)
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
