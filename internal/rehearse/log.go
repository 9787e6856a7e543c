package rehearse

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/imrbot/imrbot/store"
)

// Reminder is one row of the reminders log: a step of the schedule for a
// recipient about a subject at a timepoint, and what became of it.
type Reminder struct {
	Recipient, RecipientRole, Site string
	Subject, Timepoint, Step       string
	Status                         string // pending, sent, failed or skipped
	SendAt                         time.Time
	SentAt                         time.Time // zero unless sent
	Note                           string    // why a step was skipped or cancelled
}

// RemindersLog reads every reminder row of the people of r from the
// store, ordered by when it was due.
func RemindersLog(ctx context.Context, st *store.Store, r *Result) (_ []Reminder, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("rehearse.RemindersLog: %w", err)
		}
	}()
	byID := map[int64]*store.Participant{}
	for _, p := range r.People {
		sp, err := st.ParticipantByCode(ctx, p.Code)
		if err != nil {
			return nil, err
		}
		byID[sp.ID] = sp
	}
	seen := map[int64]bool{}
	var out []Reminder
	for id := range byID {
		rows, err := st.RemindersOf(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			if seen[row.ID] {
				continue
			}
			seen[row.ID] = true
			recipient, subject := byID[row.ParticipantID], byID[row.SubjectID]
			rem := Reminder{Timepoint: row.Timepoint, Step: row.Step, Status: row.Status,
				SendAt: row.SendAt, Note: row.Note.String}
			if recipient != nil {
				rem.Recipient, rem.RecipientRole, rem.Site = recipient.Code, recipient.Role, recipient.Site
			}
			if subject != nil {
				rem.Subject = subject.Code
			}
			if row.SentAt.Valid {
				rem.SentAt = row.SentAt.Time
			}
			out = append(out, rem)
		}
	}
	slices.SortFunc(out, func(a, b Reminder) int {
		return cmp.Or(a.SendAt.Compare(b.SendAt), cmp.Compare(a.Recipient, b.Recipient),
			cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Step, b.Step))
	})
	return out, nil
}

// WriteRemindersLog writes the log as CSV, one row per reminder, times in
// UTC.
func WriteRemindersLog(w io.Writer, rows []Reminder) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"recipient", "recipient_role", "site", "subject", "timepoint", "step", "status", "send_at", "sent_at", "note"})
	for _, r := range rows {
		_ = cw.Write([]string{r.Recipient, r.RecipientRole, r.Site, r.Subject, r.Timepoint, r.Step, r.Status,
			utc(r.SendAt), utc(r.SentAt), r.Note})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("rehearse.WriteRemindersLog: %w", err)
	}
	return nil
}

func utc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
