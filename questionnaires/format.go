package questionnaires

import (
	"gopkg.in/yaml.v3"
)

// The definition format, one questionnaire per file (see defs/README.md):
//
//	id: hope
//	version: "1"
//	wording: placeholder
//	title: {en: ..., nb: ...}
//	intro: {en: ..., nb: ...}
//	respondent: consumer
//	subject: self
//	recall: {en: ..., nb: ...}          # optional
//	option_sets:                        # optional, shared by items
//	  agree4:
//	    - {code: 1, label: {en: ..., nb: ...}}
//	items:
//	  - id: hope_1
//	    type: choice                    # choice | integer | text
//	    text: {en: ..., nb: ...}
//	    options: agree4                 # a set's name, or a list like above
//	    reverse: true                   # optional
//	    optional: true                  # optional: may be skipped
//	    show_if: {item: hope_0, in: [1]} # optional
//	    min: 1                          # integer items (and choice ranges)
//	    max: 100
//	scoring:
//	  exclude_codes: [9]
//	  scores:
//	    - id: total
//	      label: {en: ..., nb: ...}
//	      method: sum                   # sum | mean
//	      items: [hope_1, hope_2]       # empty: every scored item
//	      max_missing: 2
//	      prorate: true                 # optional: a sum with missing items is prorated
//	      better: lower                 # optional: lower scores are better (default higher)
//	      bands:
//	        - {id: low, min: 1, label: {en: ..., nb: ...}}

// parseQuestionnaire reads one definition file. It returns the questionnaire
// as far as it could be read (nil when the file holds no mapping) and every
// problem met on the way.
func parseQuestionnaire(file string, data []byte) (*Questionnaire, []Problem) {
	r := &reader{file: file}
	root := r.document(data)
	if root == nil {
		return nil, r.problems
	}
	if root.Kind != yaml.MappingNode {
		r.errorf(root.Line, "a questionnaire definition must be a mapping of keys (id, version, items, ...)")
		return nil, r.problems
	}
	f := r.mapping(root, "questionnaire", "id", "version", "wording", "title", "intro",
		"respondent", "subject", "recall", "option_sets", "items", "scoring")
	q := &Questionnaire{Source: file, Line: root.Line, lines: lineMap(f)}
	if e, ok := f["id"]; ok {
		q.Line = e.line
	}
	q.ID = r.str(f["id"].val, "id")
	q.Version = r.str(f["version"].val, "version")
	q.Wording = r.str(f["wording"].val, "wording")
	q.Title = r.text(f["title"].val, "title")
	q.Intro = r.text(f["intro"].val, "intro")
	q.Respondent = Role(r.str(f["respondent"].val, "respondent"))
	q.Subject = Subject(r.str(f["subject"].val, "subject"))
	q.Recall = r.text(f["recall"].val, "recall")
	sets := r.optionSets(f["option_sets"].val)
	for _, n := range r.seq(f["items"].val, "items") {
		q.Items = append(q.Items, r.item(n, sets))
	}
	if e, ok := f["scoring"]; ok && !isNull(e.val) {
		q.Scoring = r.scoring(e.val)
	}
	return q, r.problems
}

func (r *reader) optionSets(n *yaml.Node) map[string][]Option {
	sets := map[string][]Option{}
	if isNull(n) {
		return sets
	}
	for name, e := range r.mapping(n, "option_sets", keysOf(n)...) {
		sets[name] = r.options(e.val, "option set "+name)
	}
	return sets
}

// keysOf lists a mapping's scalar keys, for mappings whose keys are names
// chosen by the author (option sets); mapping still reports duplicates.
func keysOf(n *yaml.Node) []string {
	var keys []string
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		keys = append(keys, n.Content[i].Value)
	}
	return keys
}

func (r *reader) options(n *yaml.Node, what string) []Option {
	var out []Option
	for _, c := range r.seq(n, what) {
		f := r.mapping(c, what, "code", "label")
		o := Option{Line: c.Line}
		code, ok := r.integer(f["code"].val, what+": code")
		if !ok {
			if _, given := f["code"]; !given {
				r.errorf(c.Line, "%s: an option needs a code", what)
			}
			continue
		}
		o.Code = code
		o.Label = r.text(f["label"].val, what+": label")
		out = append(out, o)
	}
	return out
}

func (r *reader) item(n *yaml.Node, sets map[string][]Option) Item {
	f := r.mapping(n, "item", "id", "type", "text", "options", "min", "max",
		"optional", "show_if", "reverse", "missing")
	it := Item{Line: n.Line, lines: lineMap(f)}
	it.ID = r.str(f["id"].val, "item id")
	what := "item " + it.ID
	it.Type = ItemType(r.str(f["type"].val, what+": type"))
	it.Text = r.text(f["text"].val, what+": text")
	if e, ok := f["options"]; ok && !isNull(e.val) {
		if e.val.Kind == yaml.ScalarNode {
			it.OptionSet = e.val.Value
			if set, ok := sets[it.OptionSet]; ok {
				it.Options = append([]Option(nil), set...)
			} else {
				r.errorf(e.line, "%s: unknown option set %q", what, it.OptionSet)
			}
		} else {
			it.Options = r.options(e.val, what+": options")
		}
	}
	if e, ok := f["min"]; ok {
		if v, ok := r.integer(e.val, what+": min"); ok {
			it.Min = &v
		}
	}
	if e, ok := f["max"]; ok {
		if v, ok := r.integer(e.val, what+": max"); ok {
			it.Max = &v
		}
	}
	it.Optional = r.boolean(f["optional"].val, what+": optional")
	it.Reverse = r.boolean(f["reverse"].val, what+": reverse")
	it.Missing = r.ints(f["missing"].val, what+": missing")
	if e, ok := f["show_if"]; ok && !isNull(e.val) {
		cf := r.mapping(e.val, what+": show_if", "item", "in")
		it.ShowIf = &Condition{
			Item: r.str(cf["item"].val, what+": show_if item"),
			In:   r.ints(cf["in"].val, what+": show_if in"),
		}
	}
	return it
}

func (r *reader) scoring(n *yaml.Node) *Scoring {
	f := r.mapping(n, "scoring", "exclude_codes", "scores")
	s := &Scoring{ExcludeCodes: r.ints(f["exclude_codes"].val, "scoring: exclude_codes")}
	for _, c := range r.seq(f["scores"].val, "scoring: scores") {
		s.Scores = append(s.Scores, r.score(c))
	}
	return s
}

func (r *reader) score(n *yaml.Node) Score {
	f := r.mapping(n, "score", "id", "label", "method", "items", "max_missing", "prorate", "better", "bands")
	s := Score{Line: n.Line}
	s.ID = r.str(f["id"].val, "score id")
	what := "score " + s.ID
	s.Label = r.text(f["label"].val, what+": label")
	s.Method = r.str(f["method"].val, what+": method")
	s.Items = r.strs(f["items"].val, what+": items")
	if e, ok := f["max_missing"]; ok {
		s.MaxMissing, _ = r.integer(e.val, what+": max_missing")
	}
	if e, ok := f["prorate"]; ok {
		s.Prorate = r.boolean(e.val, what+": prorate")
	}
	if e, ok := f["better"]; ok {
		s.Better = r.str(e.val, what+": better")
	}
	for _, c := range r.seq(f["bands"].val, what+": bands") {
		bf := r.mapping(c, what+": band", "id", "min", "label")
		b := Band{Line: c.Line}
		b.ID = r.str(bf["id"].val, what+": band id")
		b.Min, _ = r.number(bf["min"].val, what+": band "+b.ID+": min")
		if _, given := bf["min"]; !given {
			r.errorf(c.Line, "%s: band %s needs a min", what, b.ID)
		}
		b.Label = r.text(bf["label"].val, what+": band "+b.ID+": label")
		s.Bands = append(s.Bands, b)
	}
	return s
}

// parseProtocol reads the protocol file: timepoints and batteries.
func parseProtocol(file string, data []byte) (*Protocol, []Problem) {
	r := &reader{file: file}
	root := r.document(data)
	if root == nil {
		return nil, r.problems
	}
	if root.Kind != yaml.MappingNode {
		r.errorf(root.Line, "the protocol must be a mapping of keys (timepoints, batteries)")
		return nil, r.problems
	}
	f := r.mapping(root, "protocol", "consent", "timepoints", "batteries")
	p := &Protocol{Source: file}
	if e, ok := f["consent"]; ok {
		// The consent moved to the study text, beside the contact details
		// it is shown with; an older protocol file says where it went.
		r.errorf(e.line, "protocol: the consent is now in %s, with the study's contact, ethics approval, data controller and information letter", StudyFile)
	}
	for _, c := range r.seq(f["timepoints"].val, "timepoints") {
		tf := r.mapping(c, "timepoint", "id", "label", "months", "opens_before_days", "closes_after_days")
		tp := Timepoint{Line: c.Line}
		tp.ID = r.str(tf["id"].val, "timepoint id")
		what := "timepoint " + tp.ID
		tp.Label = r.text(tf["label"].val, what+": label")
		tp.Months, _ = r.integer(tf["months"].val, what+": months")
		tp.OpensBeforeDays, _ = r.integer(tf["opens_before_days"].val, what+": opens_before_days")
		tp.ClosesAfterDays, _ = r.integer(tf["closes_after_days"].val, what+": closes_after_days")
		p.Timepoints = append(p.Timepoints, tp)
	}
	for _, c := range r.seq(f["batteries"].val, "batteries") {
		bf := r.mapping(c, "battery", "role", "subject", "timepoints", "questionnaires")
		p.Batteries = append(p.Batteries, Battery{
			Role:           Role(r.str(bf["role"].val, "battery: role")),
			Subject:        Subject(r.str(bf["subject"].val, "battery: subject")),
			Timepoints:     r.strs(bf["timepoints"].val, "battery: timepoints"),
			Questionnaires: r.strs(bf["questionnaires"].val, "battery: questionnaires"),
			Line:           c.Line,
		})
	}
	return p, r.problems
}
