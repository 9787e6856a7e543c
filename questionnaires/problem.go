package questionnaires

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong in a definition file, at the line to fix.
type Problem struct {
	File string
	Line int // 0 when the problem is about the file as a whole
	Msg  string
}

// String is "file:line: message", the form editors and CI logs link to.
func (p Problem) String() string {
	if p.Line == 0 {
		return p.File + ": " + p.Msg
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
}

// LoadError is why Load refused a study: every problem, in file and line
// order. Its message is one line; Problems has them all.
type LoadError struct {
	Problems []Problem
}

func (e *LoadError) Error() string {
	if len(e.Problems) == 0 {
		return "questionnaires.Load: invalid definitions"
	}
	msg := "questionnaires.Load: " + e.Problems[0].String()
	if n := len(e.Problems) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more; run `imrbot questionnaires lint` to see all)", n)
	}
	return msg
}

// sortProblems orders problems by file and line and drops exact repeats,
// which cascading checks can produce.
func sortProblems(ps []Problem) []Problem {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	return slices.Compact(ps)
}
