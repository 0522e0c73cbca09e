/*
 * Sends one method's request: expands the path, adds the query string, headers and API
 * key, signs with SigV4 when credentials are configured, and resolves to
 * {status, statusText, headers, data} (rejects non-2xx answers with error.response).
 * additionalParams: {headers, queryParams, method (the verb of an ANY method)}.
 */
(function (root) {
  'use strict';
  var apiGateway = root.apiGateway = root.apiGateway || {};
  apiGateway.core = apiGateway.core || {};
  var utils = apiGateway.core.utils;
  var encode = root.urlTemplate.encodeSegment;

  function queryString(query) {
    var parts = [];
    Object.keys(query).forEach(function (key) {
      [].concat(query[key]).forEach(function (value) {
        parts.push(encode(key) + '=' + encode(value));
      });
    });
    return parts.join('&');
  }

  function readHeaders(response) {
    var out = {};
    response.headers.forEach(function (value, name) { out[name.toLowerCase()] = value; });
    return out;
  }

  function newClient(config) {
    function invoke(method, params, body, additionalParams) {
      params = params || {};
      additionalParams = additionalParams || {};
      var verb = (additionalParams.method || method.verb).toUpperCase();
      utils.assertParametersDefined(params, method.required);
      var path = root.urlTemplate.expand(method.path, utils.pick(params, method.pathParams));
      var query = utils.merge(utils.pick(params, method.queryParams), additionalParams.queryParams);
      var search = queryString(query);
      var url = config.invokeUrl.replace(/\/+$/, '') + path + (search ? '?' + search : '');
      var payload = body === undefined || body === null ? undefined
        : (typeof body === 'string' ? body : JSON.stringify(body));
      var headers = utils.merge(
        { Accept: config.defaultAcceptType },
        payload === undefined ? {} : { 'Content-Type': config.defaultContentType },
        config.apiKey ? { 'x-api-key': config.apiKey } : {},
        utils.pick(params, method.headerParams),
        additionalParams.headers);
      if (config.accessKey && config.secretKey) {
        headers = utils.merge(headers, apiGateway.core.sigV4Client.signatureHeaders(
          { method: verb, url: url, body: payload || '' },
          { accessKey: config.accessKey, secretKey: config.secretKey,
            sessionToken: config.sessionToken, region: config.region }));
      }
      return root.fetch(url, { method: verb, headers: headers, body: payload })
        .then(function (response) {
          return response.text().then(function (text) {
            var result = { status: response.status, statusText: response.statusText,
                           headers: readHeaders(response), data: text };
            if (/json/.test(result.headers['content-type'] || '') && text) {
              try { result.data = JSON.parse(text); } catch (ignored) { /* keep the text */ }
            }
            if (response.status < 200 || response.status > 299) {
              var error = new Error('Request failed with status code ' + response.status);
              error.response = result;
              throw error;
            }
            return result;
          });
        });
    }
    return { invoke: invoke };
  }

  apiGateway.core.apiGatewayClientFactory = { newClient: newClient };
})(typeof globalThis !== 'undefined' ? globalThis : this);
