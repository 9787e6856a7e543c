// Package cli is imrbot's command line: it parses flags and environment,
// builds the logger, opens the database and runs one subcommand. Each
// subcommand lives in its own cmd_*.go file.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kong"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// DefaultDatabaseURL is used when DATABASE_URL is unset.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// CLI is the command tree.
type CLI struct {
	Serve          ServeCmd          `cmd:"" help:"Run the bot, the reminder dispatcher and the HTTP listener."`
	Migrate        MigrateCmd        `cmd:"" help:"Apply database migrations and exit."`
	Site           SiteCmd           `cmd:"" help:"Manage sites."`
	Invite         InviteCmd         `cmd:"" help:"Create participants and print their invitation links."`
	Participant    ParticipantCmd    `cmd:"" help:"Correct a participant's data."`
	Participants   ParticipantsCmd   `cmd:"" help:"List the participants with their status: a header line, then one tab-separated line each."`
	Due            DueCmd            `cmd:"" help:"List open and overdue follow-ups."`
	Remind         RemindCmd         `cmd:"" help:"Send reminders now."`
	Export         ExportCmd         `cmd:"" help:"Export the answers as CSV."`
	Answers        AnswersCmd        `cmd:"" help:"Import answers collected on paper."`
	Report         ReportCmd         `cmd:"" help:"Write the study's outcome report."`
	Questionnaires QuestionnairesCmd `cmd:"" help:"List, lint and show questionnaire definitions."`
	Demo           DemoCmd           `cmd:"" help:"Try the bot in the terminal against a built-in Telegram look-alike."`
	Desk           DeskCmd           `cmd:"" help:"The coordinators' web desk: login links and study-wide access."`
	Rehearse       RehearseCmd       `cmd:"" help:"Dry-run the study in a database of its own: a simulated cohort through the real bot and a year of reminders, written out as exports, codebooks, report and reminders log."`
}

// App is what every subcommand runs with: the process's streams and
// environment, a clock, and lazily opened resources.
type App struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time
	Logger         *slog.Logger
	Context        context.Context

	store   *store.Store
	catalog *questionnaires.Catalog
}

// UsageError is bad input: exit status 2, nothing changed.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// Usagef makes a UsageError.
func Usagef(format string, args ...any) error {
	return UsageError{Err: fmt.Errorf(format, args...)}
}

// ExitError ends the command with Code after printing Err (when non-nil).
type ExitError struct {
	Code int
	Err  error
}

func (e ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}
func (e ExitError) Unwrap() error { return e.Err }

// Main runs imrbot with args (without the program name) and returns the
// process's exit status.
func Main(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return mainAt(ctx, time.Now, args, stdout, stderr, getenv)
}

// mainAt is Main with its context and clock given, so that tests run a
// command at a time of their choosing exactly as the binary runs it.
func mainAt(ctx context.Context, now func() time.Time, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	logger, err := newLogger(stderr, getenv("LOG_LEVEL"), getenv("LOG_FORMAT"))
	if err != nil {
		fmt.Fprintf(stderr, "imrbot: %v\n", err)
		return 2
	}
	app := &App{Stdout: stdout, Stderr: stderr, Getenv: getenv, Now: now, Logger: logger, Context: ctx}
	defer app.close()

	var cli CLI
	parser, err := kong.New(&cli,
		kong.Name("imrbot"),
		kong.Description("A Telegram bot that collects an IMR study's questionnaires."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(int) {}), // --help returns instead of exiting
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Bind(app),
	)
	if err != nil {
		fmt.Fprintf(stderr, "imrbot: %v\n", err)
		return 1
	}
	if len(args) == 0 {
		_, _ = parser.Parse([]string{"--help"}) // prints the usage
		return 2
	}
	kctx, err := parser.Parse(args)
	if err != nil {
		if isHelp(args) {
			return 0
		}
		fmt.Fprintf(stderr, "imrbot: %s\n", oneLine(err.Error()))
		return 2
	}
	if isHelp(args) {
		return 0
	}
	if err := kctx.Run(); err != nil {
		return report(stderr, err)
	}
	return 0
}

func isHelp(args []string) bool {
	for _, a := range args {
		if a == "--help" || a == "-h" {
			return true
		}
	}
	return false
}

// report prints err on one line and chooses the exit status.
func report(stderr io.Writer, err error) int {
	var exit ExitError
	if errors.As(err, &exit) {
		if exit.Err != nil {
			fmt.Fprintf(stderr, "imrbot: %s\n", oneLine(exit.Err.Error()))
		}
		return exit.Code
	}
	fmt.Fprintf(stderr, "imrbot: %s\n", oneLine(err.Error()))
	var usage UsageError
	if errors.As(err, &usage) {
		return 2
	}
	return 1
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if level != "" {
		if err := lv.UnmarshalText([]byte(level)); err != nil {
			return nil, fmt.Errorf("LOG_LEVEL %q: want debug, info, warn or error", level)
		}
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	default:
		return nil, fmt.Errorf("LOG_FORMAT %q: want text or json", format)
	}
}

// DatabaseURL is DATABASE_URL or the local default.
func (a *App) DatabaseURL() string {
	if u := a.Getenv("DATABASE_URL"); u != "" {
		return u
	}
	return DefaultDatabaseURL
}

// Store opens the database once, bringing its schema up to date: every
// command may be the first one run against a fresh database, and the
// migration lock makes concurrent starts safe.
func (a *App) Store(ctx context.Context) (*store.Store, error) {
	if a.store != nil {
		return a.store, nil
	}
	st, err := store.Open(ctx, a.DatabaseURL())
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	a.store = st
	return st, nil
}

// Catalog loads the study: embedded definitions overridden from
// IMRBOT_QUESTIONNAIRES.
func (a *App) Catalog() (*questionnaires.Catalog, error) {
	if a.catalog != nil {
		return a.catalog, nil
	}
	c, err := questionnaires.Load(a.Getenv("IMRBOT_QUESTIONNAIRES"))
	if err != nil {
		return nil, err
	}
	a.catalog = c
	return c, nil
}

func (a *App) close() {
	if a.store != nil {
		a.store.Close()
	}
}
