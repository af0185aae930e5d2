// Renders Go text/templates the way Argo CD's ApplicationSet controller does with goTemplate:
// text/template with the ApplicationSet's goTemplateOptions, one template per string field,
// executed against one generator's parameters. (The controller also offers Sprig's functions;
// the templates under test use none.)
//
// Reads {"options": [...], "cases": [{"template": "...", "params": {...}}]} on stdin and writes
// one {"text": "..."} or {"error": "..."} per case, in order, on stdout.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"
)

type input struct {
	Options []string `json:"options"`
	Cases   []struct {
		Template string         `json:"template"`
		Params   map[string]any `json:"params"`
	} `json:"cases"`
}

type result struct {
	Text  *string `json:"text,omitempty"`
	Error string  `json:"error,omitempty"`
}

func render(options []string, source string, params map[string]any) (text string, err error) {
	// Option panics on an option it does not know; the controller fails the ApplicationSet.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	t, err := template.New("").Option(options...).Parse(source)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.Execute(&b, params); err != nil {
		return "", err
	}
	return b.String(), nil
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := make([]result, len(in.Cases))
	for i, c := range in.Cases {
		if text, err := render(in.Options, c.Template, c.Params); err != nil {
			out[i].Error = err.Error()
		} else {
			out[i].Text = &text
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
