package lambda

import (
	"fmt"
	"sort"
	"strconv"
	"time"
)

// version is one configuration of a function: $LATEST (mutable) or a
// published version (immutable).
type version struct {
	Version       string            `json:"version"`
	Runtime       string            `json:"runtime"`
	Handler       string            `json:"handler"`
	Role          string            `json:"role"`
	Description   string            `json:"description"`
	Timeout       int               `json:"timeout"`
	MemorySize    int               `json:"memorySize"`
	Env           map[string]string `json:"env,omitempty"`
	CodeSha256    string            `json:"codeSha256"`
	CodeSize      int64             `json:"codeSize"`
	CodeDir       string            `json:"codeDir"`
	HotReload     bool              `json:"hotReload,omitempty"`
	Architectures []string          `json:"architectures"`
	Ephemeral     int               `json:"ephemeral"`
	LastModified  time.Time         `json:"lastModified"`
	RevisionID    string            `json:"revisionId"`
}

type alias struct {
	Name        string             `json:"name"`
	Version     string             `json:"version"`
	Description string             `json:"description"`
	Weights     map[string]float64 `json:"weights,omitempty"`
	RevisionID  string             `json:"revisionId"`
}

type statement struct {
	Sid           string `json:"sid"`
	Action        string `json:"action"`
	Principal     string `json:"principal"`
	SourceArn     string `json:"sourceArn,omitempty"`
	SourceAccount string `json:"sourceAccount,omitempty"`
	PrincipalOrg  string `json:"principalOrg,omitempty"`
	Qualifier     string `json:"qualifier,omitempty"`
}

type function struct {
	Account     string              `json:"account"`
	Region      string              `json:"region"`
	Name        string              `json:"name"`
	Latest      *version            `json:"latest"`
	Versions    map[string]*version `json:"versions,omitempty"`
	NextVersion int                 `json:"nextVersion"`
	Aliases     map[string]*alias   `json:"aliases,omitempty"`
	Policy      []statement         `json:"policy,omitempty"`
	PolicyRev   string              `json:"policyRev,omitempty"`
	Reserved    *int                `json:"reserved,omitempty"`
	Provisioned map[string]int      `json:"provisioned,omitempty"`
	Tags        map[string]string   `json:"tags,omitempty"`
}

func (f *function) key() string { return f.Account + "/" + f.Region + "/" + f.Name }

func (f *function) arn() string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", f.Region, f.Account, f.Name)
}

// version returns the configuration for a version qualifier ("" or $LATEST or a number).
func (f *function) version(q string) *version {
	if q == "" || q == "$LATEST" {
		return f.Latest
	}
	return f.Versions[q]
}

func (f *function) sortedVersions() []*version {
	out := make([]*version, 0, len(f.Versions))
	for _, v := range f.Versions {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		a, _ := strconv.Atoi(out[i].Version)
		b, _ := strconv.Atoi(out[j].Version)
		return a < b
	})
	return out
}

// Wire shapes.

// Environment is a function's environment variables.
type Environment struct {
	Variables map[string]string `json:"Variables,omitempty"`
}

// EnvironmentResponse is the environment in a configuration.
type EnvironmentResponse struct {
	Variables map[string]string `json:"Variables,omitempty"`
}

// FunctionCode is a deployment package.
type FunctionCode struct {
	ZipFile         []byte  `json:"ZipFile,omitempty"`
	S3Bucket        *string `json:"S3Bucket,omitempty"`
	S3Key           *string `json:"S3Key,omitempty"`
	S3ObjectVersion *string `json:"S3ObjectVersion,omitempty"`
	ImageUri        *string `json:"ImageUri,omitempty"`
}

// EphemeralStorage is /tmp's size.
type EphemeralStorage struct {
	Size int `json:"Size"`
}

// TracingConfig is X-Ray's mode.
type TracingConfig struct {
	Mode string `json:"Mode,omitempty"`
}

// LoggingConfig says where logs go.
type LoggingConfig struct {
	LogFormat string `json:"LogFormat,omitempty"`
	LogGroup  string `json:"LogGroup,omitempty"`
}

// SnapStartResponse is SnapStart's (off) state.
type SnapStartResponse struct {
	ApplyOn            string `json:"ApplyOn"`
	OptimizationStatus string `json:"OptimizationStatus"`
}

// FunctionConfiguration is a version's configuration as the API shows it.
type FunctionConfiguration struct {
	FunctionName               string               `json:"FunctionName"`
	FunctionArn                string               `json:"FunctionArn"`
	Runtime                    string               `json:"Runtime,omitempty"`
	Role                       string               `json:"Role"`
	Handler                    string               `json:"Handler,omitempty"`
	CodeSize                   int64                `json:"CodeSize"`
	Description                string               `json:"Description"`
	Timeout                    int                  `json:"Timeout"`
	MemorySize                 int                  `json:"MemorySize"`
	LastModified               string               `json:"LastModified"`
	CodeSha256                 string               `json:"CodeSha256"`
	Version                    string               `json:"Version"`
	Environment                *EnvironmentResponse `json:"Environment,omitempty"`
	TracingConfig              *TracingConfig       `json:"TracingConfig,omitempty"`
	RevisionId                 string               `json:"RevisionId"`
	State                      string               `json:"State,omitempty"`
	StateReason                string               `json:"StateReason,omitempty"`
	StateReasonCode            string               `json:"StateReasonCode,omitempty"`
	LastUpdateStatus           string               `json:"LastUpdateStatus,omitempty"`
	LastUpdateStatusReason     string               `json:"LastUpdateStatusReason,omitempty"`
	LastUpdateStatusReasonCode string               `json:"LastUpdateStatusReasonCode,omitempty"`
	PackageType                string               `json:"PackageType"`
	Architectures              []string             `json:"Architectures"`
	EphemeralStorage           *EphemeralStorage    `json:"EphemeralStorage,omitempty"`
	SnapStart                  *SnapStartResponse   `json:"SnapStart,omitempty"`
	LoggingConfig              *LoggingConfig       `json:"LoggingConfig,omitempty"`
}

// lambdaTime is LastModified's format: 2024-01-02T15:04:05.000+0000.
func lambdaTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-0700") }

func (f *function) config(v *version) *FunctionConfiguration {
	c := &FunctionConfiguration{
		FunctionName:     f.Name,
		FunctionArn:      f.arn(),
		Runtime:          v.Runtime,
		Role:             v.Role,
		Handler:          v.Handler,
		CodeSize:         v.CodeSize,
		Description:      v.Description,
		Timeout:          v.Timeout,
		MemorySize:       v.MemorySize,
		LastModified:     lambdaTime(v.LastModified),
		CodeSha256:       v.CodeSha256,
		Version:          v.Version,
		TracingConfig:    &TracingConfig{Mode: "PassThrough"},
		RevisionId:       v.RevisionID,
		State:            "Active",
		LastUpdateStatus: "Successful",
		PackageType:      "Zip",
		Architectures:    v.Architectures,
		EphemeralStorage: &EphemeralStorage{Size: v.Ephemeral},
		SnapStart:        &SnapStartResponse{ApplyOn: "None", OptimizationStatus: "Off"},
		LoggingConfig:    &LoggingConfig{LogFormat: "Text", LogGroup: "/aws/lambda/" + f.Name},
	}
	if v.Version != "$LATEST" {
		c.FunctionArn += ":" + v.Version
	}
	if len(v.Env) > 0 {
		c.Environment = &EnvironmentResponse{Variables: v.Env}
	}
	return c
}
