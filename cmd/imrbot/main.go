// Command imrbot runs the IMR study's Telegram bot and its coordinator tools.
package main

import (
	"os"

	"github.com/imrbot/imrbot/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}
