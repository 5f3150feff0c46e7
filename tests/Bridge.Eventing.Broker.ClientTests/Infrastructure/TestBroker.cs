using System.Net;
using Bridge.Eventing.Broker.Groups;

namespace Bridge.Eventing.Broker.ClientTests.Infrastructure;

/// <summary>
/// A <see cref="KafkaBroker"/> started in-process on 127.0.0.1, port 0, over a fresh temporary
/// data directory, with a 100 ms initial rebalance delay so groups form quickly (Kafka's default
/// is 3 s). Disposing stops the broker and deletes the directory.
/// </summary>
internal sealed class TestBroker : IAsyncDisposable
{
    private readonly Func<BrokerOptions, BrokerOptions> _configure;

    private TestBroker(string dataDirectory, Func<BrokerOptions, BrokerOptions> configure, BrokerLog log, KafkaBroker broker)
    {
        Log = log;
        DataDirectory = dataDirectory;
        _configure = configure;
        Broker = broker;
    }

    /// <summary>The running broker (replaced by <see cref="RestartAsync"/>).</summary>
    public KafkaBroker Broker { get; private set; }

    /// <summary>What the broker logged at warning level and above, across restarts.</summary>
    public BrokerLog Log { get; }

    /// <summary>The log directory, kept across restarts.</summary>
    public string DataDirectory { get; }

    /// <summary><c>127.0.0.1:PORT</c> of the running broker.</summary>
    public string BootstrapServers => Broker.BootstrapServers;

    /// <summary>Starts a broker; <paramref name="configure"/> adjusts the test defaults.</summary>
    public static async Task<TestBroker> StartAsync(Func<BrokerOptions, BrokerOptions>? configure = null)
    {
        string directory = Path.Combine(Path.GetTempPath(), "bridge-client-tests-" + Guid.NewGuid().ToString("N"));
        configure ??= o => o;
        try
        {
            var log = new BrokerLog();
            return new TestBroker(directory, configure, log, await KafkaBroker.StartAsync(Options(directory, configure, log)));
        }
        catch
        {
            DeleteDirectory(directory);
            throw;
        }
    }

    /// <summary>Stops the broker and starts a new one on the same data directory (on a new port).</summary>
    public async Task RestartAsync()
    {
        await Broker.DisposeAsync();
        Broker = await KafkaBroker.StartAsync(Options(DataDirectory, _configure, Log));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Broker.DisposeAsync();
        }
        finally
        {
            DeleteDirectory(DataDirectory);
        }
    }

    private static BrokerOptions Options(string directory, Func<BrokerOptions, BrokerOptions> configure, BrokerLog log) => configure(new BrokerOptions
    {
        LoggerFactory = log,
        DataDirectory = directory,
        Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
        Groups = new GroupCoordinatorOptions { InitialRebalanceDelay = TimeSpan.FromMilliseconds(100) },
    });

    internal static void DeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; failing the test for it would hide the real result.
        }
    }
}
