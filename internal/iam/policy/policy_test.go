package policy

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	ident := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["dynamodb:*","s3:GetObject"],"Resource":"*"}}`
	for _, tc := range []struct {
		name, doc string
		kind      Kind
		want      string // "" for valid
	}{
		{"trust", trust, Trust, ""},
		{"trust 2008", `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`, Trust, ""},
		{"identity", ident, Identity, ""},
		{"identity with condition", `{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Deny","NotAction":"iam:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:max-keys":[10]}}}]}`, Identity, ""},
		{"bad json", `{"Version":`, Identity, MsgInvalidJSON},
		{"trailing", ident + "x", Identity, MsgInvalidJSON},
		{"not object", `[]`, Identity, MsgSyntax},
		{"null", `null`, Identity, MsgSyntax},
		{"no statement", `{"Version":"2012-10-17"}`, Identity, MsgSyntax},
		{"empty statement", `{"Version":"2012-10-17","Statement":[]}`, Identity, MsgSyntax},
		{"unknown top", `{"Version":"2012-10-17","Foo":1,"Statement":[]}`, Identity, MsgSyntax},
		{"bad version", `{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, Identity, MsgSyntax},
		{"missing version", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, Identity, MsgVersion},
		{"old version identity", `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, Identity, MsgVersion},
		{"bad effect", `{"Version":"2012-10-17","Statement":{"Effect":"Permit","Action":"*","Resource":"*"}}`, Identity, MsgSyntax},
		{"effect case", `{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"*","Resource":"*"}}`, Identity, MsgLegacy},
		{"no effect", `{"Version":"2012-10-17","Statement":{"Action":"*","Resource":"*"}}`, Identity, MsgSyntax},
		{"action and notaction", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","NotAction":"*","Resource":"*"}}`, Identity, MsgSyntax},
		{"action number", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":1,"Resource":"*"}}`, Identity, MsgSyntax},
		{"dup sid", `{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"a","Effect":"Allow","Action":"*","Resource":"*"}]}`, Identity, MsgSidUnique},
		{"no action", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}`, Identity, MsgNoActions},
		{"no resource", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*"}}`, Identity, MsgNoResources},
		{"principal in identity", trust, Identity, MsgHasPrincipal},
		{"resource in trust", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}}`, Trust, MsgTrustResource},
		{"no principal", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`, Trust, MsgNoPrincipal},
		{"bad principal type", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Foo":"x"},"Action":"sts:AssumeRole"}}`, Trust, MsgPrincipalSyntax},
		{"bad AWS principal", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"sts:AssumeRole"}}`, Trust, `Invalid principal in policy: "AWS":"bob"`},
		{"bad service principal", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"lambda"},"Action":"sts:AssumeRole"}}`, Trust, `Invalid principal in policy: "SERVICE":"lambda"`},
		{"account principals", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:role/x"]},"Action":"sts:AssumeRole"}}`, Trust, ""},
		{"no vendor", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}`, Identity, MsgVendor},
		{"two colons", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:a:b","Resource":"*"}}`, Identity, MsgOneColon},
		{"bad vendor", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s 3:x","Resource":"*"}}`, Identity, "Vendor s 3 is not valid"},
		{"bad resource", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}}`, Identity, `Resource bucket must be in ARN format or "*".`},
		{"iam region", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam:us-east-1:1:role/x"}}`, Identity, "IAM resource arn:aws:iam:us-east-1:1:role/x cannot contain region information."},
		{"duplicate key", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}}`, Identity, MsgSyntax},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse(tc.doc, tc.kind)
			if tc.want == "" {
				if err != nil || d == nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			var pe *Error
			if !errors.As(err, &pe) || pe.Message != tc.want {
				t.Fatalf("Parse error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSize(t *testing.T) {
	if n := Size("{ \"a b\" : [ 1 ,\n 2 ] }"); n != len(`{"a b":[1,2]}`) {
		t.Fatalf("Size = %d", n)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, true)
	f.Add(`{"Version":"2012-10-17","Statement":{"Sid":"x","Effect":"Deny","Action":["s3:*"],"Resource":"arn:aws:s3:::b","Condition":{"Bool":{"a":true}}}}`, false)
	f.Add(`{"a":{"b":[{"c":1},{"c":2}]},"a":2}`, false)
	f.Fuzz(func(t *testing.T, doc string, trust bool) {
		k := Identity
		if trust {
			k = Trust
		}
		d, err := Parse(doc, k)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Message == "" {
				t.Fatalf("error %v is not a policy.Error", err)
			}
			return
		}
		if len(d.Statement) == 0 {
			t.Fatal("valid document without statements")
		}
		for _, st := range d.Statement {
			if st.Effect != "Allow" && st.Effect != "Deny" {
				t.Fatalf("effect %q accepted", st.Effect)
			}
			if len(st.Action)+len(st.NotAction) == 0 {
				t.Fatal("statement without actions accepted")
			}
		}
		if Size(doc) > len(doc) {
			t.Fatal("Size larger than the document")
		}
	})
}
