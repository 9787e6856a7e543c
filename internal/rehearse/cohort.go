package rehearse

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// siteCode names the i-th site (0-based) with letters only, as participant
// codes (SA-C-0001) expect: SA, SB, ..., SZ, SAA, ...
func siteCode(i int) string {
	code := ""
	for n := i; ; n = n/26 - 1 {
		code = string(rune('A'+n%26)) + code
		if n < 26 {
			break
		}
	}
	return "S" + code
}

// Task keys: what a person's patience is kept by. A rating's ratee is
// named as /rate takes it: a consumer or clinician by code, a site by its.
func selfTask(tp string) string        { return "self:" + tp }
func rateTask(ratee, tp string) string { return "rate:" + ratee + ":" + tp }
func siteTask(tp string) string        { return "site:" + tp }

// patience draws how many notices a person lets pass before doing a task:
// most act at the first (or at once, where the task is offered at
// consent), some after one, two or three reminders, a few never.
func patience(rng *rand.Rand, offered bool) int {
	first := 1 // a follow-up's first notice is the window opening
	if offered {
		first = 0
	}
	switch r := rng.Float64(); {
	case r < 0.55:
		return first
	case r < 0.75:
		return first + 1
	case r < 0.87:
		return first + 2
	case r < 0.94:
		return first + 3
	default:
		return Never
	}
}

// enrolCohort creates the sites and participants, and enrols everyone on
// the first day: coordinators link their chat, assessors, clinicians and
// consumers consent, clinicians and consumers answer their baseline or
// leave it for later, and clinicians rate the consumers they rate at once.
func (s *sim) enrolCohort() error {
	ctx, st, cat := s.ctx, s.o.Store, s.o.Catalog
	rng := rand.New(rand.NewPCG(s.o.Seed, 0x5eed))
	expires := s.clock.Now().Add(30 * 24 * time.Hour)
	s.byCode = map[string]*person{}
	invite := func(np store.NewParticipant) (*person, error) {
		np.InviteExpires, np.Actor = expires, "rehearse"
		inv, err := st.Invite(ctx, np, 1, store.NewInviteCode)
		if err != nil {
			return nil, err
		}
		p := &person{sim: s, inviteCode: inv[0].InviteCode, lang: "en",
			rng:    rand.New(rand.NewPCG(s.o.Seed, uint64(len(s.people))+1)),
			Person: Person{Code: inv[0].ParticipantCode, Role: np.Role, Site: np.Site, Clinician: np.ClinicianCode, Patience: map[string]int{}},
		}
		p.latent = p.rng.Float64()
		p.u = s.fake.NewUser(p.Code, p.lang)
		s.people = append(s.people, p)
		s.byCode[p.Code] = p
		return p, nil
	}

	var coordinators, clinicians, consumers []*person
	for i := range s.o.Sites {
		code := siteCode(i)
		if err := st.AddSite(ctx, code, fmt.Sprintf("Rehearsal site %d", i+1)); err != nil {
			return err
		}
		p, err := invite(store.NewParticipant{Site: code, Role: string(questionnaires.RoleCoordinator)})
		if err != nil {
			return err
		}
		coordinators = append(coordinators, p)
	}
	for i := range s.o.Clinicians {
		p, err := invite(store.NewParticipant{Site: siteCode(i % s.o.Sites), Role: string(questionnaires.RoleClinician)})
		if err != nil {
			return err
		}
		clinicians = append(clinicians, p)
	}
	for i := range s.o.Consumers {
		c := clinicians[i%len(clinicians)]
		p, err := invite(store.NewParticipant{Site: c.Site, Role: string(questionnaires.RoleConsumer), ClinicianCode: c.Code})
		if err != nil {
			return err
		}
		c.ratees = append(c.ratees, p)
		consumers = append(consumers, p)
	}
	// Assessors come last, so that everyone else is drawn as in a
	// rehearsal without them; each rates every site (through its
	// coordinator, the site's first) and every clinician.
	var assessors []*person
	for i := range s.o.Assessors {
		p, err := invite(store.NewParticipant{Site: siteCode(i % s.o.Sites), Role: string(questionnaires.RoleAssessor)})
		if err != nil {
			return err
		}
		p.ratees = append(slices.Clone(coordinators), clinicians...)
		assessors = append(assessors, p)
	}

	// Behaviours, drawn in one order from the cohort's generator so that
	// the seed alone decides them.
	for _, tp := range s.o.Catalog.Protocol.Timepoints {
		offered := tp.Months == 0
		for _, p := range s.people {
			role := questionnaires.Role(p.Role)
			if len(cat.Protocol.BatteryFor(role, questionnaires.SubjectSelf, tp.ID)) > 0 {
				p.Patience[selfTask(tp.ID)] = patience(rng, offered)
				s.tasksTotal++
			}
			// A coordinator is asked to rate their own site only while no
			// assessor takes part (an assessor rates sites as ratees).
			if role == questionnaires.RoleCoordinator && questionnaires.CoordinatorRatesSite(s.o.Assessors > 0, false) &&
				len(cat.Protocol.BatteryFor(role, questionnaires.SubjectSite, tp.ID)) > 0 {
				p.Patience[siteTask(tp.ID)] = patience(rng, false)
				s.tasksTotal++
			}
			for _, r := range p.ratees {
				if len(cat.Protocol.BatteryFor(role, r.ratedAs(), tp.ID)) > 0 {
					p.Patience[rateTask(r.rateeCode(), tp.ID)] = patience(rng, offered)
					s.tasksTotal++
				}
			}
		}
	}
	// The one who withdraws answered their baseline at once, so that
	// keeping or erasing their answers shows in the export.
	var candidates []*person
	for _, c := range consumers {
		if c.Patience[selfTask(s.baseline().ID)] == 0 {
			candidates = append(candidates, c)
		}
	}
	if len(candidates) == 0 {
		// Nobody answered at once: one does, and then withdraws.
		c := consumers[rng.IntN(len(consumers))]
		c.Patience[selfTask(s.baseline().ID)] = 0
		candidates = append(candidates, c)
	}
	w := candidates[rng.IntN(len(candidates))]
	w.withdraws, w.erases = true, rng.IntN(2) == 1

	s.progress(false)
	if err := s.each(coordinators, (*person).link); err != nil {
		return err
	}
	if err := s.each(assessors, (*person).enrol); err != nil {
		return err
	}
	if err := s.each(clinicians, (*person).enrol); err != nil {
		return err
	}
	if err := s.each(consumers, (*person).enrol); err != nil {
		return err
	}
	return s.each(clinicians, func(p *person) error { return p.rateDue(s.baseline().ID, 0) })
}

// baseline is the protocol's first timepoint, the one offered at consent.
func (s *sim) baseline() questionnaires.Timepoint {
	for _, tp := range s.o.Catalog.Protocol.Timepoints {
		if tp.Months == 0 {
			return tp
		}
	}
	return s.o.Catalog.Protocol.Timepoints[0]
}

// openTimepoint is the first timepoint of the protocol that is open today
// for a participant who consented on day baseline and that has a battery
// for role about subject.
func (s *sim) openTimepoint(baseline time.Time, role questionnaires.Role, subject questionnaires.Subject) (string, bool) {
	today := questionnaires.Today(s.clock.Now(), questionnaires.Location(""))
	for _, tp := range s.o.Catalog.Protocol.Timepoints {
		if len(s.o.Catalog.Protocol.BatteryFor(role, subject, tp.ID)) == 0 {
			continue
		}
		if baseline.IsZero() || tp.Window(baseline).OpenOn(today) {
			return tp.ID, true
		}
	}
	return "", false
}
