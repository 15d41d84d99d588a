// Package match suggests remote professionals for a problem a business owner
// describes in everyday Japanese.
//
// Owners write 「グーグルマップで店が出てこない」; profiles say 「MEO対策」.
// A search therefore runs in three steps:
//
//  1. Normalise the text (NFKC, case, kana, long vowels; normalize.go).
//  2. Understand it: the lexicon (lexicon.tsv, reviewable by programme
//     staff) maps everyday phrases to skills and fields, and its word
//     groups (@お金 × @苦しい) cover every combination of everyday words
//     for one need; a word of a line found without the rest of its line
//     still leans weakly to the line's field (lean.go); the need an owner
//     stresses leads, a wish told last after how things stand counts
//     more, and the one set aside or told as background counts less
//     (segment.go, stressLift); kagome adds the content words for
//     whatever the lexicon does not know. Where the lexicon heard little
//     (less than two clear phrases), naive Bayes classifiers trained on
//     the programme's labelled owner messages (learned.go) add the field
//     and key skills their character n-grams and words point to, fully
//     when nothing was heard, half after one clear phrase, so that a need
//     told in words no line pairs (荷物の送り方を見直したい) still finds
//     the field's professionals; they never raise Confidence.
//  3. Rank the pool with BM25F over skills, fields and profile words
//     (index.go), and explain each suggestion in Japanese (search.go).
//
// Every text that is not blank is ranked. When it says too little
// (「困ってます」), Result.Confidence is below 0.5 (Confident is false): the
// candidates are only a guess, and the conversation should ask which field
// the problem is in, offering Categories with CategoryLabel, then call
// SearchCategory.
//
// Quality is measured on testdata/suggest (TestEvaluation) and speed by
// the benchmarks in bench_test.go, against a character-bigram BM25 baseline.
package match
