package reminders

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/benchseed"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// TestCohortAgreesWithEachParticipant counts a seeded cohort both ways:
// by groups (Cohort, as the desk's overview and /status do) and one
// participant at a time from the store's per-participant reads (as
// FollowUps lists them), and wants the same roster statuses, completion
// and follow-ups. At two moments, so that windows open, fall due and
// close between them. An assessor takes part: they rate the first site
// (through its first coordinator) and its clinicians, and its other
// coordinators rate it only where they had started.
func TestCohortAgreesWithEachParticipant(t *testing.T) {
	ctx := context.Background()
	cat, err := questionnaires.Load("")
	if err != nil {
		t.Fatal(err)
	}
	st := pgtest.Store(t)
	seed, err := benchseed.Open(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer seed.Close()
	seeded := time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	var done, rated []benchseed.Done
	for _, b := range cat.Protocol.Batteries {
		for _, q := range b.Questionnaires {
			d := benchseed.Done{Questionnaire: q, Timepoint: b.Timepoints[0]}
			switch {
			case b.Role == questionnaires.RoleConsumer && b.Subject == questionnaires.SubjectSelf:
				done = append(done, d)
			case b.Role == questionnaires.RoleClinician && b.Subject == questionnaires.SubjectConsumer:
				rated = append(rated, d)
			}
		}
	}
	if err := seed.SeedDesk(ctx, 3000, 3, seeded, done, rated); err != nil {
		t.Fatal(err)
	}
	sites := []string{benchseed.DeskSite(1), benchseed.DeskSite(2), benchseed.DeskSite(3)}
	who := map[string]int64{}
	join := func(name, site, role, baseline string, consent bool) {
		t.Helper()
		np := store.NewParticipant{Site: site, Role: role, Lang: "en", InviteExpires: seeded.AddDate(0, 1, 0)}
		if baseline != "" {
			d, err := time.Parse(time.DateOnly, baseline)
			if err != nil {
				t.Fatal(err)
			}
			np.BaselineDate = &d
		}
		inv, err := st.Invite(ctx, np, 1, func() (string, error) { return "cohort-" + name, nil })
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.ParticipantByCode(ctx, inv[0].ParticipantCode)
		if err != nil {
			t.Fatal(err)
		}
		who[name] = p.ID
		pgtest.Exec(t, `UPDATE invites SET redeemed_at = $2 WHERE participant_id = $1`, p.ID, seeded)
		pgtest.Exec(t, `INSERT INTO telegram_links (participant_id, user_id, chat_id, linked_at) VALUES ($1, $1, $1, $2)`, p.ID, seeded)
		pgtest.Exec(t, `UPDATE participants SET status = 'active' WHERE id = $1`, p.ID)
		if consent { // as the chat records it: agreeing fixes a missing baseline date
			pgtest.Exec(t, `INSERT INTO consents (participant_id, version, agreed, decided_at) VALUES ($1, '1', true, $2)`, p.ID, seeded)
			pgtest.Exec(t, `UPDATE participants SET baseline_date = $2 WHERE id = $1 AND baseline_date IS NULL`, p.ID, seeded)
		}
	}
	assess := func(subject, respondent, q, status string) {
		t.Helper()
		pgtest.Exec(t, `
			INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint, status, opened_at, started_at, completed_at)
			VALUES ($1, $2, $3, '1', 'm12', $4, $5, $5, CASE WHEN $4 = 'completed' THEN $5::timestamptz END)`,
			who[subject], who[respondent], q, status, seeded)
	}
	join("first", sites[0], "coordinator", "2024-06-10", false) // the site's subject: m12 open at both moments
	join("started", sites[0], "coordinator", "2024-06-11", false)
	join("idle", sites[0], "coordinator", "2024-06-12", false)
	join("k1", sites[0], "clinician", "2024-05-20", true)
	join("k2", sites[0], "clinician", "2024-06-20", true)
	join("assessor", sites[1], "assessor", "", true)
	assess("started", "started", "imr-fidelity", "in_progress")
	assess("first", "assessor", "goi", "completed")
	assess("k2", "assessor", "it-is", "completed")
	assess("k1", "k1", "imr-practice", "completed")
	assess("k2", "k2", "imr-practice", "completed")
	for _, now := range []time.Time{seeded, seeded.AddDate(0, 0, 40).Add(16 * time.Hour)} {
		co, err := LoadCohort(ctx, st, cat, sites, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(co.Groups) >= 3000 {
			t.Errorf("%d groups for 3000 participants", len(co.Groups))
		}

		// Roster statuses.
		got, want := map[[2]string]int{}, map[[2]string]int{}
		for _, g := range co.Groups {
			got[[2]string{g.Site, questionnaires.RosterStatus(g.RosterFacts(), now)}] += g.N
		}
		rows, err := st.DeskRoster(ctx, sites)
		if err != nil {
			t.Fatal(err)
		}
		for i := range rows {
			want[[2]string{rows[i].Site, questionnaires.RosterStatus(rows[i].Facts(), now)}]++
		}
		if !maps.Equal(got, want) {
			t.Errorf("%v: roster statuses by groups\n%v\none by one\n%v", now, got, want)
		}

		// Completion.
		ps, err := st.FollowUpParticipants(ctx, store.FollowUpFilter{Sites: sites})
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(ps))
		for i, p := range ps {
			ids[i] = p.ID
		}
		states, err := st.AssessmentStates(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		bySubject := map[int64][]store.AssessmentState{}
		for _, a := range states {
			bySubject[a.SubjectID] = append(bySubject[a.SubjectID], a)
		}
		assessors, err := loadAssessing(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		oneByOne := map[[2]string]*SiteCompletion{}
		for _, p := range ps {
			today := questionnaires.Today(now, questionnaires.Location(p.Timezone))
			for _, tp := range cat.Protocol.Timepoints {
				if where := completionAt(&cat.Protocol, assessors, p, bySubject[p.ID], today, tp); where != nil {
					k := [2]string{p.Site, tp.ID}
					if oneByOne[k] == nil {
						oneByOne[k] = &SiteCompletion{Site: p.Site, Timepoint: tp.ID}
					}
					oneByOne[k].Total++
					*where(oneByOne[k])++
				}
			}
		}
		completion := co.Completion()
		if len(completion) != len(oneByOne) {
			t.Errorf("%v: %d completion rows by groups, %d one by one", now, len(completion), len(oneByOne))
		}
		for _, c := range completion {
			if w := oneByOne[[2]string{c.Site, c.Timepoint}]; w == nil || *w != c {
				t.Errorf("%v: completion by groups %+v, one by one %+v", now, c, w)
			}
		}

		// Follow-ups.
		fs, err := FollowUps(ctx, st, cat, sites, now)
		if err != nil {
			t.Fatal(err)
		}
		gotF, wantF := map[[3]string]int{}, map[[3]string]int{}
		var rated []string
		for _, f := range fs {
			wantF[[3]string{f.Site, f.Timepoint, f.Status}]++
			if f.Timepoint == "m12" && (f.SubjectID == who["first"] || f.SubjectID == who["started"] ||
				f.SubjectID == who["idle"] || f.SubjectID == who["k1"] || f.SubjectID == who["k2"]) {
				rated = append(rated, fmt.Sprintf("%v/%v", f.SelfMissing, f.AssessorsMissing))
			}
		}
		// The first clinician and the first coordinator's site are the
		// assessor's to rate; the second coordinator finishes the rating
		// they started; the third is asked nothing.
		if want := []string{"[]/[it-is]", "[]/[imr-fidelity]", "[imr-fidelity]/[]"}; !slices.Equal(rated, want) {
			t.Errorf("%v: the follow-ups of coordinators and clinicians (self/assessors) %v, want %v", now, rated, want)
		}
		for _, f := range co.FollowUps() {
			gotF[[3]string{f.Site, f.Timepoint, f.Status}] += f.N
		}
		if !maps.Equal(gotF, wantF) {
			t.Errorf("%v: follow-ups by groups\n%v\none by one\n%v", now, gotF, wantF)
		}
		if len(wantF) < 6 {
			t.Errorf("%v: the seed gives too few kinds of follow-up to compare: %v", now, wantF)
		}
		t.Logf("%v: %d groups; follow-ups %v", now, len(co.Groups), wantF)
	}
}
