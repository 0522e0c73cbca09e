/* Helpers of the generated client: checking and picking request parameters. */
(function (root) {
  'use strict';
  var apiGateway = root.apiGateway = root.apiGateway || {};
  apiGateway.core = apiGateway.core || {};

  apiGateway.core.utils = {
    /** Throw when one of the ``names`` is missing from ``params``. */
    assertParametersDefined: function (params, names) {
      names.forEach(function (name) {
        if (!params || params[name] === undefined || params[name] === null) {
          throw new Error('Missing required parameter: ' + name);
        }
      });
    },
    /** The entries of ``params`` whose keys are in ``names``. */
    pick: function (params, names) {
      var out = {};
      names.forEach(function (name) {
        if (params && params[name] !== undefined && params[name] !== null) { out[name] = params[name]; }
      });
      return out;
    },
    /** The properties of every object in ``sources``, later ones winning. */
    merge: function () {
      var out = {};
      Array.prototype.forEach.call(arguments, function (source) {
        Object.keys(source || {}).forEach(function (key) { out[key] = source[key]; });
      });
      return out;
    }
  };
})(typeof globalThis !== 'undefined' ? globalThis : this);
