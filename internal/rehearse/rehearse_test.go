package rehearse_test

import (
	"context"
	"fmt"
	"slices"
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

// rehearseSmall runs a cohort of 2 sites, 2 clinicians and 4 consumers
// with a seed under which someone answers late, someone never does and
// the withdrawer erases or keeps as erase asks.
func rehearseSmall(t *testing.T, seed uint64) (*store.Store, *questionnaires.Catalog, *rehearse.Result) {
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
		Store: st, Catalog: cat, Sites: 2, Clinicians: 2, Consumers: 4, Seed: seed,
		Start: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), Hours: hours,
	})
	if err != nil {
		t.Fatal(err)
	}
	return st, cat, res
}

// TestRehearseAnswersInExport: every answer a simulated person gave is in
// the long export with its value, unless its respondent or subject withdrew
// and erased; nothing else is.
func TestRehearseAnswersInExport(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			st, cat, res := rehearseSmall(t, seed)
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
				if cat.Questionnaires[k.questionnaire].Subject == questionnaires.SubjectSite {
					k.subject = ""
				}
				exported[k] = row[col["value"]]
			}
			erased := ""
			if w := res.Withdrawal; w != nil && w.Erase {
				erased = w.Code
			}
			want := 0
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
		})
	}
}

// TestRehearseRemindersAndWithdrawal: every reminder the schedule sent is
// in the reminders table once and reached its chat once, at the time the
// table says; nothing reached the consumer who withdrew after they did,
// and nothing was sent about them; the report counts the paired consumers
// the simulation produced.
func TestRehearseRemindersAndWithdrawal(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			st, cat, res := rehearseSmall(t, seed)
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
		})
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
