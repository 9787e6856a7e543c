package store_test

import (
	"testing"

	"github.com/imrbot/imrbot/internal/pgtest"
)

// TestMain gives the store's tests their own database. (Written with the
// chat's store tests; whoever adds another TestMain to package store_test
// keeps just one.)
func TestMain(m *testing.M) { pgtest.Main(m) }
