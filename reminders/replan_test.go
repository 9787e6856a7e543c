package reminders_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

// A consumer consents (their baseline opens and is offered at once), then,
// before the dispatcher plans anything, the coordinator corrects their
// baseline a year back. The offer was of the baseline only: m12, now due,
// is reminded at once, once, and then on its schedule.
func TestBaselineCorrectedBeforePlanningIsReminded(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	d := w.dispatcher("serve-1")
	w.clock.Set(osloTime("2026-01-10 10:00"))
	code := w.enrol("consumer", "", "")
	w.clock.Set(osloTime("2026-01-10 10:05"))
	p := &reminders.Planner{Catalog: w.catalog, Hours: d.Hours}
	if err := p.SetBaseline(w.ctx, w.st, code, day("2025-01-05"), w.clock.Now(), "cli"); err != nil {
		t.Fatal(err)
	}
	in := newInbox()
	w.tick(d)
	in.collect(w, w.clock.Now())
	w.runDays(in, "2026-01-11", "2026-03-20", d)
	// m12 opened on 22 December and was due on 5 January: those steps
	// collapse into one reminder now; +7 and +14 follow on their dates.
	want := []string{"2026-01-10 10:05", "2026-01-12 09:00", "2026-01-19 09:00"}
	if got := in.times(code); !slices.Equal(got, want) {
		t.Errorf("received at %v, want %v", got, want)
	}
	for _, r := range in.got[code] {
		if !strings.Contains(r.text, "12-month") {
			t.Errorf("reminder %q is not about m12", r.text)
		}
	}
}

// replanOp changes a participant the way the study does, queueing a
// replan through the schedule's triggers.
type replanOp struct {
	name string
	do   func(w *world, code string, twin map[string]string)
}

// Any sequence of changes to one participant, planned in one run, plans
// the same reminders as planning after each change in turn. Two twins
// undergo the same random sequence at the same moment: one is planned
// after every change, the other once at the end.
func TestReplansPlanAsIfPlannedInTurn(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	hours, err := reminders.ParseSendHours(reminders.DefaultSendHours)
	if err != nil {
		t.Fatal(err)
	}
	p := &reminders.Planner{Catalog: w.catalog, Hours: hours}
	now := osloTime("2026-01-10 10:00")
	w.clock.Set(now)
	plan := func() {
		t.Helper()
		if _, err := p.PlanQueued(w.ctx, w.st, now); err != nil {
			t.Fatal(err)
		}
	}
	// Each twin has clinicians of their own, named alike.
	twin := map[string]map[string]string{"a": {}, "b": {}}
	for _, side := range []string{"a", "b"} {
		for _, k := range []string{"k1", "k2"} {
			twin[side][k] = w.enrol("clinician", "", "")
		}
	}
	plan()
	baselines := []string{"2026-01-10", "2026-01-01", "2025-12-01", "2025-01-05", "2024-12-20", "2025-02-10"}
	setBaseline := func(date string) replanOp {
		return replanOp{"baseline " + date, func(w *world, code string, _ map[string]string) {
			err := w.st.InTx(w.ctx, func(tx *store.Tx) error {
				return tx.SetBaselineDate(w.ctx, w.ids[code], day(date), "test")
			})
			if err != nil {
				w.t.Fatal(err)
			}
		}}
	}
	ops := []replanOp{
		{"clinician k1", func(w *world, code string, tw map[string]string) {
			pgtest.Exec(w.t, `UPDATE participants SET clinician_id = $2 WHERE id = $1`, w.ids[code], w.ids[tw["k1"]])
		}},
		{"clinician k2", func(w *world, code string, tw map[string]string) {
			pgtest.Exec(w.t, `UPDATE participants SET clinician_id = $2 WHERE id = $1`, w.ids[code], w.ids[tw["k2"]])
		}},
		{"blocked and back", func(w *world, code string, _ map[string]string) {
			pgtest.Exec(w.t, `UPDATE participants SET status = 'unreachable' WHERE id = $1`, w.ids[code])
			pgtest.Exec(w.t, `UPDATE participants SET status = 'active' WHERE id = $1`, w.ids[code])
		}},
	}
	for _, b := range baselines {
		ops = append(ops, setBaseline(b))
	}
	rng := rand.New(rand.NewPCG(10, 2026))
	for round := range 40 {
		paper := ""
		if rng.IntN(2) == 0 {
			paper = baselines[rng.IntN(len(baselines))]
		}
		seq := make([]replanOp, rng.IntN(4)+1)
		names := []string{fmt.Sprintf("invited with baseline %q, consent", paper)}
		for i := range seq {
			seq[i] = ops[rng.IntN(len(ops))]
			names = append(names, seq[i].name)
		}
		var codes [2]string
		for i, side := range []string{"a", "b"} {
			code, invite := w.invite("consumer", paper, twin[side]["k1"])
			w.join(code, invite)
			if side == "a" {
				plan()
			}
			for _, op := range seq {
				op.do(w, code, twin[side])
				if side == "a" {
					plan()
				}
			}
			codes[i] = code
		}
		plan()
		a, b := pendingPlan(t, w, codes[0], twin["a"]), pendingPlan(t, w, codes[1], twin["b"])
		if !slices.Equal(a, b) {
			t.Fatalf("round %d: %s\nplanned in turn:\n  %s\nplanned at once:\n  %s",
				round, strings.Join(names, ", then "), strings.Join(a, "\n  "), strings.Join(b, "\n  "))
		}
	}
}

// pendingPlan lists the reminders still to be sent about subject, with the
// recipient named by their part (self, k1, k2) so that twins compare.
func pendingPlan(t *testing.T, w *world, subject string, tw map[string]string) []string {
	t.Helper()
	rows, err := w.st.RemindersOf(w.ctx, w.ids[subject])
	if err != nil {
		t.Fatal(err)
	}
	part := map[int64]string{w.ids[subject]: "self", w.ids[tw["k1"]]: "k1", w.ids[tw["k2"]]: "k2"}
	var out []string
	for _, r := range rows {
		if r.Status != store.ReminderPending || r.SubjectID != w.ids[subject] {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s %s at %s", part[r.ParticipantID], r.Timepoint, r.Step,
			r.SendAt.In(oslo).Format(time.DateTime)))
	}
	slices.Sort(out)
	return out
}

// An erased participant's baseline cannot be corrected: there is nothing
// left to correct, and a new schedule would remind no one.
func TestSetBaselineRefusesErased(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	code := w.enrol("consumer", "2025-06-01", "")
	err := w.st.InTx(w.ctx, func(tx *store.Tx) error { return tx.Withdraw(w.ctx, w.ids[code], true, w.clock.Now()) })
	if err != nil {
		t.Fatal(err)
	}
	p := &reminders.Planner{Catalog: w.catalog}
	if err := p.SetBaseline(w.ctx, w.st, code, day("2025-01-05"), w.clock.Now(), "cli"); !errors.Is(err, store.ErrErased) {
		t.Fatalf("SetBaseline(erased) = %v, want ErrErased", err)
	}
	if got := pgtest.Int(t, `SELECT count(*) FROM participants WHERE baseline_date = '2025-06-01'`); got != 1 {
		t.Errorf("the erased participant's baseline date changed")
	}
	if got := pgtest.Int(t, `SELECT count(*) FROM audit_log WHERE action = 'set_baseline'`); got != 0 {
		t.Errorf("%d set_baseline audit rows for a refused correction", got)
	}
}
