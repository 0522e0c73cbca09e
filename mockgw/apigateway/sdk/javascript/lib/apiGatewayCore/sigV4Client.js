/*
 * AWS Signature Version 4 for execute-api requests (methods with AWS_IAM authorization).
 * Signs the host and x-amz-date headers (and the session token when there is one).
 */
(function (root) {
  'use strict';
  var apiGateway = root.apiGateway = root.apiGateway || {};
  apiGateway.core = apiGateway.core || {};
  var crypto = root.apigCrypto;
  var encode = root.urlTemplate.encodeSegment;

  function amzDate(now) {
    return now.toISOString().replace(/[:-]/g, '').replace(/\.\d{3}/, '');
  }

  function canonicalQuery(query) {
    return query ? query.split('&').filter(Boolean).map(function (pair) {
      var at = pair.indexOf('=');
      return at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    }).sort(function (a, b) {
      return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
    }).map(function (pair) { return pair[0] + '=' + pair[1]; }).join('&') : '';
  }

  /**
   * The headers that sign ``request`` ({method, url, body}) with ``credentials``
   * ({accessKey, secretKey, sessionToken, region, service}) at ``now`` (a Date).
   */
  function signatureHeaders(request, credentials, now) {
    var url = new URL(request.url);
    var date = amzDate(now || new Date());
    var day = date.slice(0, 8);
    var service = credentials.service || 'execute-api';
    var headers = { host: url.host, 'x-amz-date': date };
    if (credentials.sessionToken) { headers['x-amz-security-token'] = credentials.sessionToken; }
    var names = Object.keys(headers).sort();
    var canonical = [
      request.method.toUpperCase(),
      url.pathname.split('/').map(encode).join('/') || '/',
      canonicalQuery(url.search.slice(1)),
      names.map(function (name) { return name + ':' + String(headers[name]).trim() + '\n'; }).join(''),
      names.join(';'),
      crypto.hex(crypto.sha256(request.body || ''))
    ].join('\n');
    var scope = [day, credentials.region, service, 'aws4_request'].join('/');
    var toSign = ['AWS4-HMAC-SHA256', date, scope, crypto.hex(crypto.sha256(canonical))].join('\n');
    var key = crypto.hmacSha256('AWS4' + credentials.secretKey, day);
    key = crypto.hmacSha256(key, credentials.region);
    key = crypto.hmacSha256(key, service);
    key = crypto.hmacSha256(key, 'aws4_request');
    var signature = crypto.hex(crypto.hmacSha256(key, toSign));
    var out = { 'x-amz-date': date };
    if (credentials.sessionToken) { out['x-amz-security-token'] = credentials.sessionToken; }
    out.Authorization = 'AWS4-HMAC-SHA256 Credential=' + credentials.accessKey + '/' + scope +
      ', SignedHeaders=' + names.join(';') + ', Signature=' + signature;
    return out;
  }

  apiGateway.core.sigV4Client = { signatureHeaders: signatureHeaders };
})(typeof globalThis !== 'undefined' ? globalThis : this);
