package apigateway

import (
	"encoding/json"
	"strconv"
	"strings"
)

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) (int, error) { return strconv.Atoi(s) }

func ptr[T any](v T) *T { return &v }

// escapePath writes a JSON Pointer token as patch paths carry it.
func escapePath(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// unescapePath reads a JSON Pointer token ("~1" is "/", "~0" is "~").
func unescapePath(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// mergeJSON sets the members of patch on v through their JSON names.
func mergeJSON(v any, patch map[string]any) error {
	b, err := json.Marshal(patch)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
