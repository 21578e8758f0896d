package logs

import (
	"encoding/json"
	"errors"
	"strings"
)

// pattern is a CloudWatch Logs text filter pattern: terms that must all
// appear ("ERROR Exception"), quoted phrases ("\"Task timed out\""), terms
// of which any may appear ("?ERROR ?WARN"), and excluded terms
// ("ERROR -retry"). Matching is case-sensitive, as in CloudWatch Logs.
// An empty pattern matches everything. JSON and space-delimited patterns
// ({ $.x = 1 }, [ip, user, ...]) are not supported and are rejected.
type pattern struct {
	all, any, none []string
}

func parsePattern(src string) (*pattern, error) {
	src = strings.TrimSpace(src)
	if strings.HasPrefix(src, "{") || strings.HasPrefix(src, "[") {
		return nil, errors.New("unsupported pattern")
	}
	p := &pattern{}
	for len(src) > 0 {
		src = strings.TrimLeft(src, " \t")
		if src == "" {
			break
		}
		kind := byte(0)
		if src[0] == '?' || src[0] == '-' {
			kind, src = src[0], src[1:]
		}
		var term string
		if strings.HasPrefix(src, "\"") {
			end := strings.Index(src[1:], "\"")
			if end < 0 {
				return nil, errors.New("unterminated quote")
			}
			term, src = src[1:end+1], src[end+2:]
		} else {
			end := strings.IndexAny(src, " \t")
			if end < 0 {
				end = len(src)
			}
			term, src = src[:end], src[end:]
		}
		if term == "" {
			continue
		}
		switch kind {
		case '?':
			p.any = append(p.any, term)
		case '-':
			p.none = append(p.none, term)
		default:
			p.all = append(p.all, term)
		}
	}
	return p, nil
}

func (p *pattern) match(msg string) bool {
	for _, t := range p.all {
		if !strings.Contains(msg, t) {
			return false
		}
	}
	for _, t := range p.none {
		if strings.Contains(msg, t) {
			return false
		}
	}
	if len(p.any) > 0 {
		for _, t := range p.any {
			if strings.Contains(msg, t) {
				return true
			}
		}
		return false
	}
	return true
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
