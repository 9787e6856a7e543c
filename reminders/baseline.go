package reminders

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// ErrUnknownParticipant is returned for a participant code that does not exist.
var ErrUnknownParticipant = errors.New("unknown participant")

// SetBaseline corrects a participant's baseline date and replans their
// schedule (and their clinician's ratings of them) in the same transaction,
// so the schedule follows at once: steps already past collapse into one
// reminder, steps still ahead move, steps already sent stay sent. The
// change is audited with actor.
func (p *Planner) SetBaseline(ctx context.Context, st *store.Store, code string, date, now time.Time, actor string) error {
	sp, err := st.ScheduleParticipantByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w %q", ErrUnknownParticipant, code)
	} else if err != nil {
		return fmt.Errorf("reminders.SetBaseline: %w", err)
	}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetBaselineDate(ctx, sp.ID, questionnaires.Civil(date), actor); err != nil {
			return err
		}
		return p.planReplans(ctx, tx, []replan{corrected(sp, questionnaires.Civil(date))}, now)
	})
	if err != nil {
		return fmt.Errorf("reminders.SetBaseline(%q): %w", code, err)
	}
	return nil
}
