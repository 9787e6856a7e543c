package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/store"
)

// cohortWorld changes a study through the store's own methods, as the
// chat, the CLI and the desk do, so that the tests below see what the
// triggers record of each kind of change.
type cohortWorld struct {
	st      *store.Store
	rnd     *rand.Rand
	now     time.Time
	prefix  string
	codes   []string          // participants, in the order invited
	invites map[string]string // participant code -> their latest invite code
	ids     map[string]int64
	roles   map[string]string
	rater   map[string]string // consumer code -> their clinician's code
	seq     int
	// unlink, when set, deletes a participant's chat link and nothing
	// else, as ForgetWithdrawnChats does to links older withdrawals kept:
	// the one change only the link's trigger records.
	unlink func(participantID int64)
}

func newCohortWorld(st *store.Store, seed uint64, prefix string) *cohortWorld {
	return &cohortWorld{st: st, rnd: rand.New(rand.NewPCG(seed, 1)),
		now: time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC), prefix: prefix,
		invites: map[string]string{}, ids: map[string]int64{}, roles: map[string]string{},
		rater: map[string]string{}}
}

func (w *cohortWorld) code() string {
	w.seq++
	return fmt.Sprintf("%s-%d", w.prefix, w.seq)
}

// pick is a random participant of role ("" for any); "" when there is none.
func (w *cohortWorld) pick(role string) string {
	var of []string
	for _, c := range w.codes {
		if role == "" || w.roles[c] == role {
			of = append(of, c)
		}
	}
	if len(of) == 0 {
		return ""
	}
	return of[w.rnd.IntN(len(of))]
}

// step makes one random change and says which; refusals the store gives
// for good reasons (already withdrawn, already linked ...) are changes
// that did not happen, and are no error.
func (w *cohortWorld) step() (what string, err error) {
	ctx := context.Background()
	when := w.now.Add(time.Duration(w.rnd.IntN(48)) * time.Hour)
	inTx := func(fn func(*store.Tx) error) error { return w.st.InTx(ctx, fn) }
	switch p, op := w.pick(""), w.rnd.IntN(20); {
	case len(w.codes) < 6 || op == 0:
		role := []string{"consumer", "consumer", "clinician"}[w.rnd.IntN(3)]
		np := store.NewParticipant{Site: "OSL", Role: role, InviteExpires: w.now.Add(time.Duration(w.rnd.IntN(72)-24) * time.Hour)}
		if w.rnd.IntN(2) == 0 {
			d := w.now.AddDate(0, 0, -w.rnd.IntN(400))
			np.BaselineDate = &d
		}
		if role == "consumer" && w.rnd.IntN(3) > 0 {
			np.ClinicianCode = w.pick("clinician")
		}
		what = "invite a " + role
		var inv []store.Invitation
		inv, err = w.st.Invite(ctx, np, 1, func() (string, error) { return w.code(), nil })
		if err == nil {
			c := inv[0].ParticipantCode
			var pp *store.Participant
			if pp, err = w.st.ParticipantByCode(ctx, c); err == nil {
				w.codes, w.invites[c], w.roles[c], w.ids[c] = append(w.codes, c), inv[0].InviteCode, role, pp.ID
				w.rater[c] = np.ClinicianCode
			}
		}
	default:
		id := w.ids[p]
		switch op {
		case 1, 2, 3:
			what = "link " + p
			err = inTx(func(tx *store.Tx) error {
				inv, err := tx.LockInvite(ctx, w.invites[p])
				if err != nil {
					return err
				}
				return tx.LinkChat(ctx, inv.ParticipantID, id, id, []byte(`{}`), when)
			})
		case 4, 5, 6:
			agreed := w.rnd.IntN(4) > 0
			what = fmt.Sprintf("consent %s %v", p, agreed)
			err = inTx(func(tx *store.Tx) error { return tx.RecordConsent(ctx, id, "1", agreed, when) })
		case 7, 8, 9, 10, 11, 12:
			respondent, q := id, []string{"hope", "qol"}[w.rnd.IntN(2)]
			if c := w.rater[p]; c != "" && w.rnd.IntN(2) == 0 {
				respondent, q = w.ids[c], "honos"
			} else if c := w.pick("clinician"); c != "" && w.rnd.IntN(6) == 0 {
				respondent, q = w.ids[c], "gaf" // not their clinician: no rating of theirs
			}
			complete := w.rnd.IntN(4) > 0
			what = fmt.Sprintf("%s about %s by %d (completed %v)", q, p, respondent, complete)
			err = inTx(func(tx *store.Tx) error {
				a, err := tx.StartAssessment(ctx, store.AssessmentKey{SubjectID: id, RespondentID: respondent,
					Questionnaire: q, Timepoint: []string{"baseline", "m12"}[w.rnd.IntN(2)]}, "1", when)
				if err != nil || !complete {
					return err
				}
				return tx.CompleteAssessment(ctx, a, when)
			})
		case 13:
			d := w.now.AddDate(0, 0, -w.rnd.IntN(400))
			what = "set the baseline of " + p
			err = inTx(func(tx *store.Tx) error { return tx.SetBaselineDate(ctx, id, d, "test") })
		case 14:
			erase := w.rnd.IntN(2) == 0
			what = fmt.Sprintf("withdraw %s (erase %v)", p, erase)
			err = w.st.WithdrawByCode(ctx, p, erase, "test", when)
		case 15, 16:
			what = "reissue " + p
			var inv store.Invitation
			inv, _, err = w.st.Reissue(ctx, p, when, when.Add(24*time.Hour), func() (string, error) { return w.code(), nil }, "test")
			if err == nil {
				w.invites[p] = inv.InviteCode
			}
		case 17, 18:
			what = "unreachable " + p
			_, err = w.st.MarkChatUnreachable(ctx, id, "blocked")
		case 19:
			what = "reachable " + p
			_, err = w.st.MarkChatReachable(ctx, id)
			if w.unlink != nil && w.rnd.IntN(2) == 0 {
				what = "unlink " + p
				w.unlink(id)
			}
		}
	}
	for _, refused := range []error{store.ErrInviteTaken, store.ErrNotFound, store.ErrAlreadyWithdrawn, store.ErrErased, store.ErrBadClinician} {
		if errors.Is(err, refused) {
			return what, nil
		}
	}
	return what, err
}

// cohortTables are cohort_facts and cohort_counts as text, one row a line.
func cohortTables(t *testing.T) (facts, counts string) {
	t.Helper()
	return pgtest.Value(t, `SELECT coalesce(string_agg(f::text, E'\n' ORDER BY participant_id), '') FROM cohort_facts f`).(string),
		pgtest.Value(t, `SELECT coalesce(string_agg(c::text, E'\n' ORDER BY c::text), '') FROM cohort_counts c`).(string)
}

// checkCohortFacts refreshes the facts and wants them as a refresh of
// everyone from nothing computes them, and the counts to be the facts'
// groups.
func checkCohortFacts(t *testing.T, st *store.Store, after string) {
	t.Helper()
	ctx := context.Background()
	if _, err := st.RefreshCohortFacts(ctx); err != nil {
		t.Fatal(err)
	}
	facts, counts := cohortTables(t)
	grouped := pgtest.Value(t, `SELECT coalesce(string_agg(c::text, E'\n' ORDER BY c::text), '') FROM (
		SELECT site, role, status, baseline_date, clinician_id, linked, agreed, invite_until, self_done, rated_done, count(*)::int AS n
		FROM cohort_facts GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) c`).(string)
	if counts != grouped {
		t.Fatalf("after %s: cohort_counts\n%s\nwant the facts' groups\n%s", after, counts, grouped)
	}
	if err := st.RebuildCohortFacts(ctx); err != nil {
		t.Fatal(err)
	}
	if f, c := cohortTables(t); f != facts || c != counts {
		t.Fatalf("after %s: kept up to date\n%s\n%s\nwant, computed afresh,\n%s\n%s", after, facts, counts, f, c)
	}
}

// TestCohortFactsFollowEveryChange makes random changes of every kind the
// store makes and, after each, wants the cohort's facts and counts as if
// computed afresh: a change the triggers do not record, or a rule the
// refresh applies otherwise than the tables say, shows here.
func TestCohortFactsFollowEveryChange(t *testing.T) {
	st := pgtest.Store(t)
	if err := st.AddSite(context.Background(), "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	w := newCohortWorld(st, 1, "OSLT")
	w.unlink = func(id int64) { pgtest.Exec(t, `DELETE FROM telegram_links WHERE participant_id = $1`, id) }
	kinds := map[string]bool{}
	for range 150 {
		what, err := w.step()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		kinds[what[:4]] = true
		checkCohortFacts(t, st, what)
	}
	if len(kinds) < 11 {
		t.Errorf("only %d kinds of change made: %v", len(kinds), kinds)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM cohort_facts WHERE self_done <> '' AND rated_done <> '' AND linked AND agreed`); n == 0 {
		t.Error("no participant linked, consented and with completed assessments by themselves and their clinician")
	}
}

// TestCohortFactsUnderConcurrentChanges changes the study from several
// goroutines while two others refresh the facts over and over, and wants
// the facts, at the end, as computed afresh: a change committed while a
// refresh ran is neither lost nor counted twice.
func TestCohortFactsUnderConcurrentChanges(t *testing.T) {
	st := pgtest.Store(t)
	if err := st.AddSite(context.Background(), "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	// Two refreshers, as two serve processes would run.
	ctx, stop := context.WithCancel(context.Background())
	refreshed := make(chan error, 2)
	for range 2 {
		go func() {
			for ctx.Err() == nil {
				if _, err := st.RefreshCohortFacts(context.Background()); err != nil {
					refreshed <- err
					return
				}
			}
			refreshed <- nil
		}()
	}
	var wg sync.WaitGroup
	for i := range 3 {
		w := newCohortWorld(st, uint64(10+i), fmt.Sprintf("OSLW%d", i))
		wg.Go(func() {
			for range 60 {
				if what, err := w.step(); err != nil {
					t.Errorf("%s: %v", what, err)
					return
				}
			}
		})
	}
	wg.Wait()
	stop()
	for range 2 {
		if err := <-refreshed; err != nil {
			t.Fatal(err)
		}
	}
	checkCohortFacts(t, st, "concurrent changes")
}

// TestCohortDriftIsRefusedAndRebuilt: counts out of step with the facts
// (a fault: here a group emptied behind the store's back) fail the next
// refresh that moves someone out of that group, changing nothing, and a
// rebuild counts everyone afresh.
func TestCohortDriftIsRefusedAndRebuilt(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	inv := invited(t, st, "drift")
	if _, err := st.RefreshCohortFacts(ctx); err != nil {
		t.Fatal(err)
	}
	facts, counts := cohortTables(t)
	pgtest.Exec(t, `UPDATE cohort_counts SET n = 0`)
	if err := link(st, inv.InviteCode, 4242); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RefreshCohortFacts(ctx); !errors.Is(err, store.ErrCohortDrift) {
		t.Fatalf("refresh after the counts drifted: %v, want ErrCohortDrift", err)
	}
	if f, _ := cohortTables(t); f != facts {
		t.Errorf("the failed refresh changed the facts:\n%s\nwant\n%s", f, facts)
	}
	if err := st.RebuildCohortFacts(ctx); err != nil {
		t.Fatal(err)
	}
	f, c := cohortTables(t)
	if f == facts || c == counts || !strings.Contains(c, ",t,") {
		t.Errorf("after the rebuild:\n%s\n%s\nwant the participant linked", f, c)
	}
	checkCohortFacts(t, st, "the rebuild")
}
