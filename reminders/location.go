package reminders

import (
	"time"

	"github.com/imrbot/imrbot/questionnaires"
)

// DefaultTimezone is the study's zone, questionnaires.DefaultTimezone,
// named here for the dispatcher's fallback.
const DefaultTimezone = questionnaires.DefaultTimezone

// loadLocation is questionnaires.Location, the calendar's one home of a
// site's zone, named here for the dispatcher.
func loadLocation(name string) *time.Location { return questionnaires.Location(name) }
