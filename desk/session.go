package desk

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/imrbot/imrbot/store"
)

// cookieName is the session cookie's name.
const cookieName = "imrbot_desk"

// IdleTimeout ends a session that has not been used for this long.
const IdleTimeout = 12 * time.Hour

// session is a logged-in coordinator's request: their session and the
// sites they may see.
type session struct {
	*store.DeskSession
	sites []string
	token string
}

type sessionKey struct{}

func sessionOf(ctx context.Context) *session {
	s, _ := ctx.Value(sessionKey{}).(*session)
	return s
}

// newToken is 32 random bytes, URL-safe: a login link's, a session's or a
// form's secret.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand panics rather)
	return base64.RawURLEncoding.EncodeToString(b)
}

// authed runs h for a request with a live session, and checks the CSRF
// token of every POST first: nothing a form asks for happens without it.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(cookieName)
		if err != nil || c.Value == "" {
			s.loggedOut(w, r)
			return
		}
		ds, err := s.opt.Store.TouchDeskSession(r.Context(), c.Value, s.opt.Now(), IdleTimeout)
		if errors.Is(err, store.ErrNotFound) {
			s.clearCookie(w)
			s.loggedOut(w, r)
			return
		} else if err != nil {
			s.internal(w, r, err)
			return
		}
		sess := &session{DeskSession: ds, token: c.Value}
		if sess.sites, err = s.sitesOf(r.Context(), &ds.Coordinator); err != nil {
			s.internal(w, r, err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess))
		if r.Method == http.MethodPost && !validCSRF(r, ds.CSRF) {
			s.fail(w, r, http.StatusForbidden, "This form is out of date or did not come from the desk: nothing was done. Reload the page and try again.")
			return
		}
		h(w, r, sess)
	})
}

// validCSRF: the form carries the session's token.
func validCSRF(r *http.Request, want string) bool {
	got := r.PostFormValue("csrf")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// sitesOf lists the sites a coordinator sees: every site for a study-wide
// coordinator, else their own.
func (s *Server) sitesOf(ctx context.Context, c *store.DeskCoordinator) ([]string, error) {
	if !c.StudyWide {
		return []string{c.Site}, nil
	}
	all, err := s.opt.Store.Sites(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(all))
	for _, site := range all {
		out = append(out, site.Code)
	}
	return out, nil
}

// sees: the site is one of the session's.
func (sess *session) sees(site string) bool { return slices.Contains(sess.sites, site) }

func (s *Server) loggedOut(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusUnauthorized, "You are not logged in, or your session has ended. Ask the bot for a new link with /desk, or ask the study's administrator for one.")
}

// setCookie starts the browser's session.
func (s *Server) setCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: token, Path: s.prefix(),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.opt.URL.Scheme == "https",
	})
}

func (s *Server) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: "", Path: s.prefix(), MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.opt.URL.Scheme == "https",
	})
}
