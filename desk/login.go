package desk

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/imrbot/imrbot/store"
)

// LoginValidity is how long a login link can be used.
const LoginValidity = 10 * time.Minute

// ParseURL reads DESK_URL: an http or https URL whose path ends in a
// slash (one is added). Empty, it is http://localhost:PORT/desk/ with
// LISTEN_ADDR's port (its host too, when it names one other than all
// interfaces). The error is one sentence naming the setting.
func ParseURL(value, listenAddr string) (*url.URL, error) {
	if value == "" {
		if listenAddr == "" {
			listenAddr = ":8080"
		}
		host, port, err := net.SplitHostPort(listenAddr)
		if err != nil {
			return nil, fmt.Errorf("LISTEN_ADDR %q: want host:port such as :8080", listenAddr)
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		return &url.URL{Scheme: "http", Host: net.JoinHostPort(host, port), Path: "/desk/"}, nil
	}
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return nil, fmt.Errorf("DESK_URL %q: want an http(s) URL such as https://study.example.org/desk/", value)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	u.RawPath = ""
	return u, nil
}

// NewLoginLink makes a single-use login link to the desk for the
// coordinator, valid for LoginValidity from now: base (DESK_URL) followed
// by login/ and a fresh token, stored only as its hash. actor is who asked
// for it, for the audit log. It fails with store.ErrNotCoordinator for
// anyone who may not use the desk. The chat's /desk and `imrbot desk
// login` both call it.
func NewLoginLink(ctx context.Context, st *store.Store, base *url.URL, coordinatorID int64, now time.Time, actor string) (string, error) {
	token := newToken()
	if err := st.CreateDeskLogin(ctx, coordinatorID, token, now, now.Add(LoginValidity), actor); err != nil {
		return "", fmt.Errorf("desk.NewLoginLink: %w", err)
	}
	return base.JoinPath("login", token).String(), nil
}

func (s *Server) routeLogin() {
	s.mux.HandleFunc("GET /desk/login/{token}", s.loginPage)
	s.mux.HandleFunc("POST /desk/login/{token}", s.login)
	s.mux.Handle("POST /desk/logout", s.authed(s.logout))
}

// loginRefusal is the sentence for a link that cannot be used.
func loginRefusal(err error) (int, string, bool) {
	switch {
	case errors.Is(err, store.ErrDeskLoginSpent):
		return http.StatusGone, "This login link has been used already: each link logs in once. Ask the bot for a new one with /desk.", true
	case errors.Is(err, store.ErrDeskLoginExpired):
		return http.StatusGone, "This login link has expired: a link is valid for 10 minutes. Ask the bot for a new one with /desk.", true
	case errors.Is(err, store.ErrDeskLoginNotFound):
		return http.StatusNotFound, "This login link is not valid. Ask the bot for a new one with /desk.", true
	case errors.Is(err, store.ErrNotCoordinator):
		return http.StatusForbidden, "This login link belongs to someone who may no longer use the desk.", true
	}
	return 0, "", false
}

// loginPage shows whose link it is and a button that uses it. Opening the
// link spends nothing: a chat app or a mail scanner fetching it must not
// use it up, and the session cookie (SameSite=Strict) is set in answer to
// the desk's own form, so the browser sends it on the very next page.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	link, err := s.opt.Store.PeekDeskLogin(r.Context(), r.PathValue("token"), s.opt.Now())
	if status, msg, ok := loginRefusal(err); ok {
		s.fail(w, r, status, msg)
		return
	} else if err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "login", page{Title: "Log in", Data: map[string]any{
		"Code": link.Coordinator.Code, "Token": r.PathValue("token")}})
}

// login spends the link and opens a session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	token, csrf := newToken(), newToken()
	_, err := s.opt.Store.SpendDeskLogin(r.Context(), r.PathValue("token"), token, csrf, s.opt.Now())
	if status, msg, ok := loginRefusal(err); ok {
		s.fail(w, r, status, msg)
		return
	} else if err != nil {
		s.internal(w, r, err)
		return
	}
	s.setCookie(w, token)
	s.redirect(w, r, "")
}

// logout ends this browser's session; others stay open.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := s.opt.Store.RevokeDeskSession(r.Context(), sess.token, s.opt.Now(), sess.Coordinator.Code); err != nil {
		s.internal(w, r, err)
		return
	}
	s.clearCookie(w)
	s.render(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, (*session)(nil))), http.StatusOK, "error",
		page{Title: "Logged out", Flash: "You are logged out."})
}
