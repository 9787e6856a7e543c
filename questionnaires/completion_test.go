package questionnaires

import "testing"

// What is left to ask follows show_if: an item hidden by an earlier answer
// is not waited for, a skip counts as asked, and an item whose condition
// names a later item is never asked.
func TestFirstUnansweredAndComplete(t *testing.T) {
	q := &Questionnaire{Items: []Item{
		{ID: "a", Type: TypeChoice, Options: []Option{{Code: 0}, {Code: 1}}},
		{ID: "b", Type: TypeChoice, Options: []Option{{Code: 0}, {Code: 1}}, ShowIf: &Condition{Item: "a", In: []int{1}}},
		{ID: "c", Type: TypeText, ShowIf: &Condition{Item: "b", In: []int{0, 1}}},
		{ID: "d", Type: TypeText, ShowIf: &Condition{Item: "e", In: []int{1}}}, // names a later item
		{ID: "e", Type: TypeChoice, Options: []Option{{Code: 1}}},
	}}
	s := func(v string) *string { return &v }
	tests := []struct {
		name    string
		answers map[string]*string
		item    int // -1: nothing left
	}{
		{"nothing answered", nil, 0},
		{"a=1 opens b", map[string]*string{"a": s("1")}, 1},
		{"a=0 hides b and c", map[string]*string{"a": s("0")}, 4},
		{"b skipped: c hidden", map[string]*string{"a": s("1"), "b": nil}, 4},
		{"b answered opens c", map[string]*string{"a": s("1"), "b": s("0")}, 2},
		{"all shown answered", map[string]*string{"a": s("0"), "e": s("1")}, -1},
		{"c skipped", map[string]*string{"a": s("1"), "b": s("1"), "c": nil, "e": s("1")}, -1},
	}
	for _, tt := range tests {
		item, ok := q.FirstUnanswered(tt.answers)
		if tt.item < 0 {
			if ok || !q.Complete(tt.answers) {
				t.Errorf("%s: FirstUnanswered = %d, %v; want none, complete", tt.name, item, ok)
			}
			continue
		}
		if !ok || item != tt.item || q.Complete(tt.answers) {
			t.Errorf("%s: FirstUnanswered = %d, %v; want %d, not complete", tt.name, item, ok, tt.item)
		}
	}
}
