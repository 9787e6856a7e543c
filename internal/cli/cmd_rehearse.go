package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/imrbot/imrbot/internal/rehearse"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

// RehearseCmd is `imrbot rehearse`: the study's dry run in a database of
// its own, written out as the exports, codebooks, report and reminders log
// the study will produce.
type RehearseCmd struct {
	Sites      int    `default:"9" help:"Sites, each with a coordinator."`
	Clinicians int    `default:"31" help:"Clinicians, spread over the sites."`
	Consumers  int    `default:"44" help:"Consumers, each with a clinician."`
	Assessors  int    `default:"1" help:"External fidelity raters, who rate every site and every clinician at m12 (0: each site's coordinator rates their site)."`
	Out        string `required:"" placeholder:"DIR" help:"Folder to write the exports, codebooks, report and reminders log into (created if missing)."`
	Seed       uint64 `default:"1" help:"Decides the people, their answers and their lateness: the same seed gives the same rehearsal."`
	Start      string `placeholder:"YYYY-MM-DD" help:"The day everyone enrols (default: today)."`
	Keep       bool   `help:"Keep the rehearsal's database instead of dropping it, and print its URL."`
}

// Run creates the rehearsal's database on DATABASE_URL's server, rehearses
// the study in it, writes the files and drops the database.
func (c *RehearseCmd) Run(app *App) (err error) {
	started := time.Now()
	if c.Sites < 1 || c.Clinicians < c.Sites || c.Consumers < 1 {
		return Usagef("--sites, --clinicians and --consumers: want at least one site, a clinician per site and one consumer (got %d, %d and %d)", c.Sites, c.Clinicians, c.Consumers)
	}
	if c.Assessors < 0 {
		return Usagef("--assessors %d: want 0 or more", c.Assessors)
	}
	start := app.Now()
	if c.Start != "" {
		if start, err = time.Parse(time.DateOnly, c.Start); err != nil {
			return Usagef("--start %q: want a date as YYYY-MM-DD", c.Start)
		}
	}
	if info, err := os.Stat(c.Out); err == nil && !info.IsDir() {
		return Usagef("--out %q is a file; name a folder", c.Out)
	}
	rcfg, err := reminders.ReadConfig(app.lookupEnv)
	if err != nil {
		return UsageError{Err: err}
	}
	catalog, err := app.Catalog()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return Usagef("--out %q: %v", c.Out, err)
	}

	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	name := "imrbot_rehearse_" + hex.EncodeToString(rnd[:])
	server := app.DatabaseURL()
	dbURL, err := store.CreateDatabase(app.Context, server, name)
	if err != nil {
		return fmt.Errorf("rehearse: cannot create a database of its own on DATABASE_URL's server (the study's database is never used): %w", err)
	}
	// Its data is thrown away at the end: commits need not wait for the
	// disk (lib/pq passes the setting to the server for each connection).
	if u, perr := url.Parse(dbURL); perr == nil {
		q := u.Query()
		q.Set("synchronous_commit", "off")
		u.RawQuery = q.Encode()
		dbURL = u.String()
	}
	sub := &App{Stdout: io.Discard, Stderr: app.Stderr, Now: app.Now, Logger: app.Logger, Context: app.Context,
		Getenv: func(k string) string {
			if k == "DATABASE_URL" {
				return dbURL
			}
			return app.Getenv(k)
		}, catalog: catalog}
	defer func() {
		sub.close()
		if c.Keep {
			fmt.Fprintf(app.Stdout, "The rehearsal's database is kept: DATABASE_URL=%s\n", dbURL)
			return
		}
		// Dropped even when the run was interrupted.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(app.Context), 30*time.Second)
		defer cancel()
		if derr := store.DropDatabase(ctx, server, name); derr != nil && err == nil {
			err = derr
		}
	}()
	st, err := sub.Store(app.Context)
	if err != nil {
		return err
	}

	logFile, err := os.Create(filepath.Join(c.Out, "rehearsal.log"))
	if err != nil {
		return fmt.Errorf("rehearse: %w", err)
	}
	defer logFile.Close()
	bar := progressbar.NewOptions(1,
		progressbar.OptionSetWriter(app.Stderr), progressbar.OptionSetDescription("rehearsing"),
		progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond))
	res, err := rehearse.Run(app.Context, rehearse.Options{
		Store: st, Catalog: catalog, Sites: c.Sites, Clinicians: c.Clinicians, Consumers: c.Consumers,
		Assessors: c.Assessors, Seed: c.Seed, Start: start, Hours: rcfg.Hours,
		Logger: slog.New(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Progress: func(done, total int, now time.Time) {
			bar.ChangeMax(total)
			bar.Describe("rehearsing " + now.Format(time.DateOnly))
			_ = bar.Set(done)
		},
	})
	_ = bar.Finish()
	if err != nil {
		return err
	}
	// The study's end is the rehearsal's now: the report is dated by it.
	sub.Now = func() time.Time { return res.End }
	files, err := c.write(sub, st, res)
	if err != nil {
		return err
	}
	c.summary(app.Stdout, res, files, time.Since(started))
	return nil
}

// write writes the exports and report as imrbot export and imrbot report
// do, and the reminders log.
func (c *RehearseCmd) write(sub *App, st *store.Store, res *rehearse.Result) ([]string, error) {
	out := func(name string) string { return filepath.Join(c.Out, name) }
	for _, cmd := range []interface{ Run(*App) error }{
		&ExportCmd{Format: "long", Out: out("long.csv"), Codebook: out("long-codebook.csv")},
		&ExportCmd{Format: "wide", Out: out("wide.csv"), Codebook: out("wide-codebook.csv")},
		&ReportCmd{Format: "html", Out: out("report.html")},
		&ReportCmd{Format: "text", Out: out("report.txt")},
	} {
		if err := cmd.Run(sub); err != nil {
			return nil, err
		}
	}
	rows, err := rehearse.RemindersLog(sub.Context, st, res)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := rehearse.WriteRemindersLog(&b, rows); err != nil {
		return nil, err
	}
	var log pendingFiles
	defer log.discard()
	if err := log.add(out("reminders.csv"), b.Bytes()); err != nil {
		return nil, err
	}
	if err := log.commit(); err != nil {
		return nil, err
	}
	return []string{"long.csv", "long-codebook.csv (+ .R .sps .do)", "wide.csv", "wide-codebook.csv (+ .R .sps .do)",
		"report.html", "report.txt", "reminders.csv", "rehearsal.log"}, nil
}

// summary says what the rehearsal did and where its files are.
func (c *RehearseCmd) summary(w io.Writer, res *rehearse.Result, files []string, took time.Duration) {
	roles := map[string]int{}
	for _, p := range res.People {
		roles[p.Role]++
	}
	reminded, notices := 0, 0
	for _, r := range res.Received {
		if r.Action != "" {
			reminded++
		} else {
			notices++
		}
	}
	fmt.Fprintf(w, "Rehearsed %s, %s, %s, %s and %s from %s to %s (seed %d) in %s.\n",
		counted(c.Sites, "site"), counted(roles["coordinator"], "coordinator"), counted(roles["clinician"], "clinician"),
		counted(roles["consumer"], "consumer"), counted(roles["assessor"], "assessor"),
		res.Start.Format(time.DateOnly), res.End.Format(time.DateOnly), c.Seed, took.Round(100*time.Millisecond))
	fmt.Fprintf(w, "%d answers given in the chat; %d reminders and %d notices to coordinators sent over %d clock jumps.\n",
		len(res.Answers), reminded, notices, res.Jumps)
	if wd := res.Withdrawal; wd != nil {
		what := "kept"
		if wd.Erase {
			what = "erased"
		}
		fmt.Fprintf(w, "%s withdrew in the chat on %s, answers %s.\n", wd.Code, wd.At.Format(time.DateOnly), what)
	}
	fmt.Fprintf(w, "Written to %s:\n", c.Out)
	for _, f := range files {
		fmt.Fprintf(w, "  %s\n", f)
	}
}

// counted is n of noun, plural but for one.
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
