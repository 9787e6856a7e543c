package questionnaires

import "testing"

func TestProtocolTimepoint(t *testing.T) {
	p := Protocol{Timepoints: []Timepoint{{ID: "baseline"}, {ID: "m12", Months: 12}}}
	if tp, ok := p.Timepoint("m12"); !ok || tp.Months != 12 {
		t.Errorf("Timepoint(m12) = %+v, %v", tp, ok)
	}
	if _, ok := p.Timepoint("m6"); ok {
		t.Error("Timepoint(m6) found")
	}
}

func TestBatteryForMergesInOrder(t *testing.T) {
	p := Protocol{Batteries: []Battery{
		{Role: RoleConsumer, Subject: SubjectSelf, Timepoints: []string{"baseline", "m12"}, Questionnaires: []string{"a", "b"}},
		{Role: RoleClinician, Subject: SubjectSelf, Timepoints: []string{"m12"}, Questionnaires: []string{"x"}},
		{Role: RoleConsumer, Subject: SubjectSelf, Timepoints: []string{"m12"}, Questionnaires: []string{"c", "a"}},
	}}
	if got := p.BatteryFor(RoleConsumer, SubjectSelf, "m12"); len(got) != 3 || got[0] != "a" || got[1] != "b" || got[2] != "c" {
		t.Errorf("BatteryFor = %v, want [a b c]", got)
	}
}
