package apigateway

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// ApiKey identifies a caller of methods with apiKeyRequired.
type ApiKey struct {
	ID              string            `json:"id"`
	Value           string            `json:"value,omitempty"`
	Name            string            `json:"name,omitempty"`
	CustomerID      string            `json:"customerId,omitempty"`
	Description     string            `json:"description,omitempty"`
	Enabled         bool              `json:"enabled"`
	CreatedDate     *time.Time        `json:"createdDate,omitempty"`
	LastUpdatedDate *time.Time        `json:"lastUpdatedDate,omitempty"`
	StageKeys       []string          `json:"stageKeys"`
	Tags            map[string]string `json:"tags,omitempty"`
}

// ApiStage is an API stage a usage plan covers.
type ApiStage struct {
	ApiID    string                       `json:"apiId"`
	Stage    string                       `json:"stage"`
	Throttle map[string]*ThrottleSettings `json:"throttle,omitempty"`
}

// ThrottleSettings are a usage plan's rate limits (stored, not enforced).
type ThrottleSettings struct {
	BurstLimit int     `json:"burstLimit"`
	RateLimit  float64 `json:"rateLimit"`
}

// QuotaSettings limit the requests a key makes in a period.
type QuotaSettings struct {
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
	Period string `json:"period,omitempty"`
}

// UsagePlan ties API keys to API stages with limits.
type UsagePlan struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	ApiStages   []ApiStage        `json:"apiStages"`
	Throttle    *ThrottleSettings `json:"throttle,omitempty"`
	Quota       *QuotaSettings    `json:"quota,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	Keys        []string          `json:"keys,omitempty"` // stored only: the key ids in the plan
}

// UsagePlanKey is a key in a usage plan.
type UsagePlanKey struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Value string `json:"value,omitempty"`
	Name  string `json:"name,omitempty"`
}

// CreateApiKeyInput is CreateApiKey's request.
type CreateApiKeyInput struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Enabled     bool              `json:"enabled"`
	Value       string            `json:"value"`
	CustomerID  string            `json:"customerId"`
	Tags        map[string]string `json:"tags"`
}

// ApiKeyInput names a key.
type ApiKeyInput struct {
	ApiKey       string `location:"uri" name:"api_Key"`
	IncludeValue bool   `location:"querystring" name:"includeValue"`
}

// GetApiKeysInput is GetApiKeys' request.
type GetApiKeysInput struct {
	Position      *string `location:"querystring" name:"position"`
	Limit         *int    `location:"querystring" name:"limit"`
	NameQuery     string  `location:"querystring" name:"name"`
	CustomerID    string  `location:"querystring" name:"customerId"`
	IncludeValues bool    `location:"querystring" name:"includeValues"`
}

// UpdateApiKeyInput is UpdateApiKey's request.
type UpdateApiKeyInput struct {
	ApiKey          string           `location:"uri" name:"api_Key"`
	PatchOperations []PatchOperation `json:"patchOperations"`
}

// CreateUsagePlanInput is CreateUsagePlan's request.
type CreateUsagePlanInput struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	ApiStages   []ApiStage        `json:"apiStages"`
	Throttle    *ThrottleSettings `json:"throttle"`
	Quota       *QuotaSettings    `json:"quota"`
	Tags        map[string]string `json:"tags"`
}

// UsagePlanInput names a usage plan.
type UsagePlanInput struct {
	UsagePlanID string `location:"uri" name:"usageplanId"`
}

// GetUsagePlansInput is GetUsagePlans' request.
type GetUsagePlansInput struct {
	Position *string `location:"querystring" name:"position"`
	Limit    *int    `location:"querystring" name:"limit"`
	KeyID    string  `location:"querystring" name:"keyId"`
}

// UpdateUsagePlanInput is UpdateUsagePlan's request.
type UpdateUsagePlanInput struct {
	UsagePlanID     string           `location:"uri" name:"usageplanId"`
	PatchOperations []PatchOperation `json:"patchOperations"`
}

// CreateUsagePlanKeyInput is CreateUsagePlanKey's request.
type CreateUsagePlanKeyInput struct {
	UsagePlanID string `location:"uri" name:"usageplanId"`
	KeyID       string `json:"keyId"`
	KeyType     string `json:"keyType"`
}

// UsagePlanKeyInput names a key in a plan.
type UsagePlanKeyInput struct {
	UsagePlanID string `location:"uri" name:"usageplanId"`
	KeyID       string `location:"uri" name:"keyId"`
}

// UsagePlanKeysInput is GetUsagePlanKeys' request.
type UsagePlanKeysInput struct {
	UsagePlanID string  `location:"uri" name:"usageplanId"`
	Position    *string `location:"querystring" name:"position"`
	Limit       *int    `location:"querystring" name:"limit"`
}

func keyKey(account, region, id string) []byte {
	return []byte("apigateway/apikey/" + account + "/" + region + "/" + id)
}
func keyPrefix(account, region string) []byte {
	return []byte("apigateway/apikey/" + account + "/" + region + "/")
}
func keyValueKey(account, region, value string) []byte {
	return []byte("apigateway/apikeyvalue/" + account + "/" + region + "/" + value)
}
func planKey(account, region, id string) []byte {
	return []byte("apigateway/plan/" + account + "/" + region + "/" + id)
}
func planPrefix(account, region string) []byte {
	return []byte("apigateway/plan/" + account + "/" + region + "/")
}

func apiKeyNotFound() error    { return notFound("Invalid API Key identifier specified") }
func usagePlanNotFound() error { return notFound("Invalid Usage Plan ID specified") }

// CreateApiKey creates a key, with a generated 40-character value unless given one.
func (s *Service) CreateApiKey(ctx context.Context, in *CreateApiKeyInput) (*ApiKey, error) {
	info := request.From(ctx)
	if in.Value != "" && (len(in.Value) < 20 || len(in.Value) > 128) {
		return nil, badRequest("API Key value should be at least 20 characters")
	}
	now := s.now().UTC().Truncate(1e9)
	k := &ApiKey{ID: newID(10), Value: in.Value, Name: in.Name, CustomerID: in.CustomerID, Description: in.Description,
		Enabled: in.Enabled, CreatedDate: &now, LastUpdatedDate: &now, StageKeys: []string{}, Tags: in.Tags}
	if k.Value == "" {
		k.Value = newKeyValue()
	}
	if k.Name == "" {
		k.Name = k.ID
	}
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Get(keyValueKey(info.Account, info.Region, k.Value)); err == nil {
			return conflict("API Key already exists")
		} else if !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		if err := tx.Set(keyValueKey(info.Account, info.Region, k.Value), []byte(k.ID)); err != nil {
			return err
		}
		return setJSON(tx, keyKey(info.Account, info.Region, k.ID), k)
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

func newKeyValue() string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := []byte(newID(40))
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b)
}

func (s *Service) loadKey(r storage.Reader, account, region, id string) (*ApiKey, error) {
	k := new(ApiKey)
	ok, err := getJSON(r, keyKey(account, region, id), k)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apiKeyNotFound()
	}
	return k, nil
}

// GetApiKey returns a key (its value with includeValue=true).
func (s *Service) GetApiKey(ctx context.Context, in *ApiKeyInput) (*ApiKey, error) {
	info := request.From(ctx)
	var out *ApiKey
	err := s.kv.View(ctx, func(r storage.Reader) error {
		var err error
		out, err = s.loadKey(r, info.Account, info.Region, in.ApiKey)
		return err
	})
	if err == nil && !in.IncludeValue {
		out.Value = ""
	}
	return out, err
}

// GetApiKeys lists keys.
func (s *Service) GetApiKeys(ctx context.Context, in *GetApiKeysInput) (*List[*ApiKey], error) {
	info := request.From(ctx)
	var all []*ApiKey
	err := s.kv.View(ctx, func(r storage.Reader) error {
		var err error
		all, err = scan[ApiKey](r, keyPrefix(info.Account, info.Region))
		return err
	})
	if err != nil {
		return nil, err
	}
	var keep []*ApiKey
	for _, k := range all {
		if in.NameQuery != "" && !strings.HasPrefix(k.Name, in.NameQuery) || in.CustomerID != "" && k.CustomerID != in.CustomerID {
			continue
		}
		if !in.IncludeValues {
			k.Value = ""
		}
		keep = append(keep, k)
	}
	slices.SortFunc(keep, func(a, b *ApiKey) int { return a.CreatedDate.Compare(*b.CreatedDate) })
	items, pos, err := page(keep, in.Position, in.Limit)
	if err != nil {
		return nil, err
	}
	return &List[*ApiKey]{Items: items, Position: pos}, nil
}

// DeleteApiKey deletes a key.
func (s *Service) DeleteApiKey(ctx context.Context, in *ApiKeyInput) (*Empty, error) {
	info := request.From(ctx)
	return nil, s.kv.Update(ctx, func(tx storage.Tx) error {
		k, err := s.loadKey(tx, info.Account, info.Region, in.ApiKey)
		if err != nil {
			return err
		}
		tx.Delete(keyValueKey(info.Account, info.Region, k.Value))
		return tx.Delete(keyKey(info.Account, info.Region, k.ID))
	})
}

// UpdateApiKey applies patch operations (name, description, enabled, customerId).
func (s *Service) UpdateApiKey(ctx context.Context, in *UpdateApiKeyInput) (*ApiKey, error) {
	info := request.From(ctx)
	var out *ApiKey
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		k, err := s.loadKey(tx, info.Account, info.Region, in.ApiKey)
		if err != nil {
			return err
		}
		nk := *k
		if err := applyPatch(&nk, in.PatchOperations, patchSpec{"name": kString, "description": kString, "enabled": kBool, "customerId": kString}); err != nil {
			return err
		}
		nk.ID, nk.Value, nk.CreatedDate, nk.StageKeys, nk.Tags = k.ID, k.Value, k.CreatedDate, k.StageKeys, k.Tags
		now := s.now().UTC().Truncate(1e9)
		nk.LastUpdatedDate = &now
		out = &nk
		return setJSON(tx, keyKey(info.Account, info.Region, k.ID), &nk)
	})
	if out != nil {
		v := *out
		v.Value = ""
		out = &v
	}
	return out, err
}

func checkPlan(r storage.Reader, account, region string, p *UsagePlan) error {
	if strings.TrimSpace(p.Name) == "" {
		return badRequest("Usage Plan name must be non-empty")
	}
	for _, st := range p.ApiStages {
		ok, err := getJSON(r, stageKey(account, region, st.ApiID, st.Stage), new(Stage))
		if err != nil {
			return err
		}
		if !ok {
			return badRequest("Invalid API Stage {api: " + st.ApiID + ", stage: " + st.Stage + "} specified for usageplan " + p.ID)
		}
	}
	if q := p.Quota; q != nil {
		switch q.Period {
		case "DAY", "WEEK", "MONTH":
		default:
			return badRequest("Invalid quota period specified. Valid options are DAY,WEEK,MONTH")
		}
		if q.Limit < 0 {
			return badRequest("Quota limit should be a non-negative integer")
		}
	}
	return nil
}

// planView is a plan as the API shows it (without its key list).
func planView(p *UsagePlan) *UsagePlan {
	v := *p
	v.Keys = nil
	if v.ApiStages == nil {
		v.ApiStages = []ApiStage{}
	}
	return &v
}

// CreateUsagePlan creates a plan over API stages.
func (s *Service) CreateUsagePlan(ctx context.Context, in *CreateUsagePlanInput) (*UsagePlan, error) {
	info := request.From(ctx)
	p := &UsagePlan{ID: newID(6), Name: in.Name, Description: in.Description, ApiStages: in.ApiStages, Throttle: in.Throttle, Quota: in.Quota, Tags: in.Tags}
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		if err := checkPlan(tx, info.Account, info.Region, p); err != nil {
			return err
		}
		return setJSON(tx, planKey(info.Account, info.Region, p.ID), p)
	})
	if err != nil {
		return nil, err
	}
	return planView(p), nil
}

func loadPlan(r storage.Reader, account, region, id string) (*UsagePlan, error) {
	p := new(UsagePlan)
	ok, err := getJSON(r, planKey(account, region, id), p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, usagePlanNotFound()
	}
	return p, nil
}

// GetUsagePlan returns a plan.
func (s *Service) GetUsagePlan(ctx context.Context, in *UsagePlanInput) (*UsagePlan, error) {
	info := request.From(ctx)
	var out *UsagePlan
	err := s.kv.View(ctx, func(r storage.Reader) error {
		p, err := loadPlan(r, info.Account, info.Region, in.UsagePlanID)
		if err == nil {
			out = planView(p)
		}
		return err
	})
	return out, err
}

// GetUsagePlans lists plans, optionally those holding a key.
func (s *Service) GetUsagePlans(ctx context.Context, in *GetUsagePlansInput) (*List[*UsagePlan], error) {
	info := request.From(ctx)
	var all []*UsagePlan
	err := s.kv.View(ctx, func(r storage.Reader) error {
		ps, err := scan[UsagePlan](r, planPrefix(info.Account, info.Region))
		for _, p := range ps {
			if in.KeyID == "" || slices.Contains(p.Keys, in.KeyID) {
				all = append(all, planView(p))
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	items, pos, err := page(all, in.Position, in.Limit)
	if err != nil {
		return nil, err
	}
	return &List[*UsagePlan]{Items: items, Position: pos}, nil
}

// DeleteUsagePlan deletes a plan.
func (s *Service) DeleteUsagePlan(ctx context.Context, in *UsagePlanInput) (*Empty, error) {
	info := request.From(ctx)
	return nil, s.kv.Update(ctx, func(tx storage.Tx) error {
		if _, err := loadPlan(tx, info.Account, info.Region, in.UsagePlanID); err != nil {
			return err
		}
		return tx.Delete(planKey(info.Account, info.Region, in.UsagePlanID))
	})
}

// UpdateUsagePlan applies patch operations: name, description, quota and
// throttle members, and /apiStages add/remove with value "apiId:stage".
func (s *Service) UpdateUsagePlan(ctx context.Context, in *UpdateUsagePlanInput) (*UsagePlan, error) {
	info := request.From(ctx)
	var out *UsagePlan
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		p, err := loadPlan(tx, info.Account, info.Region, in.UsagePlanID)
		if err != nil {
			return err
		}
		np := *p
		var rest []PatchOperation
		for _, op := range in.PatchOperations {
			if op.Path != "/apiStages" {
				rest = append(rest, op)
				continue
			}
			v := ""
			if op.Value != nil {
				v = *op.Value
			}
			api, stage, _ := strings.Cut(v, ":")
			switch op.Op {
			case "add":
				np.ApiStages = append(np.ApiStages, ApiStage{ApiID: api, Stage: stage})
			case "remove":
				np.ApiStages = slices.DeleteFunc(slices.Clone(np.ApiStages), func(a ApiStage) bool { return a.ApiID == api && a.Stage == stage })
			default:
				return invalidPath(op, patchSpec{"apiStages": kList})
			}
		}
		if err := applyPatch(&np, rest, patchSpec{"name": kString, "description": kString, "quota": kObject, "throttle": kObject}); err != nil {
			return err
		}
		np.ID, np.Keys, np.Tags = p.ID, p.Keys, p.Tags
		if np.Quota != nil && np.Quota.Period == "" && np.Quota.Limit == 0 {
			np.Quota = nil
		}
		if err := checkPlan(tx, info.Account, info.Region, &np); err != nil {
			return err
		}
		out = planView(&np)
		return setJSON(tx, planKey(info.Account, info.Region, p.ID), &np)
	})
	return out, err
}

// CreateUsagePlanKey adds an API key to a plan.
func (s *Service) CreateUsagePlanKey(ctx context.Context, in *CreateUsagePlanKeyInput) (*UsagePlanKey, error) {
	info := request.From(ctx)
	if in.KeyType != "API_KEY" {
		return nil, badRequest("Invalid key type specified: " + in.KeyType + ". Valid options are API_KEY")
	}
	var out *UsagePlanKey
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		p, err := loadPlan(tx, info.Account, info.Region, in.UsagePlanID)
		if err != nil {
			return err
		}
		k, err := s.loadKey(tx, info.Account, info.Region, in.KeyID)
		if err != nil {
			return err
		}
		if slices.Contains(p.Keys, k.ID) {
			return conflict("Usage Plan " + p.ID + " cannot be added because API Key " + k.ID + " already exists in the plan")
		}
		p.Keys = append(p.Keys, k.ID)
		out = &UsagePlanKey{ID: k.ID, Type: "API_KEY", Value: k.Value, Name: k.Name}
		return setJSON(tx, planKey(info.Account, info.Region, p.ID), p)
	})
	return out, err
}

// GetUsagePlanKeys lists a plan's keys.
func (s *Service) GetUsagePlanKeys(ctx context.Context, in *UsagePlanKeysInput) (*List[*UsagePlanKey], error) {
	info := request.From(ctx)
	var all []*UsagePlanKey
	err := s.kv.View(ctx, func(r storage.Reader) error {
		p, err := loadPlan(r, info.Account, info.Region, in.UsagePlanID)
		if err != nil {
			return err
		}
		for _, id := range p.Keys {
			if k, err := s.loadKey(r, info.Account, info.Region, id); err == nil {
				all = append(all, &UsagePlanKey{ID: k.ID, Type: "API_KEY", Value: k.Value, Name: k.Name})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, pos, err := page(all, in.Position, in.Limit)
	if err != nil {
		return nil, err
	}
	return &List[*UsagePlanKey]{Items: items, Position: pos}, nil
}

// GetUsagePlanKey returns a key of a plan.
func (s *Service) GetUsagePlanKey(ctx context.Context, in *UsagePlanKeyInput) (*UsagePlanKey, error) {
	info := request.From(ctx)
	var out *UsagePlanKey
	err := s.kv.View(ctx, func(r storage.Reader) error {
		p, err := loadPlan(r, info.Account, info.Region, in.UsagePlanID)
		if err != nil {
			return err
		}
		if !slices.Contains(p.Keys, in.KeyID) {
			return notFound("Invalid Usage Plan Key identifier specified")
		}
		k, err := s.loadKey(r, info.Account, info.Region, in.KeyID)
		if err != nil {
			return err
		}
		out = &UsagePlanKey{ID: k.ID, Type: "API_KEY", Value: k.Value, Name: k.Name}
		return nil
	})
	return out, err
}

// DeleteUsagePlanKey removes a key from a plan.
func (s *Service) DeleteUsagePlanKey(ctx context.Context, in *UsagePlanKeyInput) (*Empty, error) {
	info := request.From(ctx)
	return nil, s.kv.Update(ctx, func(tx storage.Tx) error {
		p, err := loadPlan(tx, info.Account, info.Region, in.UsagePlanID)
		if err != nil {
			return err
		}
		if !slices.Contains(p.Keys, in.KeyID) {
			return notFound("Invalid Usage Plan Key identifier specified")
		}
		p.Keys = slices.DeleteFunc(p.Keys, func(id string) bool { return id == in.KeyID })
		return setJSON(tx, planKey(info.Account, info.Region, p.ID), p)
	})
}

// quotaCounter counts requests per key and plan in the current quota
// period. Counts live in memory: a restart starts every period afresh.
type quotaCounter struct {
	mu sync.Mutex
	m  map[string]*quotaUse
}

type quotaUse struct {
	period time.Time
	n      int
}

func periodStart(now time.Time, period string) time.Time {
	y, m, d := now.UTC().Date()
	switch period {
	case "WEEK":
		day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return day.AddDate(0, 0, -int(day.Weekday()))
	case "MONTH":
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// take counts one request; false when the quota is used up.
func (q *quotaCounter) take(key string, quota *QuotaSettings, now time.Time) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.m == nil {
		q.m = map[string]*quotaUse{}
	}
	start := periodStart(now, quota.Period)
	u := q.m[key]
	if u == nil || !u.period.Equal(start) {
		u = &quotaUse{period: start}
		q.m[key] = u
	}
	if u.n >= quota.Limit {
		return false
	}
	u.n++
	return true
}

// checkAPIKey enforces apiKeyRequired: the x-api-key header (or, with
// apiKeySource AUTHORIZER, the authorizer's usageIdentifierKey) must be
// an enabled key in a usage plan covering this stage, within its quota.
func (c *call) checkAPIKey() bool {
	value := c.r.Header.Get("X-Api-Key")
	if c.t.c.doc.API.ApiKeySource == "AUTHORIZER" {
		value = ""
		if a, ok := c.ctx["authorizer"].(map[string]any); ok {
			value, _ = a["usageIdentifierKey"].(string)
		}
	}
	if value == "" {
		c.gateway("INVALID_API_KEY", "Forbidden")
		return false
	}
	account, region := c.t.c.account, c.t.c.region
	var key *ApiKey
	var plans []*UsagePlan
	err := c.s.kv.View(c.r.Context(), func(r storage.Reader) error {
		id, err := r.Get(keyValueKey(account, region, value))
		if err != nil {
			return err
		}
		if key, err = c.s.loadKey(r, account, region, string(id)); err != nil {
			return err
		}
		plans, err = scan[UsagePlan](r, planPrefix(account, region))
		return err
	})
	if err != nil || key == nil || !key.Enabled {
		c.gateway("INVALID_API_KEY", "Forbidden")
		return false
	}
	for _, p := range plans {
		if !slices.Contains(p.Keys, key.ID) {
			continue
		}
		for _, st := range p.ApiStages {
			if st.ApiID != c.apiID || st.Stage != c.stage {
				continue
			}
			if p.Quota != nil && !c.s.quota.take(p.ID+"/"+key.ID, p.Quota, time.Now()) {
				c.gateway("QUOTA_EXCEEDED", "Limit Exceeded")
				return false
			}
			if ident, ok := c.ctx["identity"].(map[string]any); ok {
				ident["apiKey"], ident["apiKeyId"] = key.Value, key.ID
			}
			return true
		}
	}
	c.gateway("INVALID_API_KEY", "Forbidden")
	return false
}
