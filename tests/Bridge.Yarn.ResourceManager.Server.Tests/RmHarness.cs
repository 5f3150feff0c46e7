using System.Net;
using Bridge.Rpc;
using Bridge.Testing;
using Bridge.Yarn.Protocol;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.ResourceManager.Server.Tests;

/// <summary>A ResourceManager server on a loopback port with a manual clock, and clients of it. Dispose stops it.</summary>
internal sealed class RmHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private RmHarness(ResourceManagerServer server, ManualTimeProvider clock)
    {
        Server = server;
        Clock = clock;
        Channel = RpcChannel.ForAddress(server.Address);
        Client = new ApplicationClientProtocolClient(Channel);
        Tracker = new ResourceTrackerClient(Channel);
        Http = new HttpClient { BaseAddress = server.Address };
    }

    public ResourceManagerServer Server { get; }
    public ManualTimeProvider Clock { get; }
    public RpcChannel Channel { get; }
    public ApplicationClientProtocolClient Client { get; }
    public ResourceTrackerClient Tracker { get; }
    public HttpClient Http { get; }
    public EmbeddedResourceManager Rm => Server.ResourceManager;

    public static async Task<RmHarness> StartAsync(SchedulerOptions? scheduler = null, int maxAppAttempts = 2)
    {
        var clock = new ManualTimeProvider(Start);
        var server = await ResourceManagerServer.StartAsync(new ResourceManagerServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            TimeProvider = clock,
            ResourceManager = new ResourceManagerOptions
            {
                ClusterTimestamp = Start.ToUnixTimeMilliseconds(),
                Scheduler = scheduler ?? new SchedulerOptions(),
                MaxAppAttempts = maxAppAttempts,
            },
        });
        return new RmHarness(server, clock);
    }

    /// <summary>An AM client for the attempt named by the AM container's launch context.</summary>
    public ApplicationMasterProtocolClient AmClient(StartContainerRequestProto launch) =>
        new(Channel, Env(launch)[YarnEnvironment.AmRmToken]);

    public static Dictionary<string, string> Env(StartContainerRequestProto launch) =>
        launch.ContainerLaunchContext.Environment.ToDictionary(e => e.Key, e => e.Value);

    /// <summary>GetNewApplication then SubmitApplication of an AM running <c>/bin/am</c> in <paramref name="queue"/>.</summary>
    public async Task<ApplicationId> SubmitAsync(string queue = "default", Resource? am = null, string user = "alice", Action<ApplicationSubmissionContextProto>? edit = null)
    {
        var fresh = await Client.GetNewApplication(new GetNewApplicationRequestProto());
        var spec = new ContainerLaunchContextProto();
        spec.Command.Add("/bin/am --flag");
        spec.Environment.Add(new StringStringMapProto { Key = "APP_VAR", Value = "1" });
        var context = new ApplicationSubmissionContextProto
        {
            ApplicationId = fresh.ApplicationId,
            ApplicationName = "test-app",
            Queue = queue,
            Resource = (am ?? new Resource(1024, 1)).ToProto(),
            AmContainerSpec = spec,
        };
        edit?.Invoke(context);
        await Client.SubmitApplication(new SubmitApplicationRequestProto { ApplicationSubmissionContext = context }, ApplicationClientProtocolClient.ForUser(user));
        return fresh.ApplicationId.ToRecord("id");
    }

    public async Task<ApplicationReportProto> ReportAsync(ApplicationId id) =>
        (await Client.GetApplicationReport(new GetApplicationReportRequestProto { ApplicationId = id.ToProto() })).ApplicationReport;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Channel.Dispose();
        await Server.DisposeAsync();
    }
}
