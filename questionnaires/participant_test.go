package questionnaires

import (
	"testing"
	"time"
)

func TestRosterStatus(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	open, closed := now.Add(time.Hour), now.Add(-time.Hour)
	for _, c := range []struct {
		name string
		f    RosterFacts
		want ParticipantStatus
	}{
		{"invitation open", RosterFacts{Stored: StatusInvited, InviteOpenUntil: open}, StatusInvited},
		{"invitation expired", RosterFacts{Stored: StatusInvited, InviteOpenUntil: closed}, StatusExpired},
		{"invitation expiring this instant", RosterFacts{Stored: StatusInvited, InviteOpenUntil: now}, StatusExpired},
		{"invitation revoked, none reissued", RosterFacts{Stored: StatusInvited}, StatusExpired},
		{"paper consent, never linked", RosterFacts{Stored: StatusInvited, InStudy: true, InviteOpenUntil: open}, StatusUnreachable},
		{"paper consent, invitation expired", RosterFacts{Stored: StatusInvited, InStudy: true}, StatusUnreachable},
		{"linked, not decided yet", RosterFacts{Stored: StatusActive, Linked: true}, StatusActive},
		{"linked and consented", RosterFacts{Stored: StatusActive, Linked: true, InStudy: true}, StatusActive},
		{"linked, reissue pending", RosterFacts{Stored: StatusActive, Linked: true, InStudy: true, InviteOpenUntil: open}, StatusActive},
		{"blocked the bot", RosterFacts{Stored: StatusUnreachable, Linked: true, InStudy: true}, StatusUnreachable},
		{"declined in the chat", RosterFacts{Stored: StatusActive, Linked: true, Declined: true}, StatusDeclined},
		{"declined, then blocked the bot", RosterFacts{Stored: StatusUnreachable, Linked: true, Declined: true}, StatusDeclined},
		{"withdrew", RosterFacts{Stored: StatusWithdrawn, InStudy: true}, StatusWithdrawn},
		{"withdrew after declining", RosterFacts{Stored: StatusWithdrawn, Declined: true}, StatusWithdrawn},
	} {
		if got := RosterStatus(c.f, now); got != c.want {
			t.Errorf("%s: RosterStatus(%+v) = %s, want %s", c.name, c.f, got, c.want)
		}
	}
}
