package desk

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

// event is one line of a participant's timeline.
type event struct {
	At   time.Time
	What string
	Why  string // a reminder's note, an audit entry's reason
}

// auditShown are the audit details a timeline shows: codes, dates and
// reasons, never anything that could name a Telegram account.
var auditShown = []string{"reason", "subject", "timepoint", "step", "erase", "from", "to", "role", "format"}

// timeline merges what the tables and the audit log say, oldest first.
func timeline(h *store.History) []event {
	var out []event
	for _, inv := range h.Invites {
		out = append(out, event{At: inv.CreatedAt, What: "Invited (invitation valid until " + inv.ExpiresAt.UTC().Format(time.DateOnly) + ")"})
		if inv.RedeemedAt.Valid {
			out = append(out, event{At: inv.RedeemedAt.Time, What: "Linked the chat (invitation used)"})
		}
	}
	for _, c := range h.Consents {
		what := "Consented (version " + c.Version + ")"
		if !c.Agreed {
			what = "Declined consent (version " + c.Version + ")"
		}
		out = append(out, event{At: c.DecidedAt, What: what})
	}
	for _, a := range h.Assessments {
		about := ""
		if a.Subject != a.Respondent {
			about = fmt.Sprintf(" by %s about %s", a.Respondent, a.Subject)
		}
		name := fmt.Sprintf("%s at %s%s", a.Questionnaire, a.Timepoint, about)
		if a.StartedAt.Valid {
			out = append(out, event{At: a.StartedAt.Time, What: "Started " + name})
		}
		switch {
		case a.CompletedAt.Valid:
			out = append(out, event{At: a.CompletedAt.Time, What: "Completed " + name})
		case a.Status == "expired":
			out = append(out, event{At: a.OpenedAt, What: "Expired incomplete: " + name})
		}
	}
	for _, r := range h.Reminders {
		what := fmt.Sprintf("Reminder %s (%s, %s) to %s", reminderStatus(r.Status), r.Timepoint, r.Step, r.Recipient)
		if r.Subject != r.Recipient {
			what += " about " + r.Subject
		}
		at := r.SendAt
		if r.SentAt.Valid {
			at = r.SentAt.Time
		}
		out = append(out, event{At: at, What: what, Why: r.Note.String})
	}
	for _, a := range h.Audit {
		if a.Action == "invite" {
			continue // the invitation's own row says it, with its expiry
		}
		out = append(out, event{At: a.At, What: auditText(a), Why: auditWhy(a.Detail)})
	}
	slices.SortStableFunc(out, func(a, b event) int { return a.At.Compare(b.At) })
	return out
}

func reminderStatus(s string) string {
	switch s {
	case "pending", "claimed":
		return "planned"
	}
	return s
}

func auditText(a store.HistoryAudit) string {
	what := map[string]string{
		"withdraw": "Withdrew", "unlink": "Chat link deleted", "unreachable": "Became unreachable",
		"reachable": "Reachable again", "set_baseline": "Baseline date set", "reminder_requested": "Reminder requested",
		"invite": "Invitation created", "desk_login": "Logged into the desk", "desk_logout": "Logged out of the desk",
		"desk_login_link": "Desk login link made", "desk_study_wide": "Study-wide desk access changed",
	}[a.Action]
	if what == "" {
		what = strings.ReplaceAll(a.Action, "_", " ")
	}
	return what + " (by " + a.Actor + ")"
}

// auditWhy lists the shown details of an audit entry.
func auditWhy(detail []byte) string {
	var d map[string]any
	if json.Unmarshal(detail, &d) != nil {
		return ""
	}
	var parts []string
	for _, k := range auditShown {
		if v, ok := d[k]; ok {
			parts = append(parts, fmt.Sprintf("%s: %v", k, v))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// remindable: a manual reminder to the participant may go now, as
// reminders.Manual would decide: they can be reached and owe answers to
// an open follow-up, their own or their ratings of their consumers.
func remindable(fs []reminders.FollowUp, p *store.RosterEntry) bool {
	return slices.ContainsFunc(fs, func(f reminders.FollowUp) bool {
		return (f.SubjectID == p.ID && len(f.SelfMissing) > 0 && f.SubjectReachable) ||
			(f.ClinicianID == p.ID && len(f.RatingsMissing) > 0 && f.ClinicianReachable)
	})
}

// flashes are the results of a form the participant page reports.
var flashes = map[string]string{
	"reminded":    "Reminder queued: it goes out now.",
	"withdrawn":   "No reminder sent: they have withdrawn.",
	"unreachable": "No reminder sent: they cannot be reached (no linked chat, no consent, or the bot is blocked).",
	"nothing":     "No reminder sent: they have nothing open to answer.",
}

// participant shows one participant's timeline, if they are at one of the
// coordinator's sites; anyone else is not found, so that a code at another
// site tells nothing.
func (s *Server) participant(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx, now := r.Context(), s.opt.Now()
	p, err := s.opt.Store.DeskParticipant(ctx, r.PathValue("code"), sess.sites)
	if errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, "There is no participant with that code at your sites.")
		return
	} else if err != nil {
		s.internal(w, r, err)
		return
	}
	h, err := s.opt.Store.ParticipantHistory(ctx, p.ID)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	fs, err := reminders.FollowUps(ctx, s.opt.Store, s.opt.Catalog, []string{p.Site}, now)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	var open []reminders.FollowUp
	for _, f := range fs {
		if f.SubjectID == p.ID || f.ClinicianID == p.ID {
			open = append(open, f)
		}
	}
	baseline := ""
	if p.BaselineDate.Valid {
		baseline = p.BaselineDate.Time.Format(time.DateOnly)
	}
	s.render(w, r, http.StatusOK, "participant", page{
		Title: p.Code, Nav: "roster", Flash: flashes[r.URL.Query().Get("done")],
		Data: map[string]any{
			"P": p, "Status": rosterStatus(p, now), "Baseline": baseline,
			"Events": timeline(h), "Open": open, "Remindable": remindable(fs, p),
			"NoReissue": reissueRefusal(p),
		},
	})
}
