using System.Collections.Frozen;
using Bridge.Rpc.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Rpc;

/// <summary>Adds gRPC services to an ASP.NET Core pipeline, beside any other HTTP endpoints.</summary>
public static partial class RpcApplicationBuilderExtensions
{
    /// <summary>
    /// Serves <paramref name="services"/> at their <c>/package.Service/Method</c> paths. A gRPC
    /// request (content type <c>application/grpc*</c>) to any other path gets UNIMPLEMENTED; other
    /// requests pass on to the rest of the pipeline.
    /// </summary>
    /// <exception cref="InvalidOperationException">Two services claim the same path, or an implementation method has the wrong signature.</exception>
    public static IApplicationBuilder UseRpcServices(this IApplicationBuilder app, RpcServerOptions options,
        IEnumerable<ServiceBase> services)
    {
        var handlers = new Dictionary<string, ServerMethodHandler>(StringComparer.Ordinal);
        foreach (var service in services)
        foreach (var handler in service.Bind())
            if (!handlers.TryAdd(handler.Path, handler))
                throw new InvalidOperationException($"Two services serve {handler.Path}.");
        var routes = handlers.ToFrozenDictionary(StringComparer.Ordinal);
        var logger = options.LoggerFactory.CreateLogger("Bridge.Rpc.Server");

        return app.Use(async (HttpContext http, RequestDelegate next) =>
        {
            if (routes.TryGetValue(http.Request.Path.Value ?? "", out var handler))
            {
                try
                {
                    await handler.HandleAsync(http, options, logger);
                }
                catch (Exception e) when (!http.Response.HasStarted)
                {
                    // A bug of ours must still give the client a well-formed status, never a bare 500.
                    LogDispatchFailed(logger, http.Request.Path, e);
                    await ServerCall.WriteErrorAsync(http, StatusCodes.Status200OK,
                        new Status(StatusCode.Internal, "Internal error while dispatching the call."));
                }
                return;
            }
            if (GrpcProtocol.IsGrpcContentType(http.Request.ContentType))
            {
                await ServerCall.WriteErrorAsync(http, StatusCodes.Status200OK,
                    new Status(StatusCode.Unimplemented, $"Method {http.Request.Path} is unimplemented."));
                return;
            }
            await next(http);
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dispatching {Path} failed")]
    private static partial void LogDispatchFailed(ILogger logger, string path, Exception exception);
}
