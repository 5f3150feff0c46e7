using Bridge.Rpc;
using Bridge.Yarn.Protocol;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.Client;

/// <summary>What to submit: Hadoop's ApplicationSubmissionContext, the fields a client sets.</summary>
/// <param name="Name">The application's name.</param>
/// <param name="Type">Its type (e.g. <c>MAPREDUCE</c>, <c>YARN</c>).</param>
/// <param name="Queue">The leaf queue (default <c>default</c>).</param>
/// <param name="AmResource">The AM container's size (MB, vcores).</param>
/// <param name="AmContainer">What the AM container runs.</param>
/// <param name="MaxAppAttempts">Attempts before the application fails (0: the ResourceManager's default).</param>
public sealed record YarnSubmission(string Name, string Type, string Queue, Resource AmResource, ContainerLaunchContext AmContainer, int MaxAppAttempts = 0);

/// <summary>
/// A client of the ResourceManager's <c>ApplicationClientProtocol</c> (Hadoop's YarnClient): get a new application id,
/// submit, read the application's report, kill, and wait for it to end.
/// </summary>
/// <param name="resourceManager">The ResourceManager's gRPC address, e.g. <c>http://127.0.0.1:8088</c>.</param>
/// <param name="user">The submitting user (sent as the <c>yarn-user</c> header).</param>
public sealed class YarnClient(Uri resourceManager, string user = YarnEnvironment.DefaultUser) : IDisposable
{
    private readonly RpcChannel _channel = RpcChannel.ForAddress(resourceManager);
    private ApplicationClientProtocolClient Client => new(_channel);

    private CallOptions Options(CancellationToken cancellationToken) =>
        ApplicationClientProtocolClient.ForUser(user) with { CancellationToken = cancellationToken };

    /// <summary>Gets a new application id and submits <paramref name="submission"/> under it.</summary>
    /// <returns>The application's id.</returns>
    /// <exception cref="RpcException">UNAVAILABLE when the ResourceManager cannot be reached; INVALID_ARGUMENT or NOT_FOUND
    /// (unknown queue) with the ResourceManager's reason.</exception>
    public async Task<ApplicationId> SubmitAsync(YarnSubmission submission, CancellationToken cancellationToken = default)
    {
        var fresh = await Client.GetNewApplication(new GetNewApplicationRequestProto(), Options(cancellationToken));
        var context = new ApplicationSubmissionContextProto
        {
            ApplicationId = fresh.ApplicationId,
            ApplicationName = submission.Name,
            ApplicationType = submission.Type,
            Queue = submission.Queue,
            Resource = submission.AmResource.ToProto(),
            AmContainerSpec = submission.AmContainer.ToProto(),
        };
        if (submission.MaxAppAttempts > 0) context.MaxAppAttempts = submission.MaxAppAttempts;
        await Client.SubmitApplication(new SubmitApplicationRequestProto { ApplicationSubmissionContext = context }, Options(cancellationToken));
        return fresh.ApplicationId.ToRecord("application_id");
    }

    /// <summary>The application's report.</summary>
    /// <exception cref="RpcException">NOT_FOUND for an unknown application.</exception>
    public async Task<ApplicationReportProto> ReportAsync(ApplicationId id, CancellationToken cancellationToken = default) =>
        (await Client.GetApplicationReport(new GetApplicationReportRequestProto { ApplicationId = id.ToProto() }, Options(cancellationToken))).ApplicationReport;

    /// <summary>Kills the application.</summary>
    public async Task KillAsync(ApplicationId id, string diagnostics, CancellationToken cancellationToken = default) =>
        await Client.ForceKillApplication(new KillApplicationRequestProto { ApplicationId = id.ToProto(), Diagnostics = diagnostics }, Options(cancellationToken));

    /// <summary>Polls the report every <paramref name="poll"/> until the application is FINISHED, FAILED or KILLED,
    /// calling <paramref name="progress"/> with each report.</summary>
    /// <returns>The final report.</returns>
    public async Task<ApplicationReportProto> WaitAsync(ApplicationId id, TimeSpan poll, Action<ApplicationReportProto>? progress = null,
        TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var report = await ReportAsync(id, cancellationToken);
            progress?.Invoke(report);
            if (report.YarnApplicationState is YarnApplicationStateProto.Finished or YarnApplicationStateProto.Failed or YarnApplicationStateProto.Killed)
                return report;
            await Task.Delay(poll, time ?? TimeProvider.System, cancellationToken);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();
}
