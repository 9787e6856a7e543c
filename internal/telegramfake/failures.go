package telegramfake

import (
	"fmt"
	"net/http"
	"strings"
)

// failure is an error answer queued by FailNext.
type failure struct {
	code        int
	description string
	retryAfter  int
}

// FailNext makes the next call of method (e.g. "sendMessage", any case)
// fail with this error code before doing anything. An empty description
// takes Telegram's usual one for the code; retryAfter > 0 adds
// parameters.retry_after, as Telegram does with 429. Calls queue up: three
// FailNext calls fail the next three calls.
func (s *Server) FailNext(method string, code int, description string, retryAfter int) {
	if description == "" {
		description = defaultDescription(code, retryAfter)
	}
	key := canonicalMethod(method)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[key] = append(s.failures[key], failure{code: code, description: description, retryAfter: retryAfter})
}

// LoseNextResponse makes the next call of method succeed at the fake but
// lose its answer: the connection closes without a response. The bot sees a
// network error although, for sendMessage, the user got the message: the
// case that makes retried sends deliver twice.
func (s *Server) LoseNextResponse(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lose[canonicalMethod(method)]++
}

func canonicalMethod(method string) string {
	if m, ok := methods[strings.ToLower(method)]; ok {
		return m.name
	}
	return method
}

func (s *Server) takeFailure(method string) (failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	queue := s.failures[method]
	if len(queue) == 0 {
		return failure{}, false
	}
	f := queue[0]
	if len(queue) == 1 {
		delete(s.failures, method)
	} else {
		s.failures[method] = queue[1:]
	}
	return f, true
}

func (s *Server) takeLoss(method string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lose[method] == 0 {
		return false
	}
	s.lose[method]--
	return true
}

func defaultDescription(code, retryAfter int) string {
	switch code {
	case http.StatusBadRequest:
		return "Bad Request"
	case http.StatusUnauthorized:
		return "Unauthorized"
	case http.StatusForbidden:
		return "Forbidden: bot was blocked by the user"
	case http.StatusNotFound:
		return "Not Found"
	case http.StatusConflict:
		return conflictPolling
	case http.StatusTooManyRequests:
		return fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)
	case http.StatusInternalServerError:
		return "Internal Server Error"
	case http.StatusBadGateway:
		return "Bad Gateway"
	}
	return http.StatusText(code)
}
