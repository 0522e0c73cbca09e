/*
 * Path templates of API Gateway resources: "{name}" takes one encoded path segment,
 * "{name+}" (a greedy variable) takes the rest of a path with its slashes kept.
 */
(function (root) {
  'use strict';

  function encodeSegment(value) {
    return encodeURIComponent(String(value)).replace(/[!'()*]/g, function (ch) {
      return '%' + ch.charCodeAt(0).toString(16).toUpperCase();
    });
  }

  /** ``template`` with its variables replaced by ``values`` (an object). */
  function expand(template, values) {
    return template.replace(/\{([^}+]+)(\+?)\}/g, function (_, name, greedy) {
      var value = values[name];
      if (value === undefined || value === null) { return ''; }
      return greedy ? String(value).split('/').map(encodeSegment).join('/') : encodeSegment(value);
    });
  }

  var api = { expand: expand, encodeSegment: encodeSegment };
  root.urlTemplate = api;
  if (typeof module !== 'undefined' && module.exports) { module.exports = api; }
})(typeof globalThis !== 'undefined' ? globalThis : this);
