package questionnaires

import (
	"slices"
	"strings"
)

// This file holds the study's CONSORT-style participant flow: the one rule
// by which /status and the outcome report count every participant by how
// far they came, so that every rate has an honest denominator.

// FlowMember is one participant (consumer or clinician; coordinators are
// staff and not counted) as the flow sees them.
type FlowMember struct {
	Site   string
	Role   Role
	Status ParticipantStatus
	// Linked: they redeemed an invitation.
	Linked bool
	// Consented: they took part at some time, in the chat or on paper.
	Consented bool
	// Declined: their latest consent decision is a refusal.
	Declined bool
	// Completed holds the (questionnaire, timepoint) pairs of their own
	// questionnaires (about themselves) they completed.
	Completed map[[2]string]bool
}

// SiteFlow counts one site's participants of one role by how far they
// came.
type SiteFlow struct {
	Site, Role                 string
	Invited, Linked, Consented int
	Declined, Withdrawn        int
	// Done counts, per timepoint id, those whose own questionnaires there
	// are all completed.
	Done map[string]int
}

// OwnPartDone reports whether someone of role completed every
// questionnaire of their own battery at timepoint tp (false when they have
// none there): what "baseline done" and "retained at m12" mean.
func (p *Protocol) OwnPartDone(role Role, tp string, completed map[[2]string]bool) bool {
	battery := p.BatteryFor(role, SubjectSelf, tp)
	for _, q := range battery {
		if !completed[[2]string{q, tp}] {
			return false
		}
	}
	return len(battery) > 0
}

// CountFlow counts members per site and role (consumers and clinicians
// only), sites in order of their code.
func (p *Protocol) CountFlow(members []FlowMember) []SiteFlow {
	type key struct{ site, role string }
	counts := map[key]*SiteFlow{}
	var order []key
	for _, m := range members {
		if m.Role != RoleConsumer && m.Role != RoleClinician {
			continue // coordinators are staff, not participants
		}
		k := key{m.Site, string(m.Role)}
		f, ok := counts[k]
		if !ok {
			f = &SiteFlow{Site: m.Site, Role: string(m.Role), Done: map[string]int{}}
			counts[k] = f
			order = append(order, k)
		}
		f.Invited++
		if m.Linked {
			f.Linked++
		}
		if m.Consented {
			f.Consented++
		}
		if m.Declined {
			f.Declined++
		}
		if m.Status == StatusWithdrawn {
			f.Withdrawn++
		}
		for _, tp := range p.Timepoints {
			if p.OwnPartDone(m.Role, tp.ID, m.Completed) {
				f.Done[tp.ID]++
			}
		}
	}
	slices.SortStableFunc(order, func(a, b key) int { return strings.Compare(a.site, b.site) })
	out := make([]SiteFlow, len(order))
	for i, k := range order {
		out[i] = *counts[k]
	}
	return out
}
