"""Java semantics of template values: printing, JSON text, escaping, JSONPath."""

from __future__ import annotations

import airspeed.operators
import pytest

from mockgw.vtl import velocity
from mockgw.vtl.java import JsonArray, from_json, java_double, java_str, json_text
from mockgw.vtl.jsonpath import MISSING, find
from mockgw.vtl.util import Util, escape_javascript


@pytest.mark.parametrize(("value", "printed"), [
    (1.0, "1.0"), (0.5, "0.5"), (249.99, "249.99"), (0.001, "0.001"), (1e-4, "1.0E-4"),
    (1.5e-5, "1.5E-5"), (9999999.0, "9999999.0"), (1e7, "1.0E7"), (12345678.9, "1.23456789E7"),
    (-2.5e20, "-2.5E20"), (0.0, "0.0"), (-0.0, "-0.0"), (float("inf"), "Infinity"),
])
def test_doubles_print_as_java(value, printed):
    assert java_double(value) == printed


def test_java_str_of_nested_values():
    document = from_json({"a": [1, {"b": None}], "c": {"d": True}, "e": "text"})
    assert java_str(document) == '{a=[1,{"b":null}], c={d=true}, e=text}'
    assert java_str([1, "a", None, False, {"k": [2]}]) == "[1, a, null, false, {k=[2]}]"
    assert isinstance(document["a"], JsonArray)
    assert str(document["a"]) == '[1,{"b":null}]'


def test_json_text_is_compact_with_java_numbers():
    assert json_text({"a": [1, 2.0, 3e20], "s": 'q"/\n', "u": "é", "n": None}) == (
        '{"a":[1,2.0,3.0E20],"s":"q\\"/\\n","u":"é","n":null}')


@pytest.mark.parametrize(("raw", "escaped"), [
    ("it's", "it\\'s"),
    ('{"foo": 123}', '{\\"foo\\": 123}'),
    ("a\\b/c", "a\\\\b\\/c"),
    ("tab\tnl\ncr\r\b\f", "tab\\tnl\\ncr\\r\\b\\f"),
    ("\x01\x1f", "\\u0001\\u001F"),
    ("é€", "\\u00E9\\u20AC"),
    ("😀", "\\uD83D\\uDE00"),
    ("", ""),
])
def test_escape_javascript_like_commons_lang(raw, escaped):
    assert escape_javascript(raw) == escaped


def test_util_on_non_strings():
    util = Util()
    assert util.escapeJavaScript(None) is None
    assert util.escapeJavaScript(True) == "true"
    assert util.escapeJavaScript(from_json({"a": [1]})) == '{a=[1]}'
    assert util.urlEncode("é ~*._-") == "%C3%A9+%7E*._-"
    assert util.base64Encode("é") == "w6k="


def test_jsonpath_definite_and_indefinite_paths():
    document = from_json({"a": {"b": [10, 20]}, "s": "text"})
    assert find(document, "$.a.b[1]") == 20
    assert find(document, "a.b[0]") == 10
    assert find(document, "$.a.b[5]") is MISSING
    assert find(document, "$.s.x") is MISSING
    assert find(document, "$.a.b[*]") == [10, 20]
    assert find(document, "$.a.b[0:1]") == [10]
    assert find(document, "$..nothing") == []
    assert find(document, "  ") is document


def test_the_dialect_leaves_airspeed_itself_unchanged():
    assert velocity.ops is not airspeed.operators
    assert airspeed.operators.NameOrCall is not velocity.ops.NameOrCall
    assert airspeed.operators.value_to_string is not velocity.ops.value_to_string
    assert airspeed.operators.UserDefinedDirective.DIRECTIVES == []
