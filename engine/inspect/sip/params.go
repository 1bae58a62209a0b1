package sip

import "github.com/sara-lb/sara/engine/inspect/internal/lex"

// skipAddr returns the index in v just after the name-addr or addr-spec
// of a From/To/Contact value (past the closing '>' when there is one,
// quoted display names skipped), or -1 for an unterminated quote or '<'.
func skipAddr(v []byte) int {
	inQuote, lt := false, -1
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '<':
			lt = i
		case c == '>' && lt >= 0:
			return i + 1
		case c == ';' && lt < 0:
			return i // addr-spec form: header params start here
		}
	}
	if inQuote || lt >= 0 {
		return -1
	}
	return len(v)
}

// param returns the value of parameter name (lower case) among the
// ";name=value" parameters in v, which stop at a ',' (next header value).
// LWS around names, '=' and values is allowed. found=false if absent.
func param(v []byte, name string) (val []byte, found bool) {
	for len(v) > 0 {
		// v starts at a ';' or at the text before the first one.
		i := 0
		for i < len(v) && v[i] != ';' && v[i] != ',' {
			if v[i] == '"' {
				for i++; i < len(v) && v[i] != '"'; i++ {
					if v[i] == '\\' {
						i++
					}
				}
			}
			i++
		}
		if i >= len(v) || v[i] == ',' {
			return nil, false
		}
		v = v[i+1:]
		j := 0
		for j < len(v) && v[j] != ';' && v[j] != ',' {
			j++
		}
		p := v[:j]
		k, val, hasEq := lex.Cut(p, '=')
		if lex.EqualFold(lex.TrimLWS(k), name) {
			if !hasEq {
				return nil, true
			}
			return lex.TrimLWS(val), true
		}
		v = v[j:]
	}
	return nil, false
}

// tagOf returns the tag parameter of a From or To value; ok=false when
// the value is malformed (unterminated quote or angle bracket).
func tagOf(v []byte) (tag []byte, ok bool) {
	i := skipAddr(v)
	if i < 0 {
		return nil, false
	}
	t, _ := param(v[i:], "tag")
	return t, true
}
