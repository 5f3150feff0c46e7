using System.Globalization;
using Bridge.Yarn.Protocol.Launching;

namespace Bridge.Yarn.Hadoop;

/// <summary>
/// The command line of a real Hadoop <c>yarn nodemanager</c> for a <see cref="NodeManagerLaunch"/>, with its
/// resources and ports as <c>-D</c> properties in <c>YARN_NODEMANAGER_OPTS</c>, as Myriad's executor command line
/// generator passed them: <c>yarn.nodemanager.resource.memory-mb</c> and <c>.cpu-vcores</c> (the launch's capability,
/// zero for fine-grained scaling), <c>yarn.nodemanager.address</c>, <c>.localizer.address</c> and
/// <c>.webapp.address</c> on <c>0.0.0.0</c> with the offer's ports, <c>mapreduce.shuffle.port</c>,
/// <c>yarn.nodemanager.hostname</c>, and the ResourceManager's resource-tracker address. Pure.
/// </summary>
public static class HadoopNodeManagerCommand
{
    /// <summary>The argv and environment for <paramref name="launch"/>.</summary>
    /// <param name="launch">What the bridge decided (host, capability, ports, the RM's resource-tracker address).</param>
    /// <param name="hadoopHome">Where Hadoop is installed (<c>HADOOP_HOME</c>; the command is <c>bin/yarn</c> in it).</param>
    /// <param name="hadoopConfDir">Its configuration (<c>HADOOP_CONF_DIR</c>), or null for Hadoop's default.</param>
    /// <returns><c>[HADOOP_HOME/bin/yarn, nodemanager]</c>, and <c>HADOOP_HOME</c>, <c>HADOOP_CONF_DIR</c>,
    /// <c>YARN_NODEMANAGER_OPTS</c>.</returns>
    public static (IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string> Environment) For(NodeManagerLaunch launch, string hadoopHome, string? hadoopConfDir)
    {
        var inv = CultureInfo.InvariantCulture;
        var properties = new (string Key, string Value)[]
        {
            ("yarn.nodemanager.resource.memory-mb", launch.Capability.MemoryMb.ToString(inv)),
            ("yarn.nodemanager.resource.cpu-vcores", launch.Capability.VCores.ToString(inv)),
            ("yarn.nodemanager.hostname", launch.Hostname),
            ("yarn.nodemanager.address", $"0.0.0.0:{launch.Ports.Rpc.ToString(inv)}"),
            ("yarn.nodemanager.localizer.address", $"0.0.0.0:{launch.Ports.Localizer.ToString(inv)}"),
            ("yarn.nodemanager.webapp.address", $"0.0.0.0:{launch.Ports.WebappHttp.ToString(inv)}"),
            ("mapreduce.shuffle.port", launch.Ports.Shuffle.ToString(inv)),
            ("yarn.resourcemanager.resource-tracker.address", launch.ResourceManager),
        };
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HADOOP_HOME"] = hadoopHome,
            ["YARN_NODEMANAGER_OPTS"] = string.Join(' ', properties.Select(p => $"-D{p.Key}={p.Value}")),
        };
        if (hadoopConfDir is not null) environment["HADOOP_CONF_DIR"] = hadoopConfDir;
        return ([Path.Combine(hadoopHome, "bin", "yarn"), "nodemanager"], environment);
    }
}
