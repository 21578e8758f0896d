// Package iam is nimbus's IAM and STS control plane: roles with their trust
// policies, inline and managed policies and their attachments, users and
// their access keys (IAM, API 2010-05-08), and the caller's identity,
// AssumeRole and GetSessionToken (STS, API 2011-06-15). Both speak awsQuery
// (internal/protocol/query).
//
// IAM is global: entities live per account, whatever region a request was
// signed for. Everything is kept in storage under the "iam/" prefix:
//
//	iam/<account>/role/<lower(name)>  role: trust policy, inline policies, attached ARNs, tags
//	iam/<account>/pol/<lower(name)>   customer managed policy with its versions
//	iam/<account>/user/<lower(name)>  user with its access keys
//
// Names are keys in lower case because IAM names are unique regardless of
// case; records keep the name as written. AWS managed policies
// (arn:aws:iam::aws:policy/...) are a fixed catalogue in the binary.
//
// Access keys created by CreateAccessKey are registered in the
// credentials.Store (so strict-mode requests signed with them verify) and
// registered again when the service starts over the same storage. STS
// credentials are issued through credentials.Store.Issue and live in memory,
// as temporary credentials should.
//
// Policies are parsed and validated (internal/iam/policy) with IAM's
// messages, but not enforced: deciding requests is a later step.
package iam
