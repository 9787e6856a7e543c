package conversation

import (
	"context"
	"fmt"
	"time"

	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/store"
)

// applier stores the effects of one step in the update's transaction.
type applier struct {
	tx            *store.ChatTx
	in            Update
	now           time.Time
	env           flows.Env
	participantID int64
	actor         string // the participant's code, for the audit log
	assessments   map[flows.TaskKey]int64
	linked        bool // this step linked the chat
	erased        bool // this step erased the participant's data and link
	// answers are stored with the conversation state, in one statement.
	answers []store.NewAnswer
	state   []byte // the conversation's new state, once stepped
}

func newApplier(tx *store.ChatTx, in Update, now time.Time, sess *store.ChatSession, env flows.Env, loaded []*store.Assessment) *applier {
	a := &applier{tx: tx, in: in, now: now, env: env, assessments: make(map[flows.TaskKey]int64, len(loaded))}
	if sess != nil {
		a.participantID, a.actor = sess.ParticipantID, sess.Code
	}
	for _, as := range loaded {
		a.assessments[flows.TaskKey{SubjectID: as.SubjectID, Questionnaire: as.Questionnaire, Timepoint: as.Timepoint}] = as.ID
	}
	return a
}

func (a *applier) apply(ctx context.Context, e flows.Effect) error {
	switch e := e.(type) {
	case flows.LinkChat:
		if err := a.tx.LinkChat(ctx, e.ParticipantID, a.in.UserID, a.in.ChatID, []byte(`{}`), a.now); err != nil {
			return err
		}
		a.participantID, a.linked = e.ParticipantID, true
		if inv := a.env.Invite; inv != nil {
			a.actor = inv.Code
			// The language the chat speaks from now on (the invitation's,
			// else the Telegram app's) is stored, so that reminders, sent
			// outside any chat update, speak it too.
			if err := a.tx.SetParticipantLang(ctx, e.ParticipantID, inv.Lang); err != nil {
				return err
			}
		}
		return a.audit(ctx, "link", nil)
	case flows.RecordConsent:
		if err := a.tx.RecordConsent(ctx, a.participantID, e.Version, e.Agreed, a.now); err != nil {
			return err
		}
		return a.audit(ctx, "consent", map[string]any{"version": e.Version, "agreed": e.Agreed})
	case flows.SetLanguage:
		return a.tx.SetParticipantLang(ctx, a.participantID, e.Lang)
	case flows.StartTask:
		_, err := a.assessment(ctx, e.Key, e.Version)
		return err
	case flows.SaveAnswer:
		id, err := a.assessment(ctx, e.Key, "")
		if err != nil {
			return err
		}
		a.answers = append(a.answers, store.NewAnswer{AssessmentID: id, Item: e.Item, Value: e.Value})
		return nil
	case flows.CompleteTask:
		id, err := a.assessment(ctx, e.Key, "")
		if err != nil {
			return err
		}
		return a.tx.CompleteAssessment(ctx, id, a.now)
	case flows.Withdraw:
		if err := a.tx.Withdraw(ctx, a.participantID, e.Erase, a.now); err != nil {
			return err
		}
		a.erased = a.erased || e.Erase
		return a.audit(ctx, "withdraw", map[string]any{"erase": e.Erase})
	case flows.Audit:
		return a.audit(ctx, e.Action, e.Detail)
	}
	return fmt.Errorf("conversation.applier: unknown effect %T", e)
}

// assessment returns the id of the assessment key names, starting it if
// this step is the first to touch it. version "" means the catalog's.
func (a *applier) assessment(ctx context.Context, key flows.TaskKey, version string) (int64, error) {
	k := flows.TaskKey{SubjectID: key.SubjectID, Questionnaire: key.Questionnaire, Timepoint: key.Timepoint}
	if id, ok := a.assessments[k]; ok && version == "" {
		return id, nil
	}
	if version == "" {
		if q := a.env.Catalog.Questionnaires[key.Questionnaire]; q != nil {
			version = q.Version
		}
	}
	id, err := a.tx.StartAssessment(ctx, store.AssessmentKey{
		SubjectID: key.SubjectID, RespondentID: a.participantID,
		Questionnaire: key.Questionnaire, Timepoint: key.Timepoint,
	}, version, a.now)
	if err != nil {
		return 0, err
	}
	a.assessments[k] = id
	return id, nil
}

// save stores the new state and the answers the step gave.
func (a *applier) save(ctx context.Context) error {
	if cs, ok := a.conversationSave(); ok {
		return a.tx.SaveConversations(ctx, []store.ConversationSave{cs})
	}
	return nil
}

// conversationSave is what save stores, for a shared transaction to store
// with others'. ok is false when the step erased the participant: there is
// no conversation left, and nothing of theirs to keep.
func (a *applier) conversationSave() (_ store.ConversationSave, ok bool) {
	if a.erased {
		return store.ConversationSave{}, false
	}
	return store.ConversationSave{
		ParticipantID: a.participantID, State: a.state, UpdateID: a.in.ID,
		MessageAt: a.in.MessageAt, At: a.now, Answers: a.answers,
	}, true
}

func (a *applier) audit(ctx context.Context, action string, detail map[string]any) error {
	id := a.participantID
	return a.tx.Audit(ctx, a.actor, action, &id, detail)
}
