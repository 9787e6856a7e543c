package conversation

import (
	"context"
	"errors"
	"regexp"
	"time"

	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// deepLinkPayload is what Telegram allows after /start: up to 64 of
// A-Z a-z 0-9 _ -. Anything else cannot be an invite and is not looked up.
var deepLinkPayload = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// loadEnv gathers the facts flows.Step needs about the chat, inside the
// transaction that holds its lock. It returns the assessments it read so
// that effects can find their ids without reading again.
func (s *Service) loadEnv(ctx context.Context, tx *store.ChatTx, sess *store.ChatSession, st flows.State, in Update, now time.Time) (flows.Env, []*store.Assessment, error) {
	env := flows.Env{Catalog: s.catalog, Now: now}
	if in.Event.Kind == flows.EventCommand && in.Event.Command == "start" && in.Event.Arg != "" {
		inv, err := s.lookupInvite(ctx, tx, sess, in, now)
		if err != nil {
			return env, nil, err
		}
		env.Invite = inv
	}
	if sess == nil {
		return env, nil, nil
	}
	role := questionnaires.Role(sess.Role)
	p := &flows.Participant{
		ID: sess.ParticipantID, Code: sess.Code, Role: role, Site: sess.Site,
		Lang:   flows.Language(sess.Lang.String, in.UserLang),
		Status: sess.Status,
	}
	if sess.ConsentAgreed.Valid {
		if sess.ConsentAgreed.Bool {
			p.ConsentVersion = sess.ConsentVersion.String
		} else {
			p.ConsentDeclined = true
		}
	}
	env.Participant = p

	loc := questionnaires.Location(sess.Timezone)
	today := questionnaires.Today(now, loc)
	ratees, err := s.rateesOf(ctx, tx, role, sess.ParticipantID)
	if err != nil {
		return env, nil, err
	}
	assessments := sess.Own
	if len(ratees) > 0 {
		subjects := make([]int64, len(ratees))
		for i, r := range ratees {
			subjects[i] = r.ID
		}
		rated, err := tx.Assessments(ctx, sess.ParticipantID, subjects)
		if err != nil {
			return env, nil, err
		}
		assessments = append(assessments, rated...)
	}
	byKey := make(map[flows.TaskKey]*store.Assessment, len(assessments))
	for _, a := range assessments {
		byKey[flows.TaskKey{SubjectID: a.SubjectID, Questionnaire: a.Questionnaire, Timepoint: a.Timepoint}] = a
	}

	// Before consent, Tasks are what consenting now would open, so the
	// first question can follow the consent reply at once.
	baseline := today
	if sess.BaselineDate.Valid {
		baseline = questionnaires.Civil(sess.BaselineDate.Time)
	}
	ownSubject := questionnaires.SubjectSelf
	if role == questionnaires.RoleCoordinator {
		ownSubject = questionnaires.SubjectSite
	}
	own := s.tasks(role, ownSubject, sess.ParticipantID, sess.Code, baseline, today, byKey)
	if role == questionnaires.RoleCoordinator && len(own) > 0 {
		if own, err = s.coordinatorSiteTasks(ctx, tx, own); err != nil {
			return env, nil, err
		}
	}

	env.Tasks = own
	if st.Rating != nil && *st.Rating != sess.ParticipantID {
		// Rating a consumer: their rating tasks, or none if they left the
		// clinician's list (withdrew) meanwhile.
		env.Tasks = nil
	}
	for _, r := range ratees {
		rb := today
		switch {
		case r.BaselineDate.Valid:
			rb = questionnaires.Civil(r.BaselineDate.Time)
		case r.ConsentAt.Valid:
			rb = questionnaires.Today(r.ConsentAt.Time, loc)
		}
		tasks := s.tasks(role, r.subject, r.ID, r.Code, rb, today, byKey)
		open := 0
		for _, t := range tasks {
			if !t.Completed {
				open++
			}
		}
		if st.Rating != nil && *st.Rating == r.ID {
			env.Tasks = tasks
		}
		env.Ratees = append(env.Ratees, flows.Ratee{ParticipantID: r.ID, Code: r.Code, Open: open, Tasks: tasks})
	}
	return env, assessments, nil
}

// ratee is someone or a site the participant rates, with what the
// schedule needs: a clinician's consumer, or an assessor's site or
// clinician.
type ratee struct {
	store.Ratee
	subject questionnaires.Subject
}

// rateesOf lists whom a participant of role rates: a clinician their
// consumers, an assessor every site and clinician; nobody else rates.
func (s *Service) rateesOf(ctx context.Context, tx *store.ChatTx, role questionnaires.Role, id int64) ([]ratee, error) {
	var out []ratee
	switch role {
	case questionnaires.RoleClinician:
		rs, err := tx.RateesOf(ctx, id)
		for _, r := range rs {
			out = append(out, ratee{r, questionnaires.SubjectConsumer})
		}
		return out, err
	case questionnaires.RoleAssessor:
		rs, err := tx.AssessorRatees(ctx)
		for _, r := range rs {
			out = append(out, ratee{r.Ratee, questionnaires.Subject(r.Subject)})
		}
		return out, err
	}
	return nil, nil
}

// coordinatorSiteTasks keeps of a coordinator's site ratings those
// questionnaires.CoordinatorRatesSite still asks of them: all of them in a
// study without assessors, else only those they had started.
func (s *Service) coordinatorSiteTasks(ctx context.Context, tx *store.ChatTx, own []flows.Task) ([]flows.Task, error) {
	assessors, err := tx.AssessorsInStudy(ctx)
	if err != nil || !assessors {
		return own, err
	}
	var kept []flows.Task
	for _, t := range own {
		if questionnaires.CoordinatorRatesSite(assessors, t.Completed || len(t.Answers) > 0) {
			kept = append(kept, t)
		}
	}
	return kept, nil
}

// tasks lists what role answers about one subject today: for every
// timepoint whose window is open (the baseline's from consent), the
// battery's questionnaires in order, each with its current answers.
func (s *Service) tasks(role questionnaires.Role, subject questionnaires.Subject, subjectID int64, subjectCode string,
	baseline, today time.Time, byKey map[flows.TaskKey]*store.Assessment) []flows.Task {
	var out []flows.Task
	for _, tp := range s.catalog.Protocol.Timepoints {
		if !tp.Window(baseline).OpenOn(today) {
			continue
		}
		for _, id := range s.catalog.Protocol.BatteryFor(role, subject, tp.ID) {
			q := s.catalog.Questionnaires[id]
			if q == nil {
				continue
			}
			key := flows.TaskKey{SubjectID: subjectID, Questionnaire: id, Timepoint: tp.ID}
			t := flows.Task{Questionnaire: q, Answers: map[string]*string{}}
			if a := byKey[key]; a != nil {
				if a.Status == "expired" {
					continue
				}
				t.Answers, t.Completed = a.Answers, a.Status == "completed"
			}
			key.SubjectCode = subjectCode
			t.Key = key
			out = append(out, t)
		}
	}
	return out
}

// lookupInvite decides what "/start CODE" means, with the invite row
// locked so that two chats presenting one code are decided in turn.
func (s *Service) lookupInvite(ctx context.Context, tx *store.ChatTx, sess *store.ChatSession, in Update, now time.Time) (*flows.Invite, error) {
	code := in.Event.Arg
	if !deepLinkPayload.MatchString(code) {
		return &flows.Invite{Status: flows.InviteUnknown}, nil
	}
	inv, err := tx.LockInvite(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return &flows.Invite{Status: flows.InviteUnknown}, nil
	} else if err != nil {
		return nil, err
	}
	out := &flows.Invite{
		ParticipantID: inv.ParticipantID, Code: inv.Code, Role: questionnaires.Role(inv.Role),
		Lang: flows.Language(inv.Lang.String, in.UserLang),
	}
	switch {
	case inv.LinkedChatID.Valid && inv.LinkedChatID.Int64 == in.ChatID:
		out.Status = flows.InviteUsedHere
	case inv.RedeemedAt.Valid || inv.Erased || inv.LinkedChatID.Valid:
		out.Status = flows.InviteUsedElsewhere
	case !now.Before(inv.ExpiresAt) || inv.Revoked:
		out.Status = flows.InviteExpired
	default:
		out.Status = flows.InviteValid
	}
	return out, nil
}
