"""Mapping templates end to end: template + request -> rendered text, as API Gateway renders.

Expected outputs marked "AWS" come from AWS's developer guide or from LocalStack's
AWS-validated recordings (PR localstack#12379 for ``$input.path`` printing, #12413 for the
empty ``$input.body``).
"""

from __future__ import annotations

import json

import pytest

from mockgw.vtl import VtlError, render, render_request, render_response

NESTED = '{"a": 1, "b": [{"c": 5}]}'
PARAMS = {"path": {"id": "abc"}, "querystring": {"q": "x y", "id": "from-qs"},
          "header": {"Accept": "application/json", "X-Trace": "t-1"}}


def text(template: str, **kwargs) -> str:
    return render(template, **kwargs).text


# -- $input ----------------------------------------------------------------------------

def test_input_path_prints_maps_java_style_and_lists_as_json():
    # AWS (localstack#12379): a map prints {k=v}, a list inside it as compact JSON
    assert text("$input.path('$')", body=NESTED) == '{a=1, b=[{"c":5}]}'
    assert text("$input.path('$').b", body=NESTED) == '[{"c":5}]'
    assert text("$input.path('$.b')", body=NESTED) == '[{"c":5}]'
    assert text("$input.path('$.b')[0]", body=NESTED) == "{c=5}"


def test_input_path_scalars_print_as_java():
    body = '{"s": "x/y", "f": 1.5, "g": 100.0, "big": 1e20, "t": true, "n": null, "i": 7}'
    assert text("$input.path('$.s')|$input.path('$.f')|$input.path('$.g')|"
                "$input.path('$.big')|$input.path('$.t')|$input.path('$.n')|"
                "$input.path('$.i')", body=body) == "x/y|1.5|100.0|1.0E20|true||7"


def test_input_path_values_support_velocity_navigation():
    body = '{"pets": [{"id": 1, "type": "dog"}, {"id": 2, "type": "cat"}]}'
    template = ("#foreach($pet in $input.path('$.pets'))$pet.id:$pet.type"
                "#if($foreach.hasNext),#end#end "
                "$input.path('$.pets').size() $input.path('$.pets[1].type')")
    assert text(template, body=body) == "1:dog,2:cat 2 cat"


def test_input_path_indefinite_paths_give_lists():
    body = '{"pets": [{"id": 1, "price": 5}, {"id": 2, "price": 50}]}'
    assert text("$input.path('$.pets[*].id')", body=body) == "[1,2]"
    assert text("$input.json('$..id')", body=body) == "[1,2]"
    assert text("$input.json('$.pets[?(@.price < 10)].id')", body=body) == "[1]"
    assert text("$input.path('$.missing[*]').size()", body=body) == "0"


def test_input_path_and_json_with_nothing_matching_give_empty_strings():
    assert text("[$input.path('$.missing')][$input.json('$.missing')]", body=NESTED) == "[][]"
    # the idiom production templates use to test for a field
    template = "#if($input.path('$.stackTrace') != '')error#{else}ok#end"
    assert text(template, body=NESTED) == "ok"
    assert text(template, body='{"stackTrace": ["at x"]}') == "error"
    assert text("#if($input.path('$.n') != '')set#end", body='{"n": null}') == "set"


def test_input_json_is_compact_json():
    assert text("$input.json('$')", body=NESTED) == '{"a":1,"b":[{"c":5}]}'
    assert text('{"name": $input.json(\'$.name\')}', body='{"name": "Max"}') == '{"name": "Max"}'
    assert text("$input.json('$.b[0].c')", body=NESTED) == "5"
    assert text('$input.json("$")', body='{"u": "é"}') == '{"u":"é"}'


def test_input_path_results_are_independent_copies():
    template = ("#set($a = $input.path('$'))#set($a.a = 2)#set($ok = $a.b.add(1))"
                "$a|$input.path('$')|$input.json('$')")
    assert text(template, body=NESTED) == (
        '{a=2, b=[{"c":5},1]}|{a=1, b=[{"c":5}]}|{"a":1,"b":[{"c":5}]}')


def test_input_path_without_dollar_reads_from_root():
    assert text("$input.path('httpStatus')", body='{"httpStatus": 404}') == "404"


def test_input_body_is_raw_and_empty_reads_as_empty_object():
    assert text("$input.body", body=b'{ "raw" :1 }') == '{ "raw" :1 }'
    assert text("$input.body", body=b"plain text") == "plain text"
    assert text("$input.body", body=b"") == "{}"  # AWS (localstack#12413)
    assert text("$input.json('$')|$input.path('$').size()", body=b"") == "{}|0"


def test_input_path_of_the_root_is_the_text_of_a_body_that_is_not_json():
    # AWS runs the form-urlencoded template: #foreach($t in $input.path('$').split('&'))
    form = b"a=1&b=x+y%26z"
    assert text("$input.path('$')", body=form) == "a=1&b=x+y%26z"
    assert text("#foreach($t in $input.path('$').split('&'))[$util.urlDecode($t)]#end",
                body=form) == "[a=1][b=x y&z]"
    assert text("$input.path( '$' ).length()|$input.body", body=b"<a/>") == "4|<a/>"
    assert text("$input.path('$')", body=b'"json text"') == "json text"  # JSON stays JSON
    with pytest.raises(VtlError):
        render("$input.path('$.a')", body=form)  # other paths still need JSON
    with pytest.raises(VtlError):
        render("$input.json('$')", body=form)


def test_input_params_searches_path_then_querystring_then_header():
    template = ("$input.params('id')|$input.params('q')|$input.params('X-Trace')|"
                "$input.params('x-trace')|[$input.params('nope')]")
    assert text(template, params=PARAMS) == "abc|x y|t-1|t-1|[]"


def test_input_params_map_and_iteration():
    template = ("#foreach($name in $input.params().header.keySet())"
                "$name=$input.params().header.get($name);#end"
                "$input.params().querystring.q|$input.params().get('path')")
    assert text(template, params=PARAMS) == "Accept=application/json;X-Trace=t-1;x y|{id=abc}"
    assert text("$input.params()", params={"path": {"p": "1"}}) == (
        "{path={p=1}, querystring={}, header={}}")


def test_aws_parameter_passthrough_template():
    # AWS developer guide, "Parameter Mapping Template Example"
    template = """#set($allParams = $input.params())
{
  "params" : {
    #foreach($type in $allParams.keySet())
    #set($params = $allParams.get($type))
    "$type" : {
      #foreach($paramName in $params.keySet())
      "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
      #if($foreach.hasNext),#end
      #end
    }
    #if($foreach.hasNext),#end
    #end
  }
}"""
    assert json.loads(text(template, params=PARAMS)) == {"params": PARAMS}


def test_aws_things_example():
    # AWS developer guide, "Example Request and Response Using $input"
    template = """{
    "id" : "$input.params('id')",
    "count" : "$input.path('$.things').size()",
    "things" : $input.json('$.things')
}"""
    body = '{"things": {"1": {}, "2": {}, "3": {}}}'
    assert json.loads(text(template, body=body, params={"path": {"id": "abc"}})) == {
        "id": "abc", "count": "3", "things": {"1": {}, "2": {}, "3": {}}}


# -- $context, $stageVariables ---------------------------------------------------------

CONTEXT = {"requestId": "r-1", "stage": "dev", "httpMethod": "POST",
           "identity": {"sourceIp": "1.2.3.4", "apiKey": None},
           "authorizer": {"principalId": "user", "claims": {"sub": "s-1"}}}


def test_context_variables_nested_and_missing():
    template = ("$context.requestId $context.identity.sourceIp "
                "$context.authorizer.claims.sub [$context.identity.apiKey] "
                "[$context.authorizer.claims.missing] [$context.nothing.deeper]")
    assert text(template, context=CONTEXT) == "r-1 1.2.3.4 s-1 [] [] []"


def test_stage_variables_forms():
    template = ("$stageVariables.env ${stageVariables.env} $stageVariables['env'] "
                "[$stageVariables.x]")
    assert text(template, stage_variables={"env": "dev"}) == "dev dev dev []"
    assert text("$stageVariables.size()") == "0"


def test_rendering_does_not_change_the_callers_context():
    context = {"identity": {"sourceIp": "1.2.3.4"}}
    rendered = render("#set($context.identity.sourceIp = 'x')$context.identity.sourceIp",
                      context=context)
    assert rendered.text == "x"
    assert context == {"identity": {"sourceIp": "1.2.3.4"}}


# -- overrides --------------------------------------------------------------------------

def test_aws_response_status_override_tutorial():
    # AWS developer guide, "Override an API's Response Status Code"
    template = """#set($inputRoot = $input.path('$'))
$input.json("$")
#if($inputRoot.toString().contains("error"))
#set($context.responseOverride.status = 400)
#end"""
    body = '{"errors": [{"key": "GetPetRequest.petId", "message": "The value is out of range."}]}'
    rendered = render_response(template, body=body)
    assert rendered.response_status == 400
    assert json.loads(rendered.text) == json.loads(body)
    assert render_response(template, body='{"id": 1}').response_status is None


def test_aws_request_header_override_tutorial():
    # AWS developer guide, "Override an API's Request Parameters and Headers"
    template = """#set($header1Override = "foo")
#set($header3Value = "$input.params('header1')$input.params('header2')")
$input.json("$")
#set($context.requestOverride.header.header3 = $header3Value)
#set($context.requestOverride.header.header1 = $header1Override)"""
    params = {"header": {"header1": "header1Val", "header2": "header2Val"}}
    rendered = render_request(template, body='{"a": 1}', params=params)
    assert rendered.request_override == {
        "header": {"header3": "header1Valheader2Val", "header1": "foo"},
        "querystring": {}, "path": {}}
    assert rendered.text.strip() == '{"a":1}'


def test_request_overrides_of_every_kind_and_multivalues():
    template = """#set($context.requestOverride.header.multi = ["1header", "2header"])
#set($context.requestOverride.path.proxy = "proxy")
#set($context.requestOverride.querystring.n = 5)"""
    assert render_request(template).request_override == {
        "header": {"multi": ["1header", "2header"]},
        "path": {"proxy": "proxy"}, "querystring": {"n": "5"}}


def test_response_header_overrides_all_assignment_forms():
    template = """#set($name = "X-Dynamic")
#set($context.responseOverride.header.Access-Control-Allow-Origin = '*')
#set($context.responseOverride.header[$name] = "d")
$context.responseOverride.header.put("X-Put", "p")"""
    rendered = render_response(template)
    assert rendered.response_headers == {"Access-Control-Allow-Origin": "*",
                                         "X-Dynamic": "d", "X-Put": "p"}
    assert rendered.text.strip() == ""


def test_request_overrides_are_readable_in_the_response_template():
    request = render_request("#set($context.requestOverride.header.h = 'v')"
                             "#set($context.responseOverride.status = 201)")
    response = render_response("$context.requestOverride.header.h "
                               "$context.responseOverride.status", context=request.context)
    assert response.text == "v 201"
    assert response.response_status == 201


@pytest.mark.parametrize(("value", "status"), [
    ("400", 400), ("'404'", 404), ("99", None), ("600", None), ("'abc'", None), ("true", None),
])
def test_response_status_override_must_be_a_status_code(value, status):
    rendered = render_response(f"#set($context.responseOverride.status = {value})")
    assert rendered.response_status == status


def test_an_override_may_be_set_only_once():
    # AWS: "Trying to override the same parameter multiple times will result in 5XX"
    with pytest.raises(VtlError, match="only be set once"):
        render_response("#set($context.responseOverride.status = 400)"
                        "#set($context.responseOverride.status = 401)")
    with pytest.raises(VtlError, match="only be set once"):
        render_request("#set($context.requestOverride.header.a = '1')"
                       "#set($context.requestOverride.header.a = '2')")


# -- $util ------------------------------------------------------------------------------

def test_aws_parse_json_example():
    # AWS developer guide, $util.parseJson()
    body = json.dumps({"errorMessage": json.dumps({"key1": "var1", "key2": {"arr": [1, 2, 3]}})})
    template = """#set ($errorMessageObj = $util.parseJson($input.path('$.errorMessage')))
{
   "errorMessageObjKey2ArrVal" : $errorMessageObj.key2.arr[0]
}"""
    assert json.loads(text(template, body=body)) == {"errorMessageObjKey2ArrVal": 1}


def test_aws_escape_javascript_single_quote_workaround():
    # AWS developer guide: escapeJavaScript escapes ' and the documented replaceAll undoes it
    template = ("$util.escapeJavaScript($input.params('q'))|"
                """$util.escapeJavaScript($input.params('q')).replaceAll("\\\\'","'")""")
    assert text(template, params={"querystring": {"q": "it's"}}) == "it\\'s|it's"


def test_util_functions():
    template = ("$util.urlEncode('x=a+b c') $util.urlDecode('x=a+b%26') "
                "$util.base64Encode('hello') $util.base64Decode('aGVsbG8=')")
    assert text(template) == "x%3Da%2Bb+c x=a b& aGVsbG8= hello"


def test_util_escape_javascript_of_a_json_body():
    assert text("$util.escapeJavaScript($input.json('$'))", body='{"foo": "b/r"}') == (
        '{\\"foo\\":\\"b\\/r\\"}')


def test_util_to_json_is_not_an_api_gateway_function():
    assert text("[$util.toJson($input.path('$'))]", body=NESTED) == "[]"


# -- Velocity ---------------------------------------------------------------------------

def test_printing_is_java_style():
    template = ('#set($m = {"k": "v", "n": 1, "l": [1, "a"], "b": false})'
                "$m|$m.l|$m.b|#set($x = 7 / 2)$x|#set($y = -7 / 2)$y|#set($z = 1.0)$z")
    assert text(template) == "{k=v, n=1, l=[1, a], b=false}|[1, a]|false|3|-3|1.0"


def test_if_elseif_else_and_velocity_truth():
    template = ("#foreach($v in [0, '', false, 'x'])"
                "#if($v == 'x')X#elseif($v)T#{else}F#end#end #if($undefined)T#{else}F#end")
    assert text(template) == "TTFX F"


def test_equality_across_types_compares_strings():
    template = ("#if($input.params('code') == 200)eq#end "
                "#if($input.path('$.n') == 200)num#end #if($input.path('$.n') > 100)gt#end "
                "#if($undefined == '')bad#{else}null#end #if('a' < 1)bad#{else}lt-false#end")
    assert text(template, body='{"n": 200}', params={"querystring": {"code": "200"}}) == (
        "eq num gt null lt-false")


def test_logical_operators():
    template = ("#if($a && $b)1#end#if($a || $undefined)2#end#if(!$undefined)3#end"
                "#if(!$a)4#end#if($a and !$b)5#end")
    assert text(template.replace("$a", "'a'").replace("$b", "'b'")) == "123"


def test_foreach_break_and_loop_variables():
    template = ("#foreach($i in [1..5])#if($i == 4)#break#end"
                "$foreach.index/$foreach.count/$velocityCount#if($foreach.hasNext),#end#end")
    assert text(template) == "0/1/1,1/2/2,2/3/3,"


def test_foreach_over_a_map_iterates_its_values():
    assert text('#foreach($v in {"a": 1, "b": 2})$v#end') == "12"


def test_foreach_entry_set():
    template = ('#foreach($e in $input.path(\'$\').entrySet())$e.key=$e.value;'
                "$e.getKey()/$e.getValue() #end")
    assert text(template, body='{"a": 1, "b": "x"}') == "a=1;a/1 b=x;b/x "


def test_set_is_global_and_ignores_null():
    template = ("#set($found = 'none')#foreach($i in [1, 2, 3])#if($i == 2)#set($found = $i)"
                "#set($inner = 'seen')#end#end$found $inner "
                "#set($found = $undefined)$found")
    assert text(template) == "2 seen 2"


def test_comments_quiet_references_and_formal_references():
    template = "## a line comment\n#* block\ncomment *#$!{missing}${a}b $!a"
    assert text(template, body="") == "b "
    assert text("#set($a = 'v')${a}b $!a") == "vb v"


def test_macros():
    template = "#macro(tag $name $value)<$name>$value</$name>#end#tag('a' 1)#tag('b', 'x')"
    assert text(template) == "<a>1</a><b>x</b>"


def test_string_methods():
    template = ("#set($s = ' Hello, World ')"
                "$s.trim()|$s.length()|$s.toUpperCase()|$s.toLowerCase()|$s.trim().substring(7)|"
                "$s.indexOf('o')|$s.indexOf('z')|$s.contains('World')|$s.trim().startsWith('He')|"
                "$s.trim().endsWith('ld')|$s.trim().equals('Hello, World')|$s.isEmpty()|"
                "$s.replace('l', 'L')|$s.trim().replaceAll('(o)', '[$1]')|"
                "$s.trim().split(', ').size()|$s.trim().split(',')[1]|$s.charAt(1)|"
                "$s.trim().matches('H.*d')|$s.trim().equalsIgnoreCase('hello, world')")
    assert text(template) == (
        "Hello, World|14| HELLO, WORLD | hello, world |World|5|-1|true|true|true|true|false|"
        " HeLLo, WorLd |Hell[o], W[o]rld|2| World|H|true|true")


def test_java_split_and_replace_all_semantics():
    template = ("#set($s = 'a,b,,')#set($t = 'me@host')"
                "$s.split(',').size() $s.split(',', -1).size() $s.split('(,)').size() "
                "$t.replaceAll('(\\w+)@(\\w+)', '$2 at $1') $t.replaceFirst('[a-z]', '\\$')")
    assert text(template) == "2 4 2 host at me $e@host"


def test_list_and_map_methods():
    template = ("#set($l = [])#set($ok = $l.add('a'))#set($ok = $l.add('b'))"
                "$l $l.size() $l.get(1) $l.contains('a') $l.isEmpty() $l.indexOf('b') "
                '#set($m = {})#set($prev = $m.put("k", "v"))$m.get("k") $m.containsKey("k") '
                "$m.keySet() $m.values() $m.size() $m.isEmpty() $m.remove('k') $m")
    assert text(template) == "[a, b] 2 b true false 1 v true [k] [v] 1 false v {}"


def test_map_property_access_never_reaches_python_attributes():
    template = ("#set($m = {'k': 1})#set($s = 'x')"
                "[$m.items][$m.keys()][$s.upper()][$s.__class__][$util.__class__][$input._text]")
    assert text(template) == "[][][][][][]"


# -- errors ----------------------------------------------------------------------------

@pytest.mark.parametrize(("template", "body"), [
    ("#if($a", ""),                                    # syntax error
    ("#foreach($x in [1])no end", ""),                 # unterminated block
    ("$input.json('$')", "not json"),                  # $input.json on a non-JSON body
    ("$input.path('$.a')", "<xml/>"),
    ("$input.json('$[?(@.a ==')", "{}"),               # malformed JSONPath
    ("$util.parseJson('{bad')", ""),
    ("$util.base64Decode('abc')", ""),
    ("#set($l = [1])$l.get(3)", ""),                   # IndexOutOfBoundsException
    ("#set($s = 'abc')$s.substring(5)", ""),
    ("$input.params('a').replaceAll('(', 'x')", ""),    # bad regex
    ("#include('x')", ""),
    ("#macro(m)#m()#end#m()", ""),                     # endless recursion
])
def test_template_failures_raise_vtl_error(template, body):
    with pytest.raises(VtlError):
        render(template, body=body)


def test_a_non_json_body_is_fine_for_templates_that_do_not_parse_it():
    assert text('{"raw": "$util.escapeJavaScript($input.body)"}', body="<a>'x'</a>") == (
        '{"raw": "<a>\\\'x\\\'<\\/a>"}')
