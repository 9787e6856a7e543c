package questionnaires

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// reader walks a parsed YAML file by hand instead of decoding into structs,
// so that every value keeps its line and every mistake (a typo in a key, a
// word where a number belongs) becomes a Problem at that line rather than a
// silently ignored field.
type reader struct {
	file     string
	problems []Problem
}

func (r *reader) errorf(line int, format string, args ...any) {
	if line < 1 {
		line = 1
	}
	r.problems = append(r.problems, Problem{File: r.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// yamlLine finds the line yaml.v3 names in its error messages.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// document parses data as exactly one YAML document and returns its root
// node, or nil after recording why not.
func (r *reader) document(data []byte) (root *yaml.Node) {
	if line, ok := badByte(data); ok {
		r.errorf(line, "file is not valid UTF-8 text or contains control characters")
		return nil
	}
	// yaml.v3 has panicked on malformed input in the past; a definition file
	// must never bring the bot down, so a panic becomes a problem.
	defer func() {
		if p := recover(); p != nil {
			r.errorf(1, "cannot parse YAML: %v", p)
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			r.errorf(1, "file is empty")
			return nil
		}
		r.yamlError(err)
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		r.errorf(next.Line, "one definition per file: a second YAML document starts here")
		return nil
	case !errors.Is(err, io.EOF):
		r.yamlError(err)
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		r.errorf(doc.Line, "file is empty")
		return nil
	}
	return doc.Content[0]
}

// yamlError turns a yaml.v3 error into a problem at the line it names; an
// error without a line is on the first line (yaml.v3 omits line 0).
func (r *reader) yamlError(err error) {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, msg := range msgs {
		line := 1
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil {
				line = n
			}
			msg = msg[len(m[0]):]
		}
		r.errorf(line, "YAML syntax: %s", strings.TrimPrefix(msg, "yaml: "))
	}
}

// badByte reports the line of the first byte YAML rejects: invalid UTF-8 or
// a control character other than tab, newline and carriage return. yaml.v3
// reports these without a line.
func badByte(data []byte) (int, bool) {
	line := 1
	for i := 0; i < len(data); {
		c, size := utf8.DecodeRune(data[i:])
		switch {
		case c == utf8.RuneError && size <= 1:
			return line, true
		case c == '\n':
			line++
		case c == '\t' || c == '\r' || c == 0x85:
		case c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0xd800 && c < 0xe000) || c == 0xfffe || c == 0xffff:
			return line, true
		}
		i += size
	}
	return 0, false
}

// entry is one key of a mapping with the line the key is on.
type entry struct {
	line int
	val  *yaml.Node
}

// mapping reads a mapping node, reporting unknown and duplicate keys.
// what names the thing for messages ("item hope_3").
func (r *reader) mapping(n *yaml.Node, what string, allowed ...string) map[string]entry {
	out := map[string]entry{}
	if !r.kind(n, yaml.MappingNode, what, "a mapping of keys to values") {
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			r.errorf(k.Line, "%s: keys must be plain words", what)
			continue
		}
		if prev, dup := out[k.Value]; dup {
			r.errorf(k.Line, "%s: duplicate key %q (first at line %d)", what, k.Value, prev.line)
			continue
		}
		known := false
		for _, a := range allowed {
			known = known || a == k.Value
		}
		if !known {
			r.errorf(k.Line, "%s: unknown key %q (known keys: %s)", what, k.Value, strings.Join(allowed, ", "))
			continue
		}
		out[k.Value] = entry{line: k.Line, val: v}
	}
	return out
}

// kind checks a node's kind; YAML null counts as absent and is accepted by
// callers that treat absence themselves.
func (r *reader) kind(n *yaml.Node, want yaml.Kind, what, desc string) bool {
	switch {
	case n == nil:
		return false
	case n.Kind == yaml.AliasNode:
		r.errorf(n.Line, "%s: YAML aliases (*name) are not supported; use option_sets to share options", what)
		return false
	case n.Kind != want:
		r.errorf(n.Line, "%s must be %s", what, desc)
		return false
	}
	if n.Anchor != "" {
		r.errorf(n.Line, "%s: YAML anchors (&name) are not supported; use option_sets to share options", what)
	}
	return true
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// str reads a scalar as a string; null is "".
func (r *reader) str(n *yaml.Node, what string) string {
	if isNull(n) || !r.kind(n, yaml.ScalarNode, what, "a single value") {
		return ""
	}
	return n.Value
}

// integer reads a whole number.
func (r *reader) integer(n *yaml.Node, what string) (int, bool) {
	if n == nil || !r.kind(n, yaml.ScalarNode, what, "a whole number") {
		return 0, false
	}
	var v int
	if n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		r.errorf(n.Line, "%s must be a whole number, not %q", what, n.Value)
		return 0, false
	}
	return v, true
}

// number reads a whole or decimal number.
func (r *reader) number(n *yaml.Node, what string) (float64, bool) {
	if n == nil || !r.kind(n, yaml.ScalarNode, what, "a number") {
		return 0, false
	}
	var v float64
	tag := n.ShortTag()
	if (tag != "!!int" && tag != "!!float") || n.Decode(&v) != nil || v != v {
		r.errorf(n.Line, "%s must be a number, not %q", what, n.Value)
		return 0, false
	}
	return v, true
}

func (r *reader) boolean(n *yaml.Node, what string) bool {
	if n == nil || !r.kind(n, yaml.ScalarNode, what, "true or false") {
		return false
	}
	var v bool
	if n.ShortTag() != "!!bool" || n.Decode(&v) != nil {
		r.errorf(n.Line, "%s must be true or false, not %q", what, n.Value)
		return false
	}
	return v
}

// seq reads a sequence; null is an empty one.
func (r *reader) seq(n *yaml.Node, what string) []*yaml.Node {
	if isNull(n) || !r.kind(n, yaml.SequenceNode, what, "a list") {
		return nil
	}
	return n.Content
}

// text reads a text per language: a mapping of language code to string.
func (r *reader) text(n *yaml.Node, what string) Text {
	if isNull(n) || !r.kind(n, yaml.MappingNode, what, "a text per language (en: ..., nb: ...)") {
		return nil
	}
	t := Text{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		lang := r.str(k, what+" language")
		if _, dup := t[lang]; dup {
			r.errorf(k.Line, "%s: duplicate language %q", what, lang)
			continue
		}
		t[lang] = r.str(v, what+" ("+lang+")")
	}
	return t
}

func (r *reader) ints(n *yaml.Node, what string) []int {
	var out []int
	for _, c := range r.seq(n, what) {
		if v, ok := r.integer(c, what); ok {
			out = append(out, v)
		}
	}
	return out
}

func (r *reader) strs(n *yaml.Node, what string) []string {
	var out []string
	for _, c := range r.seq(n, what) {
		out = append(out, r.str(c, what))
	}
	return out
}

// lineMap records the line of each key, for lint messages about a key.
func lineMap(m map[string]entry) map[string]int {
	out := make(map[string]int, len(m))
	for k, e := range m {
		out[k] = e.line
	}
	return out
}
