// Package understand reads what people type to the bot: what they want (an
// Intent, with a confidence) and the details they gave (dates, times, list
// positions, venue or online, names, company, phone and e-mail), and finds
// the FAQ entry that answers a question by meaning.
//
// People rarely type the button labels: they write 「セミナーに参加したいのですが」,
// 「三つ目で」, 「リモートで見ます」 or 「やめときます」. Read turns such a message
// into a Reading that flows can act on; ReadAnswer does the same for the answer
// to a free-text question (name, company, contact), so that 「やめときます」 at
// the name question stops the flow instead of becoming a name.
//
// The knowledge lives in tables that programme staff can review:
// phrases.tsv (everyday phrases → intents, question topics and attendance) and
// concepts.tsv (words that mean the same thing, for the FAQ). The code holds
// only the small rule sets for dates, times, positions, names and contacts.
//
// Readings carry a Score; when it is under the threshold Sure is false and the
// caller asks one short yes/no question instead of guessing. A message that
// describes a business problem stays a BusinessProblem by default.
//
// Accuracy is measured on labelled messages (eval_test.go): eval.jsonl was
// written before any tuning; fresh*.jsonl and final*.jsonl were each written
// after a round of tuning and scored once before the next; final8.jsonl was
// written after the last round and never tuned on. The FAQ is measured on
// faq.csv with faq_*.jsonl (faq_test.go), speed by bench_test.go.
package understand
