package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// errNothingToStore rolls back the transaction of an update from a chat
// linked to no one that links nothing: nothing about a stranger is kept,
// not even the update id.
var errNothingToStore = errors.New("nothing to store")

// coordinatorCommands are the commands a coordinator's chat hands to the
// Coordinator rather than to the engine.
var coordinatorCommands = map[string]bool{"due": true, "remind": true, "status": true, "desk": true}

// Apply applies one update in its transaction and returns what to send.
// Its changes are committed before it returns; an error means nothing of
// the update was kept, and it may be applied again.
func (s *Service) Apply(ctx context.Context, in Update) (out *Outcome, err error) {
	start := time.Now()
	defer func() {
		s.metrics.applySeconds.Observe(time.Since(start).Seconds())
		if err == nil {
			s.metrics.answersStored.Add(float64(out.Answers))
		}
	}()
	if s.group != nil && groupable(in) {
		if out, alone := s.group.apply(in); !alone {
			return out, nil
		}
	}
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	case <-ctx.Done():
		return nil, fmt.Errorf("conversation.Apply(update %d): %w", in.ID, ctx.Err())
	}
	// An invite lost to another chat in a race is decided again, now
	// seeing the winner.
	for attempt := 0; ; attempt++ {
		out = &Outcome{}
		err = s.store.InChatTx(ctx, func(tx *store.ChatTx) error {
			*out = Outcome{}
			return s.applyInTx(ctx, tx, in, out)
		})
		switch {
		case errors.Is(err, errNothingToStore):
			out.Kind = "stranger"
			return out, nil
		case errors.Is(err, store.ErrInviteTaken) && attempt < 2:
			continue
		case err != nil:
			return nil, fmt.Errorf("conversation.Apply(update %d): %w", in.ID, err)
		}
		return out, nil
	}
}

// applyInTx is the update's transaction: de-duplicate, lock the chat (a
// participant's link moves here first when the chat presents their
// reissued invitation), load what the engine needs, step, store the
// effects and the new state.
func (s *Service) applyInTx(ctx context.Context, tx *store.ChatTx, in Update, out *Outcome) error {
	fresh, sess, err := tx.Open(ctx, in.ID, in.ChatID)
	if err != nil {
		return err
	}
	moved := false
	if fresh && sess == nil {
		if sess, err = s.relink(ctx, tx, in, s.now()); err != nil {
			return err
		}
		moved = sess != nil
	}
	ap, err := s.step(ctx, tx, in, out, fresh, sess)
	if err != nil {
		return err
	}
	if moved {
		out.Replies = append([]flows.Reply{{Kind: flows.ReplySend, Text: flows.Say(out.Lang, flows.MsgLinkMoved)}}, out.Replies...)
	}
	if ap == nil {
		return nil
	}
	return ap.save(ctx)
}

// step applies an opened update: it steps the engine and stores the
// effects, all but the new state and the answers, which the returned
// applier saves (nil: nothing to save). sess is nil for a chat linked to
// no one; errNothingToStore says the update must leave no trace.
func (s *Service) step(ctx context.Context, tx *store.ChatTx, in Update, out *Outcome, fresh bool, sess *store.ChatSession) (*applier, error) {
	if !fresh {
		out.Kind = "duplicate"
		return nil, nil
	}
	now := s.now()
	var st flows.State
	out.Lang = flows.Language("", in.UserLang)
	if sess != nil {
		out.ParticipantID = sess.ParticipantID
		out.PromptMessageID = sess.PromptMessageID.Int64
		out.Lang = flows.Language(sess.Lang.String, in.UserLang)
		if err := json.Unmarshal(sess.State, &st); err != nil {
			// A state this version cannot read starts over at the first
			// unanswered item; the answers are all in their own table.
			s.log.Warn("unreadable conversation state", slog.String("participant", sess.Code), slog.Any("err", err))
			st = flows.State{}
		}
		if st.Lang != "" {
			out.Lang = st.Lang
		}
		if late(sess, in) {
			out.Kind = "stale"
			out.Replies = []flows.Reply{{Kind: flows.ReplySend, Text: flows.Say(out.Lang, flows.MsgLate)}}
			return nil, nil
		}
		if in.Event.Kind == flows.EventCommand && coordinatorCommands[in.Event.Command] &&
			questionnaires.Role(sess.Role) == questionnaires.RoleCoordinator && sess.Status != questionnaires.StatusWithdrawn {
			out.Kind = "applied"
			out.Command = &Command{Name: in.Event.Command, Arg: in.Event.Arg}
			return nil, nil
		}
	}
	env, assessments, err := s.loadEnv(ctx, tx, sess, st, in, now)
	if err != nil {
		return nil, err
	}
	next, replies, effects := flows.Step(env, st, in.Event)
	out.Replies = replies
	ap := newApplier(tx, in, now, sess, env, assessments)
	for _, e := range effects {
		if err := ap.apply(ctx, e); err != nil {
			return nil, err
		}
	}
	if sess == nil && !ap.linked {
		return nil, errNothingToStore
	}
	out.Kind = "applied"
	out.Answers = len(ap.answers)
	out.ParticipantID = ap.participantID
	if ap.state, err = json.Marshal(next); err != nil {
		return nil, err
	}
	return ap, nil
}

// late reports a message that arrived after a newer one of the same chat
// had been applied (see overtaken).
func late(sess *store.ChatSession, in Update) bool {
	if !sess.LastUpdateID.Valid || !sess.LastMessageAt.Valid {
		return false
	}
	return overtaken(in, sess.LastUpdateID.Int64, sess.LastMessageAt.Time)
}

// overtaken reports a message with a lower update id than the last one
// applied and a date no newer. Telegram starts update ids afresh after a
// week without updates, which the date tells apart. Button taps carry
// their own staleness check (the prompt sequence) and no date.
func overtaken(in Update, lastID int64, lastAt time.Time) bool {
	return !in.MessageAt.IsZero() && in.ID < lastID && !in.MessageAt.After(lastAt)
}

// RunCommand answers the coordinator's command an applied update carried,
// after its commit, as replies to send.
func (s *Service) RunCommand(ctx context.Context, out *Outcome) []flows.Reply {
	reply, err := s.coordinator.Reply(ctx, out.ParticipantID, out.Lang, out.Command.Name, out.Command.Arg)
	if err != nil {
		s.log.Error("coordinator command failed", slog.String("command", out.Command.Name), slog.Any("err", err))
		reply = flows.Reply{Kind: flows.ReplySend, Text: flows.Say(out.Lang, flows.MsgCommandUnavailable)}
	}
	return []flows.Reply{reply}
}
