using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Schemas.Http;

/// <summary>
/// The REST API's routing: a table of (method, path pattern, endpoint) matched against the
/// percent-decoded path segments (<see cref="RequestPath"/>). An unknown path answers 404 and a
/// known path with another method 405, both in Confluent's error shape. An endpoint that throws is
/// a bug: it is logged and answered 500 with a one-line message, never a stack trace.
/// </summary>
internal sealed class RegistryApi
{
    private readonly Route[] _routes;
    private readonly ILogger _logger;

    public RegistryApi(SchemaRegistry registry, int maxRequestBodyBytes, ILogger logger)
    {
        _logger = logger;
        var e = new RegistryEndpoints(registry, maxRequestBodyBytes);
        _routes =
        [
            new("GET", "", e.Root),
            new("GET", "schemas/types", e.SchemaTypes),
            new("GET", "schemas/ids/{id}", e.SchemaById),
            new("GET", "schemas/ids/{id}/schema", e.RawSchemaById),
            new("GET", "schemas/ids/{id}/versions", e.VersionsOfSchema),
            new("GET", "subjects", e.Subjects),
            new("POST", "subjects/{subject}", e.Lookup),
            new("DELETE", "subjects/{subject}", e.DeleteSubject),
            new("GET", "subjects/{subject}/versions", e.Versions),
            new("POST", "subjects/{subject}/versions", e.Register),
            new("GET", "subjects/{subject}/versions/{version}", e.Version),
            new("DELETE", "subjects/{subject}/versions/{version}", e.DeleteVersion),
            new("GET", "subjects/{subject}/versions/{version}/schema", e.RawSchemaOfVersion),
            new("GET", "subjects/{subject}/versions/{version}/referencedby", e.ReferencedBy),
            new("POST", "compatibility/subjects/{subject}/versions", e.TestCompatibilityWithAll),
            new("POST", "compatibility/subjects/{subject}/versions/{version}", e.TestCompatibilityWithVersion),
            new("GET", "config", e.GetGlobalConfig),
            new("PUT", "config", e.PutGlobalConfig),
            new("DELETE", "config", e.DeleteGlobalConfig),
            new("GET", "config/{subject}", e.GetSubjectConfig),
            new("PUT", "config/{subject}", e.PutSubjectConfig),
            new("DELETE", "config/{subject}", e.DeleteSubjectConfig),
        ];
    }

    /// <summary>Answers one request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ApiResponse response;
        try
        {
            response = await DispatchAsync(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Schema registry request {Method} {Target} failed", context.Request.Method, RawTarget(context));
            response = ApiResponse.Error(StatusCodes.Status500InternalServerError, 50000, $"Internal error: {e.GetType().Name}");
        }
        await response.WriteAsync(context.Response);
    }

    private Task<ApiResponse> DispatchAsync(HttpContext context)
    {
        if (RequestPath.Split(RawTarget(context), out var malformed) is not { } segments)
            return Task.FromResult(ApiResponse.Error(StatusCodes.Status400BadRequest, 400, $"Malformed request path: {malformed}"));
        var pathKnown = false;
        foreach (var route in _routes)
        {
            if (route.Match(segments) is not { } values) continue;
            pathKnown = true;
            if (route.Method == context.Request.Method) return route.Endpoint(new ApiRequest(context, values));
        }
        return Task.FromResult(pathKnown
            ? ApiResponse.Error(StatusCodes.Status405MethodNotAllowed, 405, $"HTTP 405 Method Not Allowed: {context.Request.Method} is not served on this path")
            : ApiResponse.Error(StatusCodes.Status404NotFound, 404, "HTTP 404 Not Found"));
    }

    private static string RawTarget(HttpContext context) =>
        context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw.StartsWith('/')
            ? raw
            : context.Request.PathBase.Add(context.Request.Path).ToUriComponent();

    private sealed class Route(string method, string pattern, Func<ApiRequest, Task<ApiResponse>> endpoint)
    {
        private readonly string[] _parts = pattern.Length == 0 ? [] : pattern.Split('/');

        public string Method { get; } = method;

        public Func<ApiRequest, Task<ApiResponse>> Endpoint { get; } = endpoint;

        /// <summary>The placeholders' values when <paramref name="segments"/> fit the pattern, else null.</summary>
        public Dictionary<string, string>? Match(string[] segments)
        {
            if (segments.Length != _parts.Length) return null;
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < _parts.Length; i++)
            {
                if (_parts[i].StartsWith('{')) values[_parts[i][1..^1]] = segments[i];
                else if (_parts[i] != segments[i]) return null;
            }
            return values;
        }
    }
}

/// <summary>A routed request: the HTTP context and the path's placeholder values.</summary>
internal sealed class ApiRequest(HttpContext context, IReadOnlyDictionary<string, string> values)
{
    /// <summary>The HTTP context.</summary>
    public HttpContext Context { get; } = context;

    /// <summary>A placeholder's decoded value, e.g. <c>subject</c>.</summary>
    public string this[string name] => values[name];

    /// <summary>Whether query parameter <paramref name="name"/> is <c>true</c> (any case), as Jersey reads a boolean.</summary>
    public bool Flag(string name) => string.Equals(Context.Request.Query[name], "true", StringComparison.OrdinalIgnoreCase);
}
