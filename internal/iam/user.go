package iam

import (
	"context"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/credentials"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// userRec is a stored user with its access keys (at most two, so they
// live in the user's record).
type userRec struct {
	Path    string
	Name    string
	ID      string
	Created time.Time
	Tags    []Tag
	Keys    []keyRec
}

type keyRec struct {
	ID      string
	Secret  string
	Status  string // Active or Inactive
	Created time.Time
}

// User is a user as IAM returns it.
type User struct {
	Path       string    `xml:"Path,omitempty"` // absent for the root user, as IAM
	UserName   string    `xml:"UserName,omitempty"`
	UserId     string    `xml:"UserId"`
	Arn        string    `xml:"Arn"`
	CreateDate time.Time `xml:"CreateDate"`
	Tags       []Tag     `xml:"Tags>member"`
}

func userARN(account, path, name string) string {
	return "arn:aws:iam::" + account + ":user" + path + name
}

func (u *userRec) wire(account string, tags bool) *User {
	out := &User{Path: u.Path, UserName: u.Name, UserId: u.ID, Arn: userARN(account, u.Path, u.Name), CreateDate: u.Created}
	if tags && len(u.Tags) > 0 {
		out.Tags = u.Tags
	}
	return out
}

func (u *userRec) credential(account string, k keyRec) credentials.Key {
	return credentials.Key{AccessKey: k.ID, Secret: k.Secret, Account: account, Principal: userARN(account, u.Path, u.Name)}
}

func loadUser(r storage.Reader, account, name string) (*userRec, error) {
	rec := new(userRec)
	ok, err := getJSON(r, entityKey(account, "user", name), rec)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, noSuchUser(name)
	}
	return rec, nil
}

// loadKeys registers every stored, active access key, so keys made before
// a restart still sign requests.
func (s *Service) loadKeys(ctx context.Context) error {
	if s.kv == nil {
		return nil
	}
	return s.kv.View(ctx, func(r storage.Reader) error {
		it := r.Iter(storage.IterOptions{Lower: []byte(kvRoot), Upper: []byte("iam0")})
		defer it.Close()
		var users []struct {
			account string
			rec     *userRec
		}
		for it.Next() {
			rest := string(it.Key()[len(kvRoot):])
			account, kind, ok := strings.Cut(rest, "/")
			if !ok || !strings.HasPrefix(kind, "user/") {
				continue
			}
			rec := new(userRec)
			if err := jsonUnmarshal(it.Value(), rec); err != nil {
				return err
			}
			users = append(users, struct {
				account string
				rec     *userRec
			}{account, rec})
		}
		if err := it.Err(); err != nil {
			return err
		}
		for _, u := range users {
			for _, k := range u.rec.Keys {
				if k.Status == "Active" {
					s.keys.Add(u.rec.credential(u.account, k))
				}
			}
		}
		return nil
	})
}

type CreateUserInput struct {
	Path                *string
	UserName            *string
	PermissionsBoundary *string
	Tags                []Tag
}

type userOutput struct {
	User *User `xml:"User"`
}

func (s *Service) createUser(ctx context.Context, in *CreateUserInput) (*userOutput, error) {
	var v validation
	v.str(in.Path, "path", false, 1, 512, rePath, rePathShown)
	v.str(in.UserName, "userName", true, 1, 64, reName, reNameShown)
	validateTags(&v, in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	if len(in.Tags) > maxTagsPerEntity {
		return nil, limitExceeded("Cannot exceed quota for TagsPerUser: %d", maxTagsPerEntity)
	}
	if err := checkDuplicateTagKeys(in.Tags); err != nil {
		return nil, err
	}
	if in.PermissionsBoundary != nil {
		return nil, invalidInput("Permissions boundaries are not supported by nimbus yet.")
	}
	account := request.From(ctx).Account
	rec := &userRec{Path: "/", Name: *in.UserName, ID: newID("AIDA", 21), Created: s.now().UTC().Truncate(time.Second), Tags: in.Tags}
	if in.Path != nil {
		rec.Path = *in.Path
	}
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		key := entityKey(account, "user", rec.Name)
		if _, err := tx.Get(key); err == nil {
			return entityExists("User with name %s already exists.", rec.Name)
		}
		n := 0
		if err := scan(tx, entityPrefix(account, "user"), "", func(string, *struct{}) bool { n++; return true }); err != nil {
			return err
		}
		if n >= maxUsersPerAccount {
			return limitExceeded("Cannot exceed quota for UsersPerAccount: %d", maxUsersPerAccount)
		}
		return setJSON(tx, key, rec)
	})
	if err != nil {
		return nil, err
	}
	return &userOutput{User: rec.wire(account, true)}, nil
}

type optionalUserInput struct {
	UserName *string
}

// callerUser returns the name of the IAM user whose key signed the
// request, or "" (root, assumed roles).
func (s *Service) callerUser(ctx context.Context) string {
	info := request.From(ctx)
	k, ok := s.keys.Lookup(info.AccessKey)
	if !ok {
		return ""
	}
	prefix := "arn:aws:iam::" + info.Account + ":user/"
	if !strings.HasPrefix(k.Principal, prefix) {
		return ""
	}
	return k.Principal[strings.LastIndexByte(k.Principal, '/')+1:]
}

func (s *Service) getUser(ctx context.Context, in *optionalUserInput) (*userOutput, error) {
	var v validation
	v.str(in.UserName, "userName", false, 1, 128, reName, reNameShown)
	if err := v.err(); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	name := s.callerUser(ctx)
	if in.UserName != nil {
		name = *in.UserName
	}
	if name == "" {
		// Root: IAM describes the account's root user.
		return &userOutput{User: &User{UserId: account, Arn: "arn:aws:iam::" + account + ":root", CreateDate: time.Unix(0, 0).UTC()}}, nil
	}
	var out *User
	err := s.kv.View(ctx, func(r storage.Reader) error {
		rec, err := loadUser(r, account, name)
		if err != nil {
			return err
		}
		out = rec.wire(account, true)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &userOutput{User: out}, nil
}

type ListUsersInput struct {
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

type ListUsersOutput struct {
	Users       []*User `xml:"Users>member"`
	IsTruncated bool    `xml:"IsTruncated"`
	Marker      *string `xml:"Marker"`
}

func (s *Service) listUsers(ctx context.Context, in *ListUsersInput) (*ListUsersOutput, error) {
	var v validation
	v.str(in.PathPrefix, "pathPrefix", false, 1, 512, rePrefix, rePrefixShown)
	limit := v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	after, err := decodeMarker(in.Marker)
	if err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	out := &ListUsersOutput{Users: []*User{}}
	err = s.kv.View(ctx, func(r storage.Reader) error {
		last := ""
		return scan(r, entityPrefix(account, "user"), after, func(key string, rec *userRec) bool {
			if in.PathPrefix != nil && !strings.HasPrefix(rec.Path, *in.PathPrefix) {
				return true
			}
			if len(out.Users) == limit {
				out.IsTruncated = true
				m := encodeMarker(last)
				out.Marker = &m
				return false
			}
			out.Users = append(out.Users, rec.wire(account, false))
			last = key
			return true
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

type userNameInput struct {
	UserName *string
}

func (s *Service) deleteUser(ctx context.Context, in *userNameInput) (*struct{}, error) {
	var v validation
	v.str(in.UserName, "userName", true, 1, 128, reName, reNameShown)
	if err := v.err(); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	return nil, s.kv.Update(ctx, func(tx storage.Tx) error {
		rec, err := loadUser(tx, account, *in.UserName)
		if err != nil {
			return err
		}
		if len(rec.Keys) > 0 {
			return deleteConflict("Cannot delete entity, must delete access keys first.")
		}
		return tx.Delete(entityKey(account, "user", rec.Name))
	})
}

// AccessKey is a new access key, with its secret (shown once).
type AccessKey struct {
	UserName        string    `xml:"UserName"`
	AccessKeyId     string    `xml:"AccessKeyId"`
	Status          string    `xml:"Status"`
	SecretAccessKey string    `xml:"SecretAccessKey"`
	CreateDate      time.Time `xml:"CreateDate"`
}

type CreateAccessKeyOutput struct {
	AccessKey *AccessKey `xml:"AccessKey"`
}

func (s *Service) createAccessKey(ctx context.Context, in *optionalUserInput) (*CreateAccessKeyOutput, error) {
	var v validation
	v.str(in.UserName, "userName", false, 1, 128, reName, reNameShown)
	if err := v.err(); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	name := s.callerUser(ctx)
	if in.UserName != nil {
		name = *in.UserName
	}
	if name == "" {
		// Root access keys are made in the console, not through the API
		// nimbus offers; say which user to create one for.
		return nil, invalidInput("Creating access keys for the root user is not supported; give UserName.")
	}
	var out *AccessKey
	var cred credentials.Key
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		rec, err := loadUser(tx, account, name)
		if err != nil {
			return err
		}
		if len(rec.Keys) >= maxKeysPerUser {
			return limitExceeded("Cannot exceed quota for AccessKeysPerUser: %d", maxKeysPerUser)
		}
		k := keyRec{ID: newID("AKIA", 20), Secret: newSecret(), Status: "Active", Created: s.now().UTC().Truncate(time.Second)}
		rec.Keys = append(rec.Keys, k)
		if err := setJSON(tx, entityKey(account, "user", rec.Name), rec); err != nil {
			return err
		}
		cred = rec.credential(account, k)
		out = &AccessKey{UserName: rec.Name, AccessKeyId: k.ID, Status: k.Status, SecretAccessKey: k.Secret, CreateDate: k.Created}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.keys.Add(cred) // registered once stored, so it signs from now on
	return &CreateAccessKeyOutput{AccessKey: out}, nil
}

type ListAccessKeysInput struct {
	UserName *string
	Marker   *string
	MaxItems *int32
}

type AccessKeyMetadata struct {
	UserName    string    `xml:"UserName"`
	AccessKeyId string    `xml:"AccessKeyId"`
	Status      string    `xml:"Status"`
	CreateDate  time.Time `xml:"CreateDate"`
}

type ListAccessKeysOutput struct {
	AccessKeyMetadata []AccessKeyMetadata `xml:"AccessKeyMetadata>member"`
	IsTruncated       bool                `xml:"IsTruncated"`
	Marker            *string             `xml:"Marker"`
}

func (s *Service) listAccessKeys(ctx context.Context, in *ListAccessKeysInput) (*ListAccessKeysOutput, error) {
	var v validation
	v.str(in.UserName, "userName", false, 1, 128, reName, reNameShown)
	limit := v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	name := s.callerUser(ctx)
	if in.UserName != nil {
		name = *in.UserName
	}
	out := &ListAccessKeysOutput{AccessKeyMetadata: []AccessKeyMetadata{}}
	if name == "" {
		return out, nil // root's keys are not IAM's to list here
	}
	var all []AccessKeyMetadata
	err := s.kv.View(ctx, func(r storage.Reader) error {
		rec, err := loadUser(r, account, name)
		if err != nil {
			return err
		}
		for _, k := range rec.Keys {
			all = append(all, AccessKeyMetadata{UserName: rec.Name, AccessKeyId: k.ID, Status: k.Status, CreateDate: k.Created})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(all))
	for i, k := range all {
		ids[i] = k.AccessKeyId
	}
	from, p, err := page(ids, in.Marker, limit)
	if err != nil {
		return nil, err
	}
	out.AccessKeyMetadata = append(out.AccessKeyMetadata, all[from:from+len(p.items)]...)
	out.IsTruncated, out.Marker = p.truncated, p.marker
	return out, nil
}

type DeleteAccessKeyInput struct {
	UserName    *string
	AccessKeyId *string
}

func (s *Service) deleteAccessKey(ctx context.Context, in *DeleteAccessKeyInput) (*struct{}, error) {
	var v validation
	v.str(in.UserName, "userName", false, 1, 128, reName, reNameShown)
	v.str(in.AccessKeyId, "accessKeyId", true, 16, 128, reKeyID, reKeyIDShown)
	if err := v.err(); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	name := s.callerUser(ctx)
	if in.UserName != nil {
		name = *in.UserName
	}
	if name == "" {
		return nil, noSuchEntity("The Access Key with id %s cannot be found.", *in.AccessKeyId)
	}
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		rec, err := loadUser(tx, account, name)
		if err != nil {
			return err
		}
		for i, k := range rec.Keys {
			if k.ID == *in.AccessKeyId {
				rec.Keys = append(rec.Keys[:i], rec.Keys[i+1:]...)
				return setJSON(tx, entityKey(account, "user", rec.Name), rec)
			}
		}
		return noSuchEntity("The Access Key with id %s cannot be found.", *in.AccessKeyId)
	})
	if err != nil {
		return nil, err
	}
	s.keys.Remove(*in.AccessKeyId)
	return nil, nil
}
