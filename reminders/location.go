package reminders

import (
	"sync"
	"time"
)

// DefaultTimezone is the participants' time zone when their site names
// none that this machine knows.
const DefaultTimezone = "Europe/Oslo"

var locations sync.Map // name -> *time.Location

// loadLocation resolves a site's time zone once, falling back to
// DefaultTimezone (and then UTC) for a name the tz database lacks.
func loadLocation(name string) *time.Location {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" {
		if loc, err = time.LoadLocation(DefaultTimezone); err != nil {
			loc = time.UTC
		}
	}
	locations.Store(name, loc)
	return loc
}
