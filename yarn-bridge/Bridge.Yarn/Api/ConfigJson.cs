using System.Globalization;
using System.Text;
using System.Text.Json;
using Bridge.Yarn.Scheduling;

namespace Bridge.Yarn.Api;

/// <summary>The framework's own settings, which the shell owns and <c>GET /api/config</c> shows.</summary>
/// <param name="MesosMaster">The master's address (<c>mesosMaster</c>).</param>
/// <param name="FrameworkName">The framework's name (<c>frameworkName</c>).</param>
/// <param name="FrameworkRole">Its role (<c>frameworkRole</c>).</param>
/// <param name="FrameworkFailoverTimeout">How long the master keeps its tasks after it disconnects (<c>frameworkFailoverTimeout</c>, shown in ms as Myriad).</param>
/// <param name="RestApiPort">The port of this API (<c>restApiPort</c>, Myriad's 8192).</param>
public sealed record FrameworkSettings(string MesosMaster, string FrameworkName, string FrameworkRole, TimeSpan FrameworkFailoverTimeout, int RestApiPort = 8192);

/// <summary>
/// <c>GET /api/config</c>: the configuration in Myriad's <c>MyriadConfiguration</c> names, with our additions:
/// <code>{"mesosMaster":"127.0.0.1:5050","frameworkName":"yarn","frameworkRole":"*","frameworkFailoverTimeout":86400000,
///  "restApiPort":8192,"checkpoint":true,
///  "profiles":{"large":{"cpu":"10","mem":"12288"},"medium":{"cpu":"4","mem":"4096"},…},
///  "nmInstances":{"medium":1},
///  "nodemanager":{"jvmMaxMemoryMB":256,"cpus":0.2},
///  "executor":{"jvmMaxMemoryMB":128,"cpus":0.1,"command":"…"},
///  "resourceManagerAddress":"127.0.0.1:8031","vcoresPerCpu":1,"decommissionTimeoutSeconds":3600,"killGracePeriodSeconds":30,
///  "autoscaling":{"enabled":false,"profile":"medium","minInstances":0,"maxInstances":10,"pendingForSeconds":30,"idleForSeconds":300}}</code>
/// Profile figures are strings, as Myriad's <c>Map&lt;String, Map&lt;String, String&gt;&gt;</c> writes them; memory in MB.
/// </summary>
public static class ConfigJson
{
    /// <summary>The response (200, JSON).</summary>
    public static ApiResponse Response(YarnBridgeOptions options, FrameworkSettings framework) =>
        new(200, ApiResponse.Json, Encoding.UTF8.GetString(Write(options, framework)));

    /// <summary>The JSON above, UTF-8.</summary>
    public static byte[] Write(YarnBridgeOptions options, FrameworkSettings framework)
    {
        var inv = CultureInfo.InvariantCulture;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("mesosMaster", framework.MesosMaster);
            w.WriteString("frameworkName", framework.FrameworkName);
            w.WriteString("frameworkRole", framework.FrameworkRole);
            w.WriteNumber("frameworkFailoverTimeout", (long)framework.FrameworkFailoverTimeout.TotalMilliseconds);
            w.WriteNumber("restApiPort", framework.RestApiPort);
            w.WriteBoolean("checkpoint", true);
            w.WriteStartObject("profiles");
            foreach (var p in options.Profiles.All)
            {
                w.WriteStartObject(p.Name);
                w.WriteString("cpu", p.Cpus.ToString(inv));
                w.WriteString("mem", p.MemoryMb.ToString(inv));
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartObject("nmInstances");
            foreach (var (profile, n) in options.InitialInstances.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteNumber(profile, n);
            w.WriteEndObject();
            var o = options.Overhead;
            w.WriteStartObject("nodemanager");
            w.WriteNumber("jvmMaxMemoryMB", o.NodeManagerMemoryMb);
            w.WriteNumber("cpus", o.NodeManagerCpus);
            w.WriteEndObject();
            w.WriteStartObject("executor");
            w.WriteNumber("jvmMaxMemoryMB", o.ExecutorMemoryMb);
            w.WriteNumber("cpus", o.ExecutorCpus);
            w.WriteString("command", options.ExecutorCommand.Value);
            w.WriteEndObject();
            w.WriteString("resourceManagerAddress", options.ResourceManagerAddress);
            w.WriteNumber("vcoresPerCpu", options.VCoresPerCpu);
            w.WriteNumber("decommissionTimeoutSeconds", options.DecommissionTimeout.TotalSeconds);
            w.WriteNumber("killGracePeriodSeconds", options.KillGracePeriod.TotalSeconds);
            var a = options.Autoscaling;
            w.WriteStartObject("autoscaling");
            w.WriteBoolean("enabled", a.Enabled);
            w.WriteString("profile", a.Profile);
            w.WriteNumber("minInstances", a.MinInstances);
            w.WriteNumber("maxInstances", a.MaxInstances);
            w.WriteNumber("pendingForSeconds", a.PendingFor.TotalSeconds);
            w.WriteNumber("idleForSeconds", a.IdleFor.TotalSeconds);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
