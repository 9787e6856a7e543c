package questionnaires

import "slices"

// Timepoint returns the protocol's timepoint with id.
func (p Protocol) Timepoint(id string) (Timepoint, bool) {
	for _, tp := range p.Timepoints {
		if tp.ID == id {
			return tp, true
		}
	}
	return Timepoint{}, false
}

// BatteryFor lists the questionnaire ids role answers about subject at
// timepoint, in the order they are asked; nil when there are none.
func (p Protocol) BatteryFor(role Role, subject Subject, timepoint string) []string {
	var ids []string
	for _, b := range p.Batteries {
		if b.Role != role || b.Subject != subject || !slices.Contains(b.Timepoints, timepoint) {
			continue
		}
		for _, id := range b.Questionnaires {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}
