package httpbind

import (
	"encoding"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Timestamp formats (Smithy's timestampFormat trait values).
const (
	DateTime     = "date-time"     // 2006-01-02T15:04:05.999Z
	HTTPDate     = "http-date"     // Mon, 02 Jan 2006 15:04:05 GMT
	EpochSeconds = "epoch-seconds" // 1515531081.123
)

const (
	dateTimeOut = "2006-01-02T15:04:05.999Z"
	httpDateOut = "Mon, 02 Jan 2006 15:04:05 GMT"
)

var timeType = reflect.TypeFor[time.Time]()

// FormatTime writes t in format (DateTime when empty).
func FormatTime(t time.Time, format string) string {
	switch format {
	case HTTPDate:
		return t.UTC().Format(httpDateOut)
	case EpochSeconds:
		return FormatEpoch(t)
	}
	return t.UTC().Format(dateTimeOut)
}

// FormatEpoch writes t as epoch seconds with up to millisecond precision,
// as the SDKs do: "1515531081" or "1515531081.123".
func FormatEpoch(t time.Time) string {
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		return strconv.FormatInt(ms/1000, 10)
	}
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
}

// ParseTime reads a timestamp. It accepts any of the three formats whatever
// format says, because clients are not always consistent and being lenient
// here costs nothing; format only decides which is tried first.
func ParseTime(s, format string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("empty timestamp")
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "eE") {
		if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e13 {
			return time.Time{}, fmt.Errorf("timestamp %q out of range", s)
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05Z0700", time.RFC1123, time.RFC1123Z, "Mon, _2 Jan 2006 15:04:05 GMT", time.RFC850, time.ANSIC} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a timestamp", s)
}

// ParseScalar sets v (a scalar, or a pointer to one, allocated as needed)
// from s. Supported: strings, booleans, integers, floats, time.Time, []byte
// (base64) and encoding.TextUnmarshaler.
func ParseScalar(v reflect.Value, s, tsFormat string) error {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	if v.Type() == timeType {
		t, err := ParseTime(s, tsFormat)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(t))
		return nil
	}
	if v.CanAddr() {
		if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
			return u.UnmarshalText([]byte(s))
		}
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		switch strings.ToLower(s) {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			return fmt.Errorf("%q is not a boolean", s)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("%q is not an integer", s)
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(strings.TrimSpace(s), 10, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("%q is not a non-negative integer", s)
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), v.Type().Bits())
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		v.SetFloat(f)
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.Uint8 {
			return fmt.Errorf("unsupported type %s", v.Type())
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fmt.Errorf("%q is not base64", s)
		}
		v.SetBytes(b)
	default:
		return fmt.Errorf("unsupported type %s", v.Type())
	}
	return nil
}

// FormatScalar writes a scalar (or pointer to one); ok is false for a nil
// pointer or an empty non-pointer string, which are absent.
func FormatScalar(v reflect.Value, tsFormat string) (s string, ok bool, err error) {
	if v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "", false, nil
		}
		v = v.Elem()
		if v.Kind() == reflect.String {
			return v.String(), true, nil
		}
	}
	if v.Type() == timeType {
		t := v.Interface().(time.Time)
		if t.IsZero() {
			return "", false, nil
		}
		return FormatTime(t, tsFormat), true, nil
	}
	if m, ok := v.Interface().(encoding.TextMarshaler); ok {
		b, err := m.MarshalText()
		return string(b), err == nil && len(b) > 0, err
	}
	switch v.Kind() {
	case reflect.String:
		return v.String(), v.Len() > 0, nil
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10), true, nil
	case reflect.Float32, reflect.Float64:
		return FormatFloat(v.Float(), v.Type().Bits()), true, nil
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if v.IsNil() {
				return "", false, nil
			}
			return base64.StdEncoding.EncodeToString(v.Bytes()), true, nil
		}
	}
	return "", false, fmt.Errorf("httpbind: unsupported type %s", v.Type())
}

// FormatFloat writes f the way the SDKs read it back: shortest round-trip
// decimal, with "NaN", "Infinity" and "-Infinity" for the specials.
func FormatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}
