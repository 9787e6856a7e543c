package rehearse_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/rehearse"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/report"
	"github.com/imrbot/imrbot/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// rehearseSmall runs a cohort of 2 sites, 2 clinicians, 4 consumers and
// the assessors asked for, with a seed under which someone answers late,
// someone never does and the withdrawer erases or keeps as erase asks.
func rehearseSmall(t *testing.T, seed uint64, assessors int) (*store.Store, *questionnaires.Catalog, *rehearse.Result) {
	t.Helper()
	st := pgtest.Store(t)
	cat, err := questionnaires.Load("")
	if err != nil {
		t.Fatal(err)
	}
	hours, err := reminders.ParseSendHours(reminders.DefaultSendHours)
	if err != nil {
		t.Fatal(err)
	}
	res, err := rehearse.Run(context.Background(), rehearse.Options{
		Store: st, Catalog: cat, Sites: 2, Clinicians: 2, Consumers: 4, Assessors: assessors, Seed: seed,
		Start: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), Hours: hours,
	})
	if err != nil {
		t.Fatal(err)
	}
	return st, cat, res
}

// cases are the small rehearsals the tests run: with an assessor, as the
// study had, under two seeds, and without, where coordinators rate their
// sites.
var cases = []struct {
	seed      uint64
	assessors int
}{{1, 1}, {2, 1}, {1, 0}}

// TestRehearseAnswersInExport: every answer a simulated person gave is in
// the long export with its value, respondent and participant (an
// assessor's as respondent, about a site's coordinator or a clinician),
// unless its respondent or subject withdrew and erased; nothing else is.
func TestRehearseAnswersInExport(t *testing.T) {
	for _, tc := range cases {
		t.Run(fmt.Sprintf("seed %d, %d assessors", tc.seed, tc.assessors), func(t *testing.T) {
			st, cat, res := rehearseSmall(t, tc.seed, tc.assessors)
			data, err := st.ExportData(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			long := report.LongTable(data, cat)
			col := map[string]int{}
			for i, v := range long.Variables {
				col[v.Name] = i
			}
			type key struct{ respondent, subject, questionnaire, timepoint, item string }
			exported := map[key]string{}
			for _, row := range long.Rows {
				k := key{row[col["respondent"]], row[col["participant"]], row[col["questionnaire"]], row[col["timepoint"]], row[col["item"]]}
				exported[k] = row[col["value"]]
			}
			erased := ""
			if w := res.Withdrawal; w != nil && w.Erase {
				erased = w.Code
			}
			want := 0
			byRole := map[string]int{}
			role := roles(res)
			for _, a := range res.Answers {
				k := key{a.Respondent, a.Subject, a.Questionnaire, a.Timepoint, a.Item}
				v, ok := exported[k]
				if erased != "" && (a.Respondent == erased || a.Subject == erased) {
					if ok {
						t.Errorf("%+v: in the export after %s withdrew and erased", a, erased)
					}
					continue
				}
				want++
				byRole[role[a.Respondent]]++
				if !ok || v != a.Value {
					t.Errorf("%+v: exported %q (present %v)", a, v, ok)
				}
			}
			if len(long.Rows) != want {
				t.Errorf("the long export has %d rows; the simulation gave %d answers that should be there", len(long.Rows), want)
			}
			if want == 0 {
				t.Fatal("nobody answered anything")
			}
			if (byRole["assessor"] > 0) != (tc.assessors > 0) {
				t.Errorf("%d answers by assessors in a rehearsal with %d", byRole["assessor"], tc.assessors)
			}
		})
	}
}

// roles maps each simulated person's code to their role.
func roles(res *rehearse.Result) map[string]string {
	out := map[string]string{}
	for _, p := range res.People {
		out[p.Code] = p.Role
	}
	return out
}

// TestRehearseRemindersAndWithdrawal: every reminder the schedule sent is
// in the reminders table once and reached its chat once, at the time the
// table says; nothing reached the consumer who withdrew after they did,
// and nothing was sent about them; the report counts the paired consumers
// the simulation produced. With an assessor, coordinators are never asked
// to rate their sites, and the assessor rates every site and clinician
// they did not leave for good, which the report's fidelity tables show.
func TestRehearseRemindersAndWithdrawal(t *testing.T) {
	for _, tc := range cases {
		t.Run(fmt.Sprintf("seed %d, %d assessors", tc.seed, tc.assessors), func(t *testing.T) {
			st, cat, res := rehearseSmall(t, tc.seed, tc.assessors)
			log, err := rehearse.RemindersLog(context.Background(), st, res)
			if err != nil {
				t.Fatal(err)
			}
			type step struct{ recipient, subject, timepoint, step string }
			sent := map[step]int{}
			sentTo := map[string][]time.Time{}
			escalated := map[string][]time.Time{} // by site
			for _, r := range log {
				if r.Status != store.ReminderSent {
					continue
				}
				sent[step{r.Recipient, r.Subject, r.Timepoint, r.Step}]++
				if r.Step == string(reminders.StepEscalate) {
					// The escalation reaches the subject's coordinators as
					// notices without a button.
					escalated[r.Site] = append(escalated[r.Site], r.SentAt)
				} else {
					sentTo[r.Recipient] = append(sentTo[r.Recipient], r.SentAt)
				}
			}
			for k, n := range sent {
				if n != 1 {
					t.Errorf("%+v sent %d times", k, n)
				}
			}
			got := map[string][]time.Time{}
			site := map[string]string{}
			for _, p := range res.People {
				site[p.Code] = p.Site
			}
			for _, r := range res.Received {
				if r.Action != "" {
					got[r.Code] = append(got[r.Code], r.At)
				} else if !slices.ContainsFunc(escalated[site[r.Code]], r.At.Equal) {
					t.Errorf("%s got a notice at %s, when nobody of site %s was escalated: %q", r.Code, r.At, site[r.Code], r.Text)
				}
			}
			for _, p := range res.People {
				if !sameTimes(got[p.Code], sentTo[p.Code]) {
					t.Errorf("%s: the chat got messages at %v; the reminders table sent at %v", p.Code, got[p.Code], sentTo[p.Code])
				}
			}
			if len(res.Received) == 0 {
				t.Fatal("no reminder was sent")
			}
			w := res.Withdrawal
			if w == nil {
				t.Fatal("nobody withdrew")
			}
			for _, r := range log {
				if (r.Recipient == w.Code || r.Subject == w.Code) && r.Status == store.ReminderSent && r.SentAt.After(w.At) {
					t.Errorf("sent after %s withdrew on %s: %+v", w.Code, w.At, r)
				}
			}
			for _, r := range res.Received {
				if r.Code == w.Code && r.At.After(w.At) {
					t.Errorf("%s got %q after withdrawing", w.Code, r.Text)
				}
			}

			// The report's paired consumers: those who answered every
			// item of imrs-consumer at both timepoints and did not erase.
			items := map[string]map[string]int{}
			for _, a := range res.Answers {
				if a.Questionnaire == "imrs-consumer" && !(w.Erase && a.Respondent == w.Code) {
					if items[a.Respondent] == nil {
						items[a.Respondent] = map[string]int{}
					}
					items[a.Respondent][a.Timepoint]++
				}
			}
			n := len(cat.Questionnaires["imrs-consumer"].Items)
			paired := 0
			for _, by := range items {
				if by["baseline"] == n && by["m12"] == n {
					paired++
				}
			}
			data, err := st.ExportData(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			a, err := report.Analyse(data, cat, report.Options{Now: res.End})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, m := range a.Measures {
				if m.Questionnaire == "imrs-consumer" {
					found = true
					if m.Paired.N != paired {
						t.Errorf("%s: the report pairs %d consumers; the simulation answered both timepoints for %d", m.Variable, m.Paired.N, paired)
					}
				}
			}
			if !found {
				t.Error("the report has no imrs-consumer measure")
			}
			if tc.assessors > 0 {
				checkAssessed(t, res, log, a)
			}
		})
	}
}

// checkAssessed checks a rehearsal with assessors: coordinators got no
// reminder but escalations and answered nothing; each assessor got
// reminders and rated every site (stored about its coordinator) and
// clinician whose rating they did not leave for good; the report has the
// IT-IS and site fidelity rows.
func checkAssessed(t *testing.T, res *rehearse.Result, log []rehearse.Reminder, a *report.Analysis) {
	t.Helper()
	role := roles(res)
	for _, r := range log {
		if r.RecipientRole == "coordinator" && r.Status == store.ReminderSent && r.Step != string(reminders.StepEscalate) {
			t.Errorf("a coordinator was reminded with assessors taking part: %+v", r)
		}
	}
	for _, r := range res.Received {
		if role[r.Code] == "coordinator" && r.Action != "" {
			t.Errorf("%s got %q with a button with assessors taking part", r.Code, r.Text)
		}
	}
	type rated struct{ respondent, subject, timepoint string }
	answered := map[rated]bool{}
	for _, ans := range res.Answers {
		if role[ans.Respondent] == "coordinator" {
			t.Errorf("a coordinator answered with assessors taking part: %+v", ans)
		}
		answered[rated{ans.Respondent, ans.Subject, ans.Timepoint}] = true
	}
	coordinatorOf := map[string]string{}
	for _, p := range res.People {
		if p.Role == "coordinator" {
			coordinatorOf[p.Site] = p.Code
		}
	}
	reminded := map[string]int{}
	for _, r := range res.Received {
		if r.Action != "" {
			reminded[r.Code]++
		}
	}
	for _, p := range res.People {
		if p.Role != "assessor" {
			continue
		}
		if reminded[p.Code] == 0 {
			t.Errorf("assessor %s was never reminded", p.Code)
		}
		tasks := 0
		for task, patience := range p.Patience {
			ratee, tp, ok := strings.Cut(strings.TrimPrefix(task, "rate:"), ":")
			if !ok {
				t.Errorf("assessor %s has task %q", p.Code, task)
				continue
			}
			tasks++
			if c, ok := coordinatorOf[ratee]; ok {
				ratee = c
			}
			if done := answered[rated{p.Code, ratee, tp}]; done != (patience != rehearse.Never) {
				t.Errorf("assessor %s: %s with patience %d rated %v", p.Code, task, patience, done)
			}
		}
		if want := len(coordinatorOf) + 2; tasks != want {
			t.Errorf("assessor %s has %d tasks; want every site and clinician, %d", p.Code, tasks, want)
		}
	}
	if len(a.Study.Clinicians.Rows) == 0 {
		t.Error("the report's IT-IS table has no row")
	}
	if len(a.Study.Sites.Rows) == 0 {
		t.Error("the report's site fidelity table has no row")
	}
}

// sameTimes compares two lists of instants in order, whatever their zones.
func sameTimes(a, b []time.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

// TestRehearseImprovesEveryOutcome: the simulated consumers improve over
// the year on every scale, in the direction its definition says: the
// mean answer rises on hope and falls on HoNOS (lower is better), so that
// a dry run's report reads like a study where the programme helps.
func TestRehearseImprovesEveryOutcome(t *testing.T) {
	_, _, res := rehearseSmall(t, 1, 1)
	sum, n := map[[2]string]float64{}, map[[2]string]int{}
	for _, a := range res.Answers {
		v, err := strconv.ParseFloat(a.Value, 64)
		if err != nil || (a.Questionnaire == "honos" && v == 9) || strings.Contains(a.Item, "type") {
			continue // typed text, not known, the problem type
		}
		k := [2]string{a.Questionnaire, a.Timepoint}
		sum[k] += v
		n[k]++
	}
	mean := func(q, tp string) float64 {
		k := [2]string{q, tp}
		if n[k] == 0 {
			t.Fatalf("no %s answers at %s", q, tp)
		}
		return sum[k] / float64(n[k])
	}
	for q, falls := range map[string]bool{"hope": false, "imrs-consumer": false, "honos": true} {
		from, to := mean(q, "baseline"), mean(q, "m12")
		if (to < from) != falls {
			t.Errorf("%s: mean answer %.2f at baseline, %.2f at m12; want it to %s", q, from, to, map[bool]string{true: "fall", false: "rise"}[falls])
		}
	}
}
