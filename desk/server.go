// Package desk is the coordinators' web desk: server-rendered pages that
// work without JavaScript (the overview, the roster, a participant's
// timeline, reminders, data downloads), the single-use login links that
// open a session, and the sessions themselves. It calls store, reminders
// and report for everything it shows and does; it holds no policy of its
// own and never shows a Telegram id.
package desk

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

//go:embed templates
var files embed.FS

// Options are what the desk runs with.
type Options struct {
	Store   *store.Store
	Catalog *questionnaires.Catalog
	// URL is DESK_URL: where people reach the desk (see ParseURL). Its
	// path prefixes every link; its scheme decides the cookie's Secure.
	URL    *url.URL
	Now    func() time.Time
	Logger *slog.Logger
	// BotUsername is the bot's, for the deep links of invitations; when
	// "", the one serve recorded at start (store.SettingBotUsername).
	BotUsername string
	// Wake tells the reminder dispatcher that manual reminders were
	// queued, so that they go out now rather than at its next tick.
	Wake func()
}

// Server is the desk's HTTP handler, mounted at /desk/.
type Server struct {
	opt   Options
	mux   *http.ServeMux
	pages map[string]*template.Template
}

// New builds the desk.
func New(opt Options) (*Server, error) {
	if opt.Store == nil || opt.Catalog == nil || opt.URL == nil {
		return nil, fmt.Errorf("desk.New: Store, Catalog and URL are required")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Wake == nil {
		opt.Wake = func() {}
	}
	s := &Server{opt: opt, mux: http.NewServeMux()}
	if err := s.parseTemplates(); err != nil {
		return nil, fmt.Errorf("desk.New: %w", err)
	}
	static, err := fs.Sub(files, "templates/static")
	if err != nil {
		return nil, fmt.Errorf("desk.New: %w", err)
	}
	s.mux.Handle("GET /desk/static/", http.StripPrefix("/desk/static/", http.FileServerFS(static)))
	s.routeLogin()
	s.mux.Handle("GET /desk/{$}", s.authed(s.overview))
	s.mux.Handle("GET /desk/roster", s.authed(s.roster))
	s.mux.Handle("GET /desk/participants/{code}", s.authed(s.participant))
	s.mux.Handle("POST /desk/participants/{code}/remind", s.authed(s.remindOne))
	s.mux.Handle("GET /desk/remind-due", s.authed(s.remindDuePreview))
	s.mux.Handle("POST /desk/remind-due", s.authed(s.remindDue))
	s.mux.Handle("GET /desk/data", s.authed(s.data))
	s.mux.Handle("POST /desk/data/{file}", s.authed(s.download))
	s.routeInvitations()
	s.mux.HandleFunc("/desk/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, "There is no such page on the desk.")
	})
	return s, nil
}

// ServeHTTP serves the desk with headers that keep its pages out of
// caches, frames and other sites' reach, and its login tokens out of
// Referer headers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	if !strings.HasPrefix(r.URL.Path, "/desk/static/") {
		h.Set("Cache-Control", "no-store")
	}
	s.mux.ServeHTTP(w, r)
}

// prefix is the path every link of the desk begins with (DESK_URL's).
func (s *Server) prefix() string { return s.opt.URL.Path }

// page is what every page's template gets.
type page struct {
	Title  string
	Prefix string
	// Who is logged in, "" on pages outside a session.
	Coordinator string
	StudyWide   bool
	Sites       []string
	CSRF        string
	Nav         string // the menu entry to mark as current
	Flash       string
	Data        any
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.DateOnly)
	},
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"join": strings.Join,
}

// parseTemplates gives each page the layout with its own content block.
func (s *Server) parseTemplates() error {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return err
	}
	s.pages = map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", name)
		if err != nil {
			return err
		}
		s.pages[base] = t
	}
	return nil
}

// render writes a page with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := s.pages[name]
	if !ok {
		s.opt.Logger.Error("desk: no template", slog.String("page", name))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	p.Prefix = s.prefix()
	if sess := sessionOf(r.Context()); sess != nil {
		p.Coordinator = sess.Coordinator.Code
		p.StudyWide = sess.Coordinator.StudyWide
		p.Sites = sess.sites
		p.CSRF = sess.CSRF
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := t.Execute(w, p); err != nil {
		s.opt.Logger.Warn("desk: rendering", slog.String("page", name), slog.Any("err", err))
	}
}

// fail answers with a page that says what went wrong in one sentence.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "error", page{Title: http.StatusText(status), Flash: msg})
}

// internal logs err and answers 500 without showing it.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() == nil {
		s.opt.Logger.Error("desk", slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	s.fail(w, r, http.StatusInternalServerError, "Something went wrong on our side; the error is in the server's log.")
}

// redirect sends the browser to a desk path after a form (303: the next
// request is a GET, so a reload does not post again).
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, s.prefix()+path, http.StatusSeeOther)
}

// audit records an action of the session's coordinator; a failure is
// logged, since the action it describes has already happened.
func (s *Server) audit(ctx context.Context, action string, participantID *int64, detail map[string]any) error {
	sess := sessionOf(ctx)
	return s.opt.Store.Audit(ctx, sess.Coordinator.Code, action, participantID, detail)
}
