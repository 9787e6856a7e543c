package questionnaires

import (
	"encoding/json"
	"errors"
	"testing"
	"testing/fstest"
)

// FuzzLoad feeds arbitrary bytes to the loader as an override definition
// (or, with asProtocol, as the protocol): it must never panic, and must end
// either in a catalog that lints clean or in problems that each carry a file
// and a line. Run it with
//
//	go test -run XXX -fuzz FuzzLoad -fuzzminimizetime 5s ./questionnaires
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"hope.yaml", "honos.yaml", "qol.yaml", "gaf.yaml"} {
		data, err := defaults.ReadFile("defs/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
	}
	protocol, err := defaults.ReadFile("defs/" + ProtocolFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(protocol, true)
	// The embedded study is read once: each input is only the override.
	base, baseProblems := readLayer(defaults, "defs", "defs")
	f.Fuzz(func(t *testing.T, data []byte, asProtocol bool) {
		name := "fuzz.yaml"
		if asProtocol {
			name = ProtocolFile
		}
		c, problems := overlay(base, baseProblems, fstest.MapFS{name: {Data: data}}, "over")
		if len(problems) == 0 {
			if again := lintCatalog(c); len(again) > 0 {
				t.Fatalf("loaded clean, but lints with %v", again)
			}
			// A clean catalog validates, scores and renders without panicking.
			for _, q := range c.Questionnaires {
				answers := map[string]string{}
				for i, it := range q.Items {
					if v, err := it.Validate("1"); err == nil {
						answers[it.ID] = v
					}
					q.Visible(i, answers)
				}
				for _, r := range q.Score(answers) {
					if r.OK && (r.Value < r.Min || r.Value > r.Max) {
						t.Fatalf("%s %s = %g outside %g..%g", q.ID, r.ID, r.Value, r.Min, r.Max)
					}
				}
				if _, err := json.Marshal(q); err != nil {
					t.Fatal(err)
				}
			}
			return
		}
		for _, p := range problems {
			if p.File == "" || p.Line < 1 || p.Msg == "" {
				t.Fatalf("problem without a file and line: %#v", p)
			}
		}
		err := (&LoadError{Problems: problems}).Error()
		var le *LoadError
		if !errors.As(error(&LoadError{Problems: problems}), &le) || err == "" {
			t.Fatal("LoadError does not describe itself")
		}
	})
}
