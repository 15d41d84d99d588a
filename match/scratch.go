package match

import "slices"

// scratch is the per-search accumulator: a score per profile and the list of
// profiles touched, so that resetting and ranking cost what the search
// touched, not the size of the pool.
type scratch struct {
	score   []float64
	touched []int32
}

func (s *scratch) reset() {
	for _, d := range s.touched {
		s.score[d] = 0
	}
	s.touched = s.touched[:0]
}

func (s *scratch) add(ps []posting, weight float64) {
	for _, p := range ps {
		if s.score[p.doc] == 0 {
			s.touched = append(s.touched, p.doc)
		}
		s.score[p.doc] += weight * float64(p.w)
	}
}

// top returns the k best-scoring profiles that keep accepts (nil: all),
// best first; equal scores go to the lower index, that is the lower ID.
func (s *scratch) top(k int, keep func(doc int32) bool) []int32 {
	if k <= 0 {
		return nil
	}
	var top []int32
	better := func(a, b int32) bool {
		return s.score[a] > s.score[b] || s.score[a] == s.score[b] && a < b
	}
	for _, d := range s.touched {
		if s.score[d] <= 0 || keep != nil && !keep(d) {
			continue
		}
		if len(top) == k && !better(d, top[k-1]) {
			continue
		}
		i, _ := slices.BinarySearchFunc(top, d, func(t, d int32) int {
			if better(t, d) {
				return -1
			}
			return 1
		})
		if len(top) == k {
			top = top[:k-1]
		}
		top = slices.Insert(top, i, d)
	}
	return top
}
