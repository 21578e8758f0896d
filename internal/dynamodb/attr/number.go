package attr

import (
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
)

// Number limits, as DynamoDB documents them ("Naming rules and data types"):
// up to 38 digits of precision, positive and negative magnitudes from 1E-130
// to 9.9999999999999999999999999999999999999E+125.
const (
	MaxNumberDigits = 38
	// MaxNumberAdjExp is the largest allowed exponent of the leading digit
	// (1E+125 and 9.99…E+125 are fine, 1E+126 overflows).
	MaxNumberAdjExp = 125
	// MinNumberAdjExp is the smallest allowed exponent of the leading digit
	// (1E-130 is fine, 9E-131 underflows).
	MinNumberAdjExp = -130
)

// DynamoDB's messages for numbers. DynamoDB appends ": " and the offending
// text to the conversion message, except for the empty string.
const (
	msgNumberConvert   = "The parameter cannot be converted to a numeric value"
	msgNumberPrecision = "Attempting to store more than 38 significant digits in a Number"
	msgNumberOverflow  = "Number overflow. Attempting to store a number with magnitude larger than supported range"
	msgNumberUnderflow = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)

func validation(msg string) *awserr.Error { return awserr.New("ValidationException", msg) }

// ParseNumber validates s as a DynamoDB number and returns its canonical
// text: plain decimal notation (never an exponent), no leading zeros, no
// trailing fractional zeros, no "+" and no negative zero ("1.50" → "1.5",
// "-0" → "0", "1E+2" → "100", "+5" → "5", ".5" → "0.5", "5." → "5").
//
// The accepted syntax is Java's BigDecimal(String), which DynamoDB uses:
// an optional sign, digits with at most one '.', at least one digit, and an
// optional exponent 'e' or 'E' with an optional sign. Spaces, "NaN",
// "Infinity" and hexadecimal are rejected. Errors are ValidationExceptions
// with DynamoDB's messages.
func ParseNumber(s string) (string, error) {
	if isCanonical(s) {
		return s, nil
	}
	neg, digits, exp, ok := scanNumber(s)
	if !ok {
		return "", convertError(s)
	}
	return formatNumber(neg, digits, exp)
}

func convertError(s string) *awserr.Error {
	if s == "" {
		return validation(msgNumberConvert)
	}
	return validation(msgNumberConvert + ": " + s)
}

// isCanonical reports whether s is already a valid number in canonical form,
// so ParseNumber can return it without allocating: the common case on the
// wire ("42", "-1.5").
func isCanonical(s string) bool {
	i := 0
	if len(s) > 0 && s[0] == '-' {
		i = 1
	}
	if i >= len(s) {
		return false
	}
	if s[i] == '0' {
		i++
		if i == len(s) {
			return i == 1 // "0", not "-0"
		}
		if s[i] != '.' {
			return false
		}
		i++
		fs := i
		for i < len(s) && s[i] == '0' {
			i++
		}
		lz := i - fs
		ds := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		nd := len(s) - ds
		if i != len(s) || nd == 0 || s[len(s)-1] == '0' {
			return false
		}
		return nd <= MaxNumberDigits && -(lz+1) >= MinNumberAdjExp
	}
	ds := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intLen := i - ds
	if intLen == 0 || intLen-1 > MaxNumberAdjExp {
		return false
	}
	if i == len(s) {
		tz := 0
		for j := len(s) - 1; s[j] == '0'; j-- {
			tz++
		}
		return intLen-tz <= MaxNumberDigits
	}
	if s[i] != '.' {
		return false
	}
	i++
	fs := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i != len(s) || i == fs || s[len(s)-1] == '0' {
		return false
	}
	return intLen+(len(s)-fs) <= MaxNumberDigits
}

// scanNumber parses s into sign, significant digits (no leading or trailing
// zeros; empty for zero) and exponent e such that |value| = digits × 10^e.
func scanNumber(s string) (neg bool, digits string, exp int, ok bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	// Mantissa: find the digit span, skipping one '.'.
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[intStart:i]
	fracPart := ""
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		fracPart = s[fs:i]
	}
	if intPart == "" && fracPart == "" {
		return false, "", 0, false
	}
	e := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		es := i
		for i < len(s) && isDigit(s[i]) {
			// BigDecimal rejects exponents that do not fit an int; stop
			// accumulating long before overflowing ours.
			if e > 1e9 {
				return false, "", 0, false
			}
			e = e*10 + int(s[i]-'0')
			i++
		}
		if i == es {
			return false, "", 0, false
		}
		if eneg {
			e = -e
		}
	}
	if i != len(s) {
		return false, "", 0, false
	}
	// value = intPart.fracPart × 10^e = (intPart fracPart) × 10^(e-len(frac)).
	e -= len(fracPart)
	var all string
	switch {
	case fracPart == "":
		all = intPart
	case intPart == "":
		all = fracPart
	default:
		all = intPart + fracPart
	}
	all = strings.TrimLeft(all, "0")
	n := len(all)
	all = strings.TrimRight(all, "0")
	e += n - len(all)
	if all == "" {
		return false, "", 0, true
	}
	return neg, all, e, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// formatNumber checks range and precision of ±digits×10^exp (digits without
// leading or trailing zeros) and renders it in canonical plain notation.
func formatNumber(neg bool, digits string, exp int) (string, error) {
	if digits == "" {
		return "0", nil
	}
	adj := exp + len(digits) - 1
	if adj > MaxNumberAdjExp {
		return "", validation(msgNumberOverflow)
	}
	if adj < MinNumberAdjExp {
		return "", validation(msgNumberUnderflow)
	}
	if len(digits) > MaxNumberDigits {
		return "", validation(msgNumberPrecision)
	}
	var b strings.Builder
	size := len(digits) + 2
	if exp > 0 {
		size += exp
	} else if -exp >= len(digits) {
		size += -exp - len(digits) + 1
	}
	b.Grow(size)
	if neg {
		b.WriteByte('-')
	}
	switch {
	case exp >= 0:
		b.WriteString(digits)
		for range exp {
			b.WriteByte('0')
		}
	case -exp >= len(digits):
		b.WriteString("0.")
		for range -exp - len(digits) {
			b.WriteByte('0')
		}
		b.WriteString(digits)
	default:
		p := len(digits) + exp
		b.WriteString(digits[:p])
		b.WriteByte('.')
		b.WriteString(digits[p:])
	}
	return b.String(), nil
}

// numberDigits splits a valid number into sign, significant digits (no
// leading or trailing zeros, empty for zero) and the exponent of the leading
// digit. The digits come as two pieces to concatenate (hi, lo) so canonical
// text, the usual case, needs no allocation.
func numberDigits(s string) (neg bool, hi, lo string, adj int, ok bool) {
	if !isCanonical(s) {
		neg, digits, exp, ok := scanNumber(s)
		return neg, digits, "", exp + len(digits) - 1, ok
	}
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	if s == "0" {
		return false, "", "", 0, true
	}
	p := strings.IndexByte(s, '.')
	switch {
	case p < 0: // integer: trailing zeros are not significant
		return neg, strings.TrimRight(s, "0"), "", len(s) - 1, true
	case s[0] == '0': // 0.000ddd
		f := s[p+1:]
		d := strings.TrimLeft(f, "0")
		return neg, d, "", -(len(f) - len(d) + 1), true
	default:
		return neg, s[:p], s[p+1:], p - 1, true
	}
}

// arith is exact for any two DynamoDB numbers: their digits span at most
// 126+130+1 decimal places, so 300 digits of precision never rounds.
var arith = func() *apd.Context {
	c := apd.BaseContext.WithPrecision(300)
	c.MaxExponent = 1000
	c.MinExponent = -1000
	return c
}()

func decimalOf(s string) (*apd.Decimal, error) {
	neg, digits, exp, ok := scanNumber(s)
	if !ok {
		return nil, convertError(s)
	}
	d := new(apd.Decimal)
	if digits == "" {
		return d, nil
	}
	if _, ok := d.Coeff.SetString(digits, 10); !ok {
		return nil, convertError(s)
	}
	d.Exponent = int32(exp)
	d.Negative = neg
	return d, nil
}

func fromDecimal(d *apd.Decimal) (string, error) {
	if d.IsZero() {
		return "0", nil
	}
	digits := d.Coeff.String()
	exp := int(d.Exponent)
	n := len(digits)
	digits = strings.TrimRight(digits, "0")
	exp += n - len(digits)
	return formatNumber(d.Negative, digits, exp)
}

func addSub(a, b string, sub bool) (string, error) {
	x, err := decimalOf(a)
	if err != nil {
		return "", err
	}
	y, err := decimalOf(b)
	if err != nil {
		return "", err
	}
	var r apd.Decimal
	if sub {
		_, err = arith.Sub(&r, x, y)
	} else {
		_, err = arith.Add(&r, x, y)
	}
	if err != nil {
		return "", validation(msgNumberOverflow)
	}
	return fromDecimal(&r)
}

// AddNumbers returns a+b exactly, or the ValidationException DynamoDB returns
// when the result leaves the supported range or needs more than 38 digits.
// a and b may be any valid number text; the result is canonical.
func AddNumbers(a, b string) (string, error) { return addSub(a, b, false) }

// SubNumbers returns a-b exactly, with the same checks as AddNumbers.
func SubNumbers(a, b string) (string, error) { return addSub(a, b, true) }

// CompareNumbers compares two canonical numbers (as ParseNumber returns them)
// numerically: -1 if a < b, 0 if equal, +1 if a > b. It does not allocate.
func CompareNumbers(a, b string) int {
	an := len(a) > 0 && a[0] == '-'
	bn := len(b) > 0 && b[0] == '-'
	switch {
	case an && !bn:
		return -1
	case !an && bn:
		return 1
	case an && bn:
		return compareMagnitude(b[1:], a[1:])
	}
	return compareMagnitude(a, b)
}

// compareMagnitude compares two canonical non-negative numbers.
func compareMagnitude(a, b string) int {
	ai, bi := intLen(a), intLen(b)
	// "0.x" has a zero integer part that counts as shorter than any "1…".
	az, bz := a[:ai] == "0", b[:bi] == "0"
	if az {
		ai = 0
	}
	if bz {
		bi = 0
	}
	if ai != bi {
		if ai < bi {
			return -1
		}
		return 1
	}
	if ai == 0 {
		// Both below one: compare the fractions digit by digit (the leading
		// "0." is common; "0" itself sorts below any "0.x").
		return strings.Compare(frac(a), frac(b))
	}
	// Same integer length: plain string comparison of "int.frac" works since
	// '.' sorts below every digit and both have the point in the same place.
	return strings.Compare(a, b)
}

func intLen(s string) int {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return i
	}
	return len(s)
}

func frac(s string) string {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return s[i+1:]
	}
	return ""
}
