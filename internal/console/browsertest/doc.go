// Package browsertest drives the web console in headless Chromium
// (Debian's chromium package, through chromedp) against an in-process
// nimbus. The tests skip when chromium is not installed
// (scripts/deps.sh installs it).
package browsertest
