package polly

import (
	"context"
	"strconv"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
)

// Voice is one voice in DescribeVoices.
type Voice struct {
	Gender                  string
	Id                      string
	LanguageCode            string
	LanguageName            string
	Name                    string
	AdditionalLanguageCodes []string `json:",omitempty"`
	SupportedEngines        []string
}

// DescribeVoicesInput is the request.
type DescribeVoicesInput struct {
	Engine                         *string `location:"querystring" name:"Engine"`
	LanguageCode                   *string `location:"querystring" name:"LanguageCode"`
	IncludeAdditionalLanguageCodes *bool   `location:"querystring" name:"IncludeAdditionalLanguageCodes"`
	NextToken                      *string `location:"querystring" name:"NextToken"`
}

// DescribeVoicesOutput is the response.
type DescribeVoicesOutput struct {
	Voices    []Voice
	NextToken *string
}

// voicesPageSize is how many voices one DescribeVoices page holds; AWS
// answers the whole catalogue at once, so clients rarely see a NextToken.
const voicesPageSize = 250

// DescribeVoices lists the voices, filtered by engine and language.
func (s *Service) DescribeVoices(ctx context.Context, in *DescribeVoicesInput) (*DescribeVoicesOutput, error) {
	if in.Engine != nil && !validEngine(*in.Engine) {
		return nil, enumError(*in.Engine, "engine", engines)
	}
	if in.LanguageCode != nil && !validLanguage(*in.LanguageCode) {
		return nil, enumError(*in.LanguageCode, "languageCode", languageCodes())
	}
	start := 0
	if in.NextToken != nil {
		t, err := decodeToken(*in.NextToken)
		n, err2 := strconv.Atoi(t)
		if err != nil || err2 != nil || n < 0 || n > len(voices) {
			return nil, awserr.New("InvalidNextTokenException", "The NextToken is invalid. Specify a valid token.")
		}
		start = n
	}
	addl := in.IncludeAdditionalLanguageCodes != nil && *in.IncludeAdditionalLanguageCodes
	out := &DescribeVoicesOutput{Voices: []Voice{}}
	for i := start; i < len(voices); i++ {
		v := &voices[i]
		if in.Engine != nil && !v.supports(*in.Engine) {
			continue
		}
		if in.LanguageCode != nil && v.LanguageCode != *in.LanguageCode && !(addl && v.speaks(*in.LanguageCode)) {
			continue
		}
		if len(out.Voices) == voicesPageSize {
			t := encodeToken(strconv.Itoa(i))
			out.NextToken = &t
			break
		}
		out.Voices = append(out.Voices, Voice{
			Gender: v.Gender, Id: v.ID, Name: v.ID, LanguageCode: v.LanguageCode, LanguageName: v.LanguageName,
			AdditionalLanguageCodes: v.Additional, SupportedEngines: v.Engines,
		})
	}
	return out, nil
}
