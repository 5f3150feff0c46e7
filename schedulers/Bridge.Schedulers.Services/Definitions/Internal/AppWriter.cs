using System.Globalization;
using System.Text.Json;

namespace Bridge.Schedulers.Services.Definitions.Internal;

/// <summary>Writes a definition as Marathon's GET returns an app: canonical fields only
/// (<c>portDefinitions</c>, not <c>ports</c>; <c>fetch</c>, not <c>uris</c>), empty lists that Marathon
/// omits omitted, seconds as integers.</summary>
internal static class AppWriter
{
    public static void Write(Utf8JsonWriter w, AppDefinition app)
    {
        w.WriteStartObject();
        w.WriteString("id", app.Id.Value);
        if (app.Cmd is not null) w.WriteString("cmd", app.Cmd);
        if (app.Args.Count > 0) Strings(w, "args", app.Args);
        if (app.User is not null) w.WriteString("user", app.User);
        if (app.Env.Count > 0) Map(w, "env", app.Env);
        w.WriteNumber("instances", app.Instances);
        w.WriteNumber("cpus", app.Cpus);
        w.WriteNumber("mem", app.MemMb);
        w.WriteNumber("disk", app.DiskMb);
        w.WriteNumber("gpus", app.Gpus);
        if (app.Constraints.Count > 0)
        {
            w.WriteStartArray("constraints");
            foreach (var c in app.Constraints) Strings(w, null, c.ToArray());
            w.WriteEndArray();
        }
        if (app.Fetch.Count > 0) Array(w, "fetch", app.Fetch, Fetch);
        Array(w, "portDefinitions", app.PortDefinitions, Port);
        w.WriteBoolean("requirePorts", app.RequirePorts);
        if (app.HealthChecks.Count > 0) Array(w, "healthChecks", app.HealthChecks, HealthCheck);
        w.WriteStartObject("upgradeStrategy");
        w.WriteNumber("minimumHealthCapacity", app.UpgradeStrategy.MinimumHealthCapacity);
        w.WriteNumber("maximumOverCapacity", app.UpgradeStrategy.MaximumOverCapacity);
        w.WriteEndObject();
        w.WriteNumber("backoffSeconds", Seconds(app.Backoff));
        w.WriteNumber("backoffFactor", app.BackoffFactor);
        w.WriteNumber("maxLaunchDelaySeconds", Seconds(app.MaxLaunchDelay));
        w.WriteString("killSelection", app.KillSelection == KillSelection.OldestFirst ? "OLDEST_FIRST" : "YOUNGEST_FIRST");
        if (app.TaskKillGracePeriod is { } grace) w.WriteNumber("taskKillGracePeriodSeconds", Seconds(grace));
        Map(w, "labels", app.Labels);
        w.WriteString("role", app.Role);
        if (app.AcceptedResourceRoles.Count > 0) Strings(w, "acceptedResourceRoles", app.AcceptedResourceRoles);
        if (app.Version is { } version) w.WriteString("version", Timestamp(version));
        w.WriteEndObject();
    }

    /// <summary>Marathon's timestamps: UTC, milliseconds, <c>2016-02-28T16:41:41.090Z</c>.</summary>
    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void HealthCheck(Utf8JsonWriter w, HealthCheck c)
    {
        w.WriteString("protocol", c.Protocol switch
        {
            HealthCheckProtocol.Http => "HTTP",
            HealthCheckProtocol.Https => "HTTPS",
            HealthCheckProtocol.Tcp => "TCP",
            HealthCheckProtocol.Command => "COMMAND",
            HealthCheckProtocol.MesosHttp => "MESOS_HTTP",
            HealthCheckProtocol.MesosHttps => "MESOS_HTTPS",
            _ => "MESOS_TCP",
        });
        if (c.Path is not null) w.WriteString("path", c.Path);
        if (c.PortIndex is { } index) w.WriteNumber("portIndex", index);
        if (c.Port is { } port) w.WriteNumber("port", port);
        if (c.Command is not null)
        {
            w.WriteStartObject("command");
            w.WriteString("value", c.Command);
            w.WriteEndObject();
        }
        w.WriteNumber("gracePeriodSeconds", Seconds(c.GracePeriod));
        w.WriteNumber("intervalSeconds", Seconds(c.Interval));
        w.WriteNumber("timeoutSeconds", Seconds(c.Timeout));
        w.WriteNumber("maxConsecutiveFailures", c.MaxConsecutiveFailures);
        w.WriteNumber("delaySeconds", Seconds(c.Delay));
        if (c.Protocol is HealthCheckProtocol.Http or HealthCheckProtocol.Https) w.WriteBoolean("ignoreHttp1xx", c.IgnoreHttp1xx);
    }

    private static void Port(Utf8JsonWriter w, PortDefinition p)
    {
        w.WriteNumber("port", p.Port);
        w.WriteString("protocol", p.Protocol switch { PortProtocol.Udp => "udp", PortProtocol.UdpTcp => "udp,tcp", _ => "tcp" });
        if (p.Name is not null) w.WriteString("name", p.Name);
        if (p.Labels.Count > 0) Map(w, "labels", p.Labels);
    }

    private static void Fetch(Utf8JsonWriter w, FetchUri f)
    {
        w.WriteString("uri", f.Uri);
        w.WriteBoolean("extract", f.Extract);
        w.WriteBoolean("executable", f.Executable);
        w.WriteBoolean("cache", f.Cache);
        if (f.DestPath is not null) w.WriteString("destPath", f.DestPath);
    }

    private static long Seconds(TimeSpan t) => (long)t.TotalSeconds;

    private static void Array<T>(Utf8JsonWriter w, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStartObject();
            write(w, item);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Strings(Utf8JsonWriter w, string? name, IEnumerable<string> items)
    {
        if (name is null) w.WriteStartArray(); else w.WriteStartArray(name);
        foreach (var s in items) w.WriteStringValue(s);
        w.WriteEndArray();
    }

    private static void Map(Utf8JsonWriter w, string name, ValueMap map)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in map) w.WriteString(k, v);
        w.WriteEndObject();
    }
}
