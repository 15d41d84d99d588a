package line

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// DefaultBaseURL is LINE's API endpoint.
const DefaultBaseURL = "https://api.line.me"

// maxIdleConns is how many connections to LINE stay open between calls:
// as many as turns and jobs send at once, so that a busy minute is not a
// TLS handshake per reply (net/http keeps 2 by default).
const maxIdleConns = 64

// Client sends messages through the LINE Messaging API. It is safe for
// concurrent use.
type Client struct {
	token   string
	baseURL string
	http    *http.Client
}

// NewClient returns a client for the channel access token. An empty baseURL
// means DefaultBaseURL; a nil httpClient, one with a 10-second timeout that
// keeps up to maxIdleConns connections to LINE open.
func NewClient(token, baseURL string, httpClient *http.Client) *Client {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	if httpClient == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = maxIdleConns
		httpClient = &http.Client{Timeout: 10 * time.Second, Transport: t}
	}
	return &Client{token: token, baseURL: baseURL, http: httpClient}
}

// api builds an SDK client for one call. The SDK's WithContext sets a field
// on the client it is called on, so a shared client would race; one per call
// around the shared http.Client costs a URL parse.
func (c *Client) api(ctx context.Context) (*messaging_api.MessagingApiAPI, error) {
	api, err := messaging_api.NewMessagingApiAPI(c.token,
		messaging_api.WithEndpoint(c.baseURL),
		messaging_api.WithHTTPClient(c.http))
	if err != nil {
		return nil, fmt.Errorf("line client: %w", err)
	}
	return api.WithContext(ctx), nil
}

// Reply answers an event with its reply token.
func (c *Client) Reply(ctx context.Context, replyToken string, msgs []messaging_api.MessageInterface) error {
	api, err := c.api(ctx)
	if err != nil {
		return err
	}
	res, _, err := api.ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{ReplyToken: replyToken, Messages: msgs})
	return apiError("reply", res, err)
}

// Push sends messages to a user. Pushing again with the same retryKey (a
// UUID) within 24 hours sends nothing twice: LINE answers 409, which Push
// reports as success.
func (c *Client) Push(ctx context.Context, to string, msgs []messaging_api.MessageInterface, retryKey string) error {
	api, err := c.api(ctx)
	if err != nil {
		return err
	}
	res, _, err := api.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: to, Messages: msgs}, retryKey)
	if res != nil && res.StatusCode == http.StatusConflict {
		res.Body.Close()
		return nil // already accepted under this retry key
	}
	return apiError("push", res, err)
}

// APIError is an answer from LINE other than 2xx.
type APIError struct {
	Op         string // "reply" or "push"
	StatusCode int
	RetryAfter time.Duration // from a 429's Retry-After, if any
	Message    string        // the SDK's error, with LINE's answer
}

func (e *APIError) Error() string {
	return fmt.Sprintf("line %s: status %d: %s", e.Op, e.StatusCode, e.Message)
}

// apiError closes the response and turns a failed call into an error: an
// *APIError when LINE answered, the transport's error otherwise. A 2xx is
// success even when its body does not decode: the message was sent.
func apiError(op string, res *http.Response, err error) error {
	if res == nil {
		return fmt.Errorf("line %s: %w", op, err) // no answer: transport error or time-out
	}
	res.Body.Close()
	if res.StatusCode/100 == 2 {
		return nil
	}
	e := &APIError{Op: op, StatusCode: res.StatusCode, Message: err.Error()}
	if s, perr := strconv.Atoi(res.Header.Get("Retry-After")); perr == nil && s > 0 {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	return e
}

// rawMessage is a message already rendered to JSON (a stored push job's),
// sent as it is.
type rawMessage json.RawMessage

func (m rawMessage) MarshalJSON() ([]byte, error) { return m, nil }

// GetType is required by messaging_api.MessageInterface; the type is inside
// the JSON.
func (rawMessage) GetType() string { return "" }
