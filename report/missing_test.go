package report

import (
	"testing"

	"github.com/imrbot/imrbot/questionnaires"
)

// HoNOS's 9 means "not known" on the rated items its total counts; on item
// 8's problem type, which no score counts, 9 is type I.
func TestNotKnownOnlyWhereAScoreCounts(t *testing.T) {
	cat, err := questionnaires.Load("")
	if err != nil {
		t.Fatal(err)
	}
	q := cat.Questionnaires["honos"]
	for _, tc := range []struct {
		item, raw string
		want      bool
	}{
		{"honos_1", "9", true},
		{"honos_1", "3", false},
		{"honos_8_type", "9", false},
	} {
		it, _, ok := q.Item(tc.item)
		if !ok {
			t.Fatalf("honos has no item %s", tc.item)
		}
		if got := notKnown(q, it, tc.raw); got != tc.want {
			t.Errorf("notKnown(%s = %s) = %v, want %v", tc.item, tc.raw, got, tc.want)
		}
	}
}
