package linetest

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// SpecEnv names the environment variable that points at LINE's messaging-api.yml.
const SpecEnv = "LINE_OPENAPI_SPEC"

// spec is LINE's OpenAPI document, prepared for validating requests to the fake.
type spec struct {
	doc    *openapi3.T
	router routers.Router
}

// specFormat holds the options of every validation; set per validation, they leave other users of
// kin-openapi in the process alone.
var specFormat = []openapi3.SchemaValidationOption{
	// Error messages name the failing property; the schema dump would drown it.
	openapi3.DisableSchemaErrorDetails(),
	// kin-openapi leaves these formats unchecked unless told how.
	openapi3.WithStringFormatValidator("uuid", openapi3.NewCallbackValidator(checkUUID)),
	openapi3.WithStringFormatValidator("uri", openapi3.NewCallbackValidator(checkURI)),
}

// messagingAPI is LINE's messaging-api.yml (line/line-openapi, Apache-2.0: testdata/openapi holds its LICENSE
// and SOURCE), built into the fake so that it needs nothing outside the repository.
//
//go:embed testdata/openapi/messaging-api.yml
var messagingAPI []byte

// messagingSpec returns messaging-api.yml, ready: the one at $LINE_OPENAPI_SPEC when set, else the built-in
// copy. Tests create many servers; the 6,000-line spec is read once per process.
var messagingSpec = sync.OnceValues(func() (*spec, error) {
	name, data, err := specData()
	if err != nil {
		return nil, err
	}
	return loadSpec(name, data)
})

// specData returns the name and text of messaging-api.yml: $LINE_OPENAPI_SPEC's file when the variable is
// set (a newer spec, say), else the copy built into the package.
func specData() (name string, data []byte, err error) {
	p := os.Getenv(SpecEnv)
	if p == "" {
		return "testdata/openapi/messaging-api.yml", messagingAPI, nil
	}
	data, err = os.ReadFile(p)
	if err != nil {
		return "", nil, fmt.Errorf("linetest: LINE's OpenAPI spec: %w (from $%s)", err, SpecEnv)
	}
	return p, data, nil
}

func loadSpec(path string, data []byte) (*spec, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("linetest: loading %s: %w", path, err)
	}
	// The spec names https://api.line.me (and api-data.line.me for blobs); the fake serves every path on its
	// own loopback host, so routing goes by path alone.
	doc.Servers = nil
	for _, item := range doc.Paths.Map() {
		item.Servers = nil
	}
	if err := polymorphic(doc); err != nil {
		return nil, fmt.Errorf("linetest: preparing %s: %w", path, err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("linetest: routing %s: %w", path, err)
	}
	return &spec{doc: doc, router: router}, nil
}

// validate checks a request against the spec: path and query parameters, headers and body. The bearer
// token is checked by the server itself, so the spec's security requirement is waved through.
func (s *spec) validate(r *http.Request, route *routers.Route, params map[string]string, body []byte) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		body = withoutNulls(body)
	}
	req := r.Clone(context.Background())
	for k, v := range req.Header {
		// The SDK sends "X-Line-Retry-Key:" empty when there is no key; LINE takes an empty header as absent.
		if len(v) == 1 && v[0] == "" {
			delete(req.Header, k)
		}
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:              true,
			SkipSettingDefaults:     true,
			AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
			SchemaValidationOptions: specFormat,
		},
	})
}

// withoutNulls drops the null members of JSON objects. LINE's servers read null as absent, and the SDK
// relies on it (PushMessageRequest always sends "customAggregationUnits": null), while the spec, taken
// literally, says an array may not be null. A required member sent as null is still missing.
func withoutNulls(body []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return body // the validator reports the syntax error
	}
	var strip func(v any)
	strip = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if x == nil {
					delete(v, k)
				}
				strip(x)
			}
		case []any:
			for _, x := range v {
				strip(x)
			}
		}
	}
	strip(v)
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

// problem turns a validation error into LINE's error answer: a message and one detail per failing value.
func problem(err error) (string, []detail) {
	details := leaves(err)
	for _, e := range flatten(err) {
		var re *openapi3filter.RequestError
		if errors.As(e, &re) && re.Parameter != nil {
			return fmt.Sprintf("The value for the '%s' %s is invalid", re.Parameter.Name, re.Parameter.In), details
		}
	}
	return fmt.Sprintf("The request body has %d error(s)", len(details)), details
}

func flatten(err error) []error {
	if me, ok := err.(openapi3.MultiError); ok {
		var out []error
		for _, e := range me {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// leaves finds the innermost schema errors: kin-openapi nests them in oneOf/allOf errors whose own message
// only says "doesn't match schema". Each leaf carries the full path to the failing value.
func leaves(err error) []detail {
	switch e := err.(type) {
	case openapi3.MultiError:
		var out []detail
		for _, x := range e {
			out = append(out, leaves(x)...)
		}
		return out
	case *openapi3filter.RequestError:
		if e.Err == nil {
			return []detail{{Message: e.Reason}}
		}
		out := leaves(e.Err)
		if e.Parameter != nil {
			for i := range out {
				out[i].Property = e.Parameter.Name
			}
		}
		return out
	case *openapi3.SchemaError:
		var inner *openapi3.SchemaError
		if errors.As(e.Origin, &inner) {
			var me openapi3.MultiError
			if errors.As(e.Origin, &me) {
				return leaves(me)
			}
			return leaves(inner)
		}
		reason := e.Reason
		if reason == "" {
			reason = fmt.Sprintf("does not match the schema's %q", e.SchemaField)
		}
		return []detail{{Message: reason, Property: property(e.JSONPointer())}}
	}
	if u := errors.Unwrap(err); u != nil {
		return leaves(u)
	}
	return []detail{{Message: err.Error()}}
}

// property writes a JSON pointer the way LINE names properties: messages[0].quickReply.items[2].action.
func property(pointer []string) string {
	var b strings.Builder
	for _, p := range pointer {
		if _, err := strconv.Atoi(p); err == nil {
			fmt.Fprintf(&b, "[%s]", p)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

var uuidPattern = regexp.MustCompile(openapi3.FormatOfStringForUUIDOfRFC9562)

func checkUUID(s string) error {
	if !uuidPattern.MatchString(s) {
		return errors.New("not a UUID such as 123e4567-e89b-12d3-a456-426614174000")
	}
	return nil
}

func checkURI(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return err
	case u.Scheme == "":
		return errors.New("not an absolute URI")
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host == "":
		return errors.New("no host")
	}
	return nil
}

// polymorphic makes kin-openapi check subtypes. LINE's spec models a message, action, Flex component, … as a
// base schema with a discriminator and no oneOf; each subtype inherits with allOf: [Base]. kin-openapi follows
// a discriminator only inside oneOf/anyOf, so a property typed Message would be checked against the base
// alone and a text message without text would pass. For every such base this builds a oneOf over its
// discriminator mapping and points each use of the base at it, except the allOf entries through which the
// subtypes inherit (those keep the plain base, which also ends the recursion).
func polymorphic(doc *openapi3.T) error {
	const prefix = "#/components/schemas/"
	dispatch := map[*openapi3.Schema]*openapi3.Schema{}
	for _, ref := range doc.Components.Schemas {
		base := ref.Value
		d := base.Discriminator
		if d == nil || len(d.Mapping) == 0 || len(base.OneOf) > 0 || len(base.AnyOf) > 0 {
			continue
		}
		oneOf := &openapi3.Schema{Discriminator: d}
		for _, key := range slices.Sorted(maps.Keys(d.Mapping)) {
			target := d.Mapping[key].Ref
			sub := doc.Components.Schemas[strings.TrimPrefix(target, prefix)]
			if !strings.HasPrefix(target, prefix) || sub == nil || sub.Value == nil {
				return fmt.Errorf("discriminator mapping %q: %q is not a component schema", key, target)
			}
			oneOf.OneOf = append(oneOf.OneOf, &openapi3.SchemaRef{Ref: target, Value: sub.Value})
		}
		dispatch[base] = oneOf
	}

	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef, inherit bool) *openapi3.SchemaRef
	walk = func(ref *openapi3.SchemaRef, inherit bool) *openapi3.SchemaRef {
		if ref == nil || ref.Value == nil {
			return ref
		}
		if d, ok := dispatch[ref.Value]; ok && !inherit {
			ref = &openapi3.SchemaRef{Ref: ref.Ref, Value: d}
		}
		s := ref.Value
		if seen[s] {
			return ref
		}
		seen[s] = true
		for name, p := range s.Properties {
			s.Properties[name] = walk(p, false)
		}
		s.Items = walk(s.Items, false)
		s.AdditionalProperties.Schema = walk(s.AdditionalProperties.Schema, false)
		s.Not = walk(s.Not, false)
		for i, x := range s.OneOf {
			s.OneOf[i] = walk(x, false)
		}
		for i, x := range s.AnyOf {
			s.AnyOf[i] = walk(x, false)
		}
		for i, x := range s.AllOf {
			s.AllOf[i] = walk(x, true)
		}
		return ref
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range append(item.Parameters, op.Parameters...) {
				if p.Value != nil {
					p.Value.Schema = walk(p.Value.Schema, false)
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, media := range op.RequestBody.Value.Content {
					media.Schema = walk(media.Schema, false)
				}
			}
		}
	}
	return nil
}
