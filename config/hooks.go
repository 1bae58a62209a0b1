package config

import (
	"fmt"
	"math"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
)

var (
	addrType     = reflect.TypeOf(netip.Addr{})
	durationType = reflect.TypeOf(time.Duration(0))
)

// decodeHook converts what YAML and the environment give (strings, ints,
// floats) into the schema's types, with messages that name the bad value.
// Environment values are always strings: lists are comma-separated.
func decodeHook() mapstructure.DecodeHookFunc {
	return mapstructure.ComposeDecodeHookFunc(
		addrHook,
		mapstructure.TextUnmarshallerHookFunc(), // MAC
		durationHook,
		mapstructure.StringToWeakSliceHookFunc(","),
		scalarHook,
	)
}

// addrHook parses a string into a netip.Addr; "" is the zero (absent) address.
func addrHook(f, t reflect.Type, data any) (any, error) {
	if t != addrType || f.Kind() != reflect.String {
		return data, nil
	}
	s := strings.TrimSpace(reflect.ValueOf(data).String())
	if s == "" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return nil, fmt.Errorf("invalid IP address %q", s)
	}
	return a, nil
}

// durationHook parses strings like "30s" or "100µs" into a time.Duration.
func durationHook(f, t reflect.Type, data any) (any, error) {
	if t != durationType || f.Kind() != reflect.String {
		return data, nil
	}
	s := strings.TrimSpace(reflect.ValueOf(data).String())
	d, err := time.ParseDuration(s)
	if err != nil {
		return nil, fmt.Errorf("invalid duration %q", s)
	}
	return d, nil
}

// scalarHook converts strings to numbers and booleans and checks that
// integers fit their field, which mapstructure would otherwise wrap silently.
func scalarHook(f, t reflect.Type, data any) (any, error) {
	v := reflect.ValueOf(data)
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return toInteger(f, t, v, data)
	case reflect.Float32, reflect.Float64:
		if f.Kind() == reflect.String {
			x, err := strconv.ParseFloat(strings.TrimSpace(v.String()), 64)
			if err != nil {
				return nil, fmt.Errorf("invalid number %q", v.String())
			}
			return reflect.ValueOf(x).Convert(t).Interface(), nil
		}
	case reflect.Bool:
		if f.Kind() == reflect.String {
			b, err := strconv.ParseBool(strings.TrimSpace(v.String()))
			if err != nil {
				return nil, fmt.Errorf("invalid boolean %q", v.String())
			}
			return reflect.ValueOf(b).Convert(t).Interface(), nil
		}
	}
	return data, nil
}

// toInteger converts a string, integer or integral float into integer type t,
// rejecting values out of t's range.
func toInteger(f, t reflect.Type, v reflect.Value, data any) (any, error) {
	out := reflect.New(t).Elem()
	signed := t.Kind() <= reflect.Int64
	switch {
	case f.Kind() == reflect.String:
		s := strings.TrimSpace(v.String())
		var err error
		if signed {
			var i int64
			i, err = strconv.ParseInt(s, 0, t.Bits())
			out.SetInt(i)
		} else {
			var u uint64
			u, err = strconv.ParseUint(s, 0, t.Bits())
			out.SetUint(u)
		}
		if err != nil {
			return nil, fmt.Errorf("invalid %s %q", t.Kind(), s)
		}
		return out.Interface(), nil
	case f.Kind() >= reflect.Int && f.Kind() <= reflect.Int64:
		i := v.Int()
		if (signed && out.OverflowInt(i)) || (!signed && (i < 0 || out.OverflowUint(uint64(i)))) {
			return nil, fmt.Errorf("value %d out of range for %s", i, t.Kind())
		}
		return v.Convert(t).Interface(), nil
	case f.Kind() >= reflect.Uint && f.Kind() <= reflect.Uint64:
		u := v.Uint()
		if (signed && (u > math.MaxInt64 || out.OverflowInt(int64(u)))) || (!signed && out.OverflowUint(u)) {
			return nil, fmt.Errorf("value %d out of range for %s", u, t.Kind())
		}
		return v.Convert(t).Interface(), nil
	case f.Kind() == reflect.Float32 || f.Kind() == reflect.Float64:
		x := v.Float()
		if x != math.Trunc(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("value %v is not an integer", x)
		}
		if x < -(1<<63) || x >= 1<<64 || (!signed && x < 0) {
			return nil, fmt.Errorf("value %v out of range for %s", x, t.Kind())
		}
		if signed {
			return toInteger(reflect.TypeOf(int64(0)), t, reflect.ValueOf(int64(x)), data)
		}
		return toInteger(reflect.TypeOf(uint64(0)), t, reflect.ValueOf(uint64(x)), data)
	}
	return data, nil
}
