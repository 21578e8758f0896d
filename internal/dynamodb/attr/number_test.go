package attr

import (
	"errors"
	"strings"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
)

func TestParseNumber(t *testing.T) {
	nines38 := strings.Repeat("9", 38)
	tests := []struct {
		in, want, err string
	}{
		{"0", "0", ""},
		{"-0", "0", ""},
		{"0.0", "0", ""},
		{"+0", "0", ""},
		{"0e-500", "0", ""},
		{"000.000e+99", "0", ""},
		{"1.50", "1.5", ""},
		{"1E+2", "100", ""},
		{"1e2", "100", ""},
		{"1E2", "100", ""},
		{"+5", "5", ""},
		{".5", "0.5", ""},
		{"-.5", "-0.5", ""},
		{"5.", "5", ""},
		{"-5.", "-5", ""},
		{"007", "7", ""},
		{"-0012.3400", "-12.34", ""},
		{"123.456e1", "1234.56", ""},
		{"123.456e-5", "0.00123456", ""},
		{"12345e-2", "123.45", ""},
		{"1e125", "1" + strings.Repeat("0", 125), ""},
		{"-1e125", "-1" + strings.Repeat("0", 125), ""},
		{"9." + strings.Repeat("9", 37) + "E125", nines38 + strings.Repeat("0", 88), ""},
		{"1e126", "", msgNumberOverflow},
		{"-1e126", "", msgNumberOverflow},
		{"10e125", "", msgNumberOverflow},
		{"1e-130", "0." + strings.Repeat("0", 129) + "1", ""},
		{"-1e-130", "-0." + strings.Repeat("0", 129) + "1", ""},
		{"1e-131", "", msgNumberUnderflow},
		{"0.1e-130", "", msgNumberUnderflow},
		{"-1e-131", "", msgNumberUnderflow},
		{nines38, nines38, ""},
		{nines38 + "9", "", msgNumberPrecision},
		{"1" + strings.Repeat("0", 50), "1" + strings.Repeat("0", 50), ""},
		{strings.Repeat("0", 100) + nines38, nines38, ""},
		{"0." + strings.Repeat("0", 50) + nines38, "0." + strings.Repeat("0", 50) + nines38, ""},
		{"1." + strings.Repeat("0", 36) + "1", "1." + strings.Repeat("0", 36) + "1", ""},
		{"1." + strings.Repeat("0", 37) + "1", "", msgNumberPrecision},
		{"1." + strings.Repeat("0", 60), "1", ""},
		{"abc", "", msgNumberConvert + ": abc"},
		{"", "", msgNumberConvert},
		{"-0.0", "0", ""},
		{"0.", "0", ""},
		{"-1.5", "-1.5", ""},
		{"10", "10", ""},
		{"0.10", "0.1", ""},
		{"01", "1", ""},
		{" 1", "", msgNumberConvert + ":  1"},
		{"1 ", "", msgNumberConvert + ": 1 "},
		{"-", "", msgNumberConvert + ": -"},
		{"+", "", msgNumberConvert + ": +"},
		{".", "", msgNumberConvert + ": ."},
		{"1e", "", msgNumberConvert + ": 1e"},
		{"1e+", "", msgNumberConvert + ": 1e+"},
		{"e5", "", msgNumberConvert + ": e5"},
		{"1.2.3", "", msgNumberConvert + ": 1.2.3"},
		{"--1", "", msgNumberConvert + ": --1"},
		{"NaN", "", msgNumberConvert + ": NaN"},
		{"Infinity", "", msgNumberConvert + ": Infinity"},
		{"Inf", "", msgNumberConvert + ": Inf"},
		{"0x10", "", msgNumberConvert + ": 0x10"},
		{"1_000", "", msgNumberConvert + ": 1_000"},
		{"1e99999999999999", "", msgNumberConvert + ": 1e99999999999999"},
	}
	for _, tt := range tests {
		got, err := ParseNumber(tt.in)
		if tt.err != "" {
			var ae *awserr.Error
			if !errors.As(err, &ae) || ae.Code != "ValidationException" || ae.Message != tt.err {
				t.Errorf("ParseNumber(%q) = %q, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseNumber(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestAddSubNumbers(t *testing.T) {
	tests := []struct {
		a, b, sum, diff, err string
	}{
		{"1", "2", "3", "-1", ""},
		{"0.1", "0.2", "0.3", "-0.1", ""},
		{"1.5", "1.5", "3", "0", ""},
		{"-5", "5", "0", "-10", ""},
		{"1e125", "1", "", "", msgNumberPrecision},
		{strings.Repeat("9", 38), "1", "1" + strings.Repeat("0", 38), strings.Repeat("9", 37) + "8", ""},
		{"9e125", "1e125", "", "", msgNumberOverflow},
	}
	for _, tt := range tests {
		got, err := AddNumbers(tt.a, tt.b)
		if tt.err != "" {
			if err == nil || err.(*awserr.Error).Message != tt.err {
				t.Errorf("AddNumbers(%s, %s) = %q, %v; want %q", tt.a, tt.b, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.sum {
			t.Errorf("AddNumbers(%s, %s) = %q, %v; want %q", tt.a, tt.b, got, err, tt.sum)
		}
		got, err = SubNumbers(tt.a, tt.b)
		if err != nil || got != tt.diff {
			t.Errorf("SubNumbers(%s, %s) = %q, %v; want %q", tt.a, tt.b, got, err, tt.diff)
		}
	}
	if _, err := SubNumbers("1e-130", "2e-130"); err != nil {
		t.Errorf("SubNumbers tiny: %v", err)
	}
	if got, err := SubNumbers("1e-129", "9e-130"); err != nil || got != "0."+strings.Repeat("0", 129)+"1" {
		t.Errorf("SubNumbers 1e-129-9e-130 = %q, %v", got, err)
	}
}

func TestCompareNumbers(t *testing.T) {
	ordered := []string{
		"-1e125", "-100", "-99.5", "-10", "-1.01", "-1", "-0.5", "-0.05", "-1e-130",
		"0", "1e-130", "0.05", "0.1", "0.5", "0.55", "1", "1.01", "2", "9.99", "10", "10.5", "99", "100", "1e125",
	}
	canon := make([]string, len(ordered))
	for i, s := range ordered {
		c, err := ParseNumber(s)
		if err != nil {
			t.Fatal(err)
		}
		canon[i] = c
	}
	for i := range canon {
		for j := range canon {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := CompareNumbers(canon[i], canon[j]); got != want {
				t.Errorf("CompareNumbers(%s, %s) = %d, want %d", canon[i], canon[j], got, want)
			}
		}
	}
}
