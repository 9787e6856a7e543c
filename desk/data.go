package desk

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/imrbot/imrbot/report"
	"github.com/imrbot/imrbot/store"
)

// downloads are the files the data page offers, by name.
var downloads = []struct{ Name, What string }{
	{"long.csv", "Long export: one row per current answer"},
	{"wide.csv", "Wide export: one row per participant and timepoint, with scores"},
	{"long-codebook.zip", "Long export with its codebook and R, SPSS and Stata loaders"},
	{"wide-codebook.zip", "Wide export with its codebook and R, SPSS and Stata loaders"},
	{"report.html", "The outcome report, one self-contained HTML file"},
}

// data lists the downloads; each is a form, so that it is audited and
// carries the session's CSRF token.
func (s *Server) data(w http.ResponseWriter, r *http.Request, sess *session) {
	s.render(w, r, http.StatusOK, "data", page{Title: "Data", Nav: "data", Data: downloads})
}

// siteData keeps only what belongs to the sites: a coordinator downloads
// their own sites' data.
func siteData(d *store.ExportData, sites []string) *store.ExportData {
	in := func(site string) bool { return slices.Contains(sites, site) }
	out := &store.ExportData{}
	for _, x := range d.Sites {
		if in(x.Code) {
			out.Sites = append(out.Sites, x)
		}
	}
	for _, x := range d.Answers {
		if in(x.Site) {
			out.Answers = append(out.Answers, x)
		}
	}
	for _, x := range d.Completion {
		if in(x.Site) {
			out.Completion = append(out.Completion, x)
		}
	}
	for _, x := range d.Enrolment {
		if in(x.Site) {
			out.Enrolment = append(out.Enrolment, x)
		}
	}
	return out
}

// download makes one file of the coordinator's sites' data, audits it and
// sends it.
func (s *Server) download(w http.ResponseWriter, r *http.Request, sess *session) {
	name := r.PathValue("file")
	if !slices.ContainsFunc(downloads, func(d struct{ Name, What string }) bool { return d.Name == name }) {
		s.fail(w, r, http.StatusNotFound, "There is no such download.")
		return
	}
	all, err := s.opt.Store.ExportData(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	d := siteData(all, sess.sites)
	var b bytes.Buffer
	var contentType string
	switch {
	case name == "report.html":
		a, err := report.Analyse(d, s.opt.Catalog, report.Options{Now: s.opt.Now()})
		if err == nil {
			err = a.WriteHTML(&b)
		}
		if err != nil {
			s.internal(w, r, err)
			return
		}
		contentType = "text/html; charset=utf-8"
	default:
		format, _, _ := strings.Cut(strings.TrimSuffix(strings.TrimSuffix(name, ".csv"), ".zip"), "-")
		table, err := s.table(d, format)
		if err == nil {
			if strings.HasSuffix(name, ".zip") {
				err = writeZip(&b, table, format+".csv")
				contentType = "application/zip"
			} else {
				err = table.WriteCSV(&b)
				contentType = "text/csv; charset=utf-8"
			}
		}
		if err != nil {
			s.internal(w, r, err)
			return
		}
	}
	action := "export"
	if name == "report.html" {
		action = "report"
	}
	if err := s.audit(r.Context(), action, nil, map[string]any{
		"format": name, "via": "desk", "sites": sess.sites}); err != nil {
		s.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "imrbot-"+name))
	_, _ = w.Write(b.Bytes())
}

func (s *Server) table(d *store.ExportData, format string) (*report.Table, error) {
	if format == "wide" {
		return report.WideTable(d, s.opt.Catalog)
	}
	return report.LongTable(d, s.opt.Catalog), nil
}

// writeZip writes the table, its codebook and its loaders as one zip.
func writeZip(w io.Writer, t *report.Table, dataName string) error {
	z := zip.NewWriter(w)
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{dataName, t.WriteCSV},
		{"codebook.csv", t.WriteCodebook},
		{"codebook.R", func(w io.Writer) error { return t.WriteR(w, dataName) }},
		{"codebook.sps", func(w io.Writer) error { return t.WriteSPSS(w, dataName) }},
		{"codebook.do", func(w io.Writer) error { return t.WriteStata(w, dataName) }},
	} {
		fw, err := z.Create(f.name)
		if err != nil {
			return err
		}
		if err := f.write(fw); err != nil {
			return err
		}
	}
	return z.Close()
}
