package questionnaires

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// defaults is the study shipped in the binary; a directory of definition
// files overrides it by id.
//
//go:embed defs/*.yaml
var defaults embed.FS

// ProtocolFile is the name of the protocol file, in defs/ and in an override
// directory; with StudyFile, every other *.yaml or *.yml file holds one
// questionnaire.
const ProtocolFile = "protocol.yaml"

// Load returns the embedded study with the definitions in dir laid over it
// (dir "" loads the embedded study alone). A file in dir replaces the
// embedded questionnaire with the same id, adds a new one, or, named
// protocol.yaml or study.yaml, replaces the protocol or the study text. A study with any lint problem is
// refused with a *LoadError, so the bot never asks a broken questionnaire.
func Load(dir string) (*Catalog, error) {
	var over fs.FS
	if dir != "" {
		info, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("questionnaires.Load: %w", err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("questionnaires.Load: %s is not a directory", dir)
		}
		over = os.DirFS(dir)
	}
	c, problems := load(over, dir)
	if len(problems) > 0 {
		return nil, &LoadError{Problems: problems}
	}
	return c, nil
}

// Lint reports every problem in the study Load(dir) would load, at once.
func Lint(dir string) []Problem {
	var over fs.FS
	if dir != "" {
		info, err := os.Stat(dir)
		if err != nil {
			return []Problem{{File: dir, Msg: fmt.Sprintf("cannot read the directory: %v", err)}}
		}
		if !info.IsDir() {
			return []Problem{{File: dir, Msg: "is not a directory"}}
		}
		over = os.DirFS(dir)
	}
	_, problems := load(over, dir)
	return problems
}

// load builds the catalog from the embedded definitions and the override
// file system over (nil: none), whose files are named under prefix in
// messages. The catalog is returned even when there are problems.
func load(over fs.FS, prefix string) (*Catalog, []Problem) {
	base, problems := readLayer(defaults, "defs", "defs")
	return overlay(base, problems, over, prefix)
}

// overlay lays the override file system over an already read base layer
// (which it leaves unchanged) and lints the result.
func overlay(base layer, baseProblems []Problem, over fs.FS, prefix string) (*Catalog, []Problem) {
	problems := slices.Clone(baseProblems)
	c := &Catalog{Questionnaires: maps.Clone(base.questionnaires)}
	if base.protocol != nil {
		c.Protocol = *base.protocol
	}
	if base.study != nil {
		c.Study = *base.study
	}
	if over != nil {
		top, more := readLayer(over, ".", prefix)
		problems = append(problems, more...)
		for _, id := range slices.Sorted(maps.Keys(top.questionnaires)) {
			q := top.questionnaires[id]
			if old, ok := c.Questionnaires[id]; ok {
				problems = append(problems, versionKept(old, q)...)
			}
			c.Questionnaires[id] = q
		}
		if top.protocol != nil {
			c.Protocol = *top.protocol
		}
		if top.study != nil {
			c.Study = *top.study
		}
	}
	problems = append(problems, lintCatalog(c)...)
	return c, sortProblems(problems)
}

// layer is what one directory of definition files holds.
type layer struct {
	questionnaires map[string]*Questionnaire
	protocol       *Protocol
	study          *Study
}

func readLayer(fsys fs.FS, dir, prefix string) (layer, []Problem) {
	l := layer{questionnaires: map[string]*Questionnaire{}}
	var problems []Problem
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return l, []Problem{{File: prefix, Msg: fmt.Sprintf("cannot read the directory: %v", err)}}
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") ||
			(!strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml")) {
			continue
		}
		file := filepath.Join(prefix, name)
		data, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			problems = append(problems, Problem{File: file, Msg: fmt.Sprintf("cannot read: %v", err)})
			continue
		}
		if name == ProtocolFile || name == "protocol.yml" {
			p, more := parseProtocol(file, data)
			problems = append(problems, more...)
			if p != nil && l.protocol != nil {
				problems = append(problems, Problem{File: file, Line: 1,
					Msg: "a second protocol file; keep one protocol.yaml"})
			}
			if p != nil {
				l.protocol = p
			}
			continue
		}
		if name == StudyFile || name == "study.yml" {
			st, more := parseStudy(file, data)
			problems = append(problems, more...)
			if st != nil && l.study != nil {
				problems = append(problems, Problem{File: file, Line: 1,
					Msg: "a second study text file; keep one study.yaml"})
			}
			if st != nil {
				l.study = st
			}
			continue
		}
		q, more := parseQuestionnaire(file, data)
		problems = append(problems, more...)
		if q == nil {
			continue
		}
		if q.ID == "" {
			problems = append(problems, Problem{File: file, Line: q.Line, Msg: "the questionnaire has no id"})
			continue
		}
		if prev, dup := l.questionnaires[q.ID]; dup {
			problems = append(problems, Problem{File: file, Line: q.Line,
				Msg: fmt.Sprintf("duplicate questionnaire id %q (also in %s:%d)", q.ID, prev.Source, prev.Line)})
			continue
		}
		l.questionnaires[q.ID] = q
	}
	return l, problems
}

// versionKept reports an override that changes a definition but keeps the
// embedded version: answers record the version they were given under, so two
// different definitions must never share one.
func versionKept(old, q *Questionnaire) []Problem {
	if old.Version != q.Version {
		return nil
	}
	a, errA := json.Marshal(old)
	b, errB := json.Marshal(q)
	if errA != nil || errB != nil || string(a) == string(b) {
		return nil
	}
	return []Problem{{File: q.Source, Line: q.lineOf("version"),
		Msg: fmt.Sprintf("questionnaire %s differs from the embedded definition but keeps its version %q; give it a new version", q.ID, q.Version)}}
}
