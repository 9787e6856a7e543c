package desk_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/desk"
	"github.com/imrbot/imrbot/internal/benchseed"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// The desk's benchmark cohort: issue 13's 100,000 participants over 9
// sites, seen by a study-wide coordinator.
const (
	benchParticipants = 100_000
	benchSites        = 9
)

// BenchmarkDesk measures the server time of the overview and of the
// roster's first page for the whole cohort, each against a bare SELECT
// count(*) of the same participants measured in the same run: the ratio
// says what the page costs beyond reading its rows' number.
func BenchmarkDesk(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	cat, err := questionnaires.Load("")
	if err != nil {
		b.Fatal(err)
	}
	st := pgtest.Store(b)
	seed, err := benchseed.Open(ctx, pgtest.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	defer seed.Close()
	done, rated := benchDone(cat, questionnaires.RoleConsumer, questionnaires.SubjectSelf),
		benchDone(cat, questionnaires.RoleClinician, questionnaires.SubjectConsumer)
	start := time.Now()
	if err := seed.SeedDesk(ctx, benchParticipants, benchSites, now, done, rated); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d participants over %d sites in %v", benchParticipants, benchSites, time.Since(start).Round(time.Millisecond))
	// The cohort's facts for everyone at once, as after the migration that
	// adds them; then as autovacuum would leave the new rows.
	start = time.Now()
	if n, err := st.RefreshCohortFacts(ctx); err != nil || n < benchParticipants {
		b.Fatalf("refresh: %d changes, %v", n, err)
	}
	b.Logf("cohort facts of everyone computed in %v", time.Since(start).Round(time.Millisecond))
	if err := seed.Vacuum(ctx, "cohort_facts", "cohort_changes"); err != nil {
		b.Fatal(err)
	}
	var sites []string
	for i := 1; i <= benchSites; i++ {
		sites = append(sites, benchseed.DeskSite(i))
	}

	srv, cookie := benchDesk(b, st, cat, now)
	// perOp is the server time per operation of the loop just run.
	perOp := func(b *testing.B) time.Duration { return b.Elapsed() / time.Duration(b.N) }
	var baseline time.Duration
	b.Run("count", func(b *testing.B) {
		for b.Loop() {
			if n, err := seed.CountDesk(ctx, sites); err != nil || n < benchParticipants {
				b.Fatalf("count: %d, %v", n, err)
			}
		}
		baseline = perOp(b)
	})
	// page measures path; before, when not nil, runs untimed before each
	// request.
	page := func(path, want string, goal time.Duration, before func() error) func(*testing.B) {
		return func(b *testing.B) {
			for b.Loop() {
				if before != nil {
					b.StopTimer()
					if err := before(); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(http.MethodGet, "http://desk.test/desk/"+path, nil)
				req.AddCookie(cookie)
				srv.ServeHTTP(rec, req)
				if rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
					b.Fatalf("%s: status %d\n%.400s", path, rec.Code, rec.Body.String())
				}
			}
			t := perOp(b)
			b.ReportMetric(float64(t)/float64(baseline), "x-count")
			b.ReportMetric(float64(t.Microseconds())/1000, "ms/page")
			b.Logf("%s: %v per page, %.1fx the count(*) of %v (goal %v)", "/desk/"+path, t.Round(time.Microsecond),
				float64(t)/float64(baseline), baseline.Round(time.Microsecond), goal)
		}
	}
	b.Run("overview", page("", "Expected by today", 200*time.Millisecond, nil))
	// As in a study at work: a thousand participants answered or were
	// enrolled since the overview was last seen, so the page first brings
	// their facts up to date.
	b.Run("overview-after-1000-changes", page("", "Expected by today", 200*time.Millisecond,
		func() error { return seed.ChangeCohort(ctx, 1000) }))
	b.Run("roster", page("roster", benchseed.DeskSite(1)+"-C-000001", 100*time.Millisecond, nil))
}

// benchDone is the battery of role about subject at the protocol's first
// timepoint of it: what the seed records as done.
func benchDone(cat *questionnaires.Catalog, role questionnaires.Role, subject questionnaires.Subject) []benchseed.Done {
	var out []benchseed.Done
	for _, bat := range cat.Protocol.Batteries {
		if bat.Role == role && bat.Subject == subject && len(bat.Timepoints) > 0 {
			for _, q := range bat.Questionnaires {
				out = append(out, benchseed.Done{Questionnaire: q, Timepoint: bat.Timepoints[0]})
			}
		}
	}
	return out
}

// benchDesk is the desk over st with a study-wide coordinator logged in:
// the handler and the session's cookie.
func benchDesk(b *testing.B, st *store.Store, cat *questionnaires.Catalog, now time.Time) (http.Handler, *http.Cookie) {
	ctx := context.Background()
	base, err := desk.ParseURL("http://desk.test/desk/", "")
	if err != nil {
		b.Fatal(err)
	}
	srv, err := desk.New(desk.Options{Store: st, Catalog: cat, URL: base, Now: func() time.Time { return now },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BotUsername: botName})
	if err != nil {
		b.Fatal(err)
	}
	inv, err := st.Invite(ctx, store.NewParticipant{Site: benchseed.DeskSite(1), Role: "coordinator", InviteExpires: now.Add(time.Hour)}, 1, store.NewInviteCode)
	if err != nil {
		b.Fatal(err)
	}
	code := inv[0].ParticipantCode
	if err := st.SetStudyWide(ctx, code, true, now, "bench"); err != nil {
		b.Fatal(err)
	}
	c, err := st.DeskCoordinatorByCode(ctx, code)
	if err != nil {
		b.Fatal(err)
	}
	link, err := desk.NewLoginLink(ctx, st, base, c.ID, now, "bench")
	if err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, link, nil))
	for _, ck := range rec.Result().Cookies() {
		if ck.Value != "" {
			return srv, ck
		}
	}
	b.Fatalf("login: status %d, no session cookie", rec.Code)
	return nil, nil
}
