package match

// categories lists the field codes of the talent pool in the order a
// clarifying question offers them: the problems owners bring most first.
var categories = []struct{ code, label string }{
	{"marketing", "集客・PR"},
	{"ec", "ネット販売"},
	{"sales", "営業・販路開拓"},
	{"branding", "ブランド・デザイン"},
	{"product", "商品開発"},
	{"tourism", "観光"},
	{"it_dx", "IT・デジタル化"},
	{"finance", "資金・補助金・会計"},
	{"hr", "採用・人材育成"},
	{"succession", "事業承継"},
	{"strategy", "経営戦略"},
	{"logistics", "物流・生産管理"},
	{"overseas", "海外展開"},
	{"legal", "法務・知財"},
}

// Categories returns the known field codes in the order a clarifying question
// should offer them.
func Categories() []string {
	codes := make([]string, len(categories))
	for i, c := range categories {
		codes[i] = c.code
	}
	return codes
}

// CategoryLabel returns a short Japanese label for a field code, fit for a
// LINE quick-reply button (20 characters at most). An unknown code is
// returned as it is.
func CategoryLabel(code string) string {
	for _, c := range categories {
		if c.code == code {
			return c.label
		}
	}
	return code
}

// categoryRank orders codes as Categories does; unknown codes go last.
func categoryRank(code string) int {
	for i, c := range categories {
		if c.code == code {
			return i
		}
	}
	return len(categories)
}
