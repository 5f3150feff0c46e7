using System.Text;
using System.Text.RegularExpressions;
using Bridge.Yarn.Protocol;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.NodeManager.Containers;

/// <summary>A container to run: Hadoop's <c>StartContainerRequest</c> once its token is checked (the container's id,
/// size and user come from the token, what to run from the launch context).</summary>
/// <param name="ContainerId">The container.</param>
/// <param name="Resource">Its allocated size: the process's cgroup gets <c>MemoryMb</c> and <c>VCores</c> cpus.</param>
/// <param name="User">The submitting user (names the usercache directory; processes run as the NodeManager's user).</param>
/// <param name="Context">What to run: commands joined with spaces and run by <c>/bin/bash -c</c>, as Hadoop's launch
/// script does (<c>&lt;LOG_DIR&gt;</c>, <c>&lt;CPS&gt;</c> and <c>{{VAR}}</c> expanded), its environment, its local resources.</param>
public sealed record ContainerLaunch(ContainerId ContainerId, Resource Resource, string User, ContainerLaunchContext Context);

/// <summary>Where this NodeManager lives, for the variables it gives every container.</summary>
/// <param name="NodeId">Its id (<c>host:port</c>): NM_HOST and NM_PORT.</param>
/// <param name="HttpPort">Its web port: NM_HTTP_PORT.</param>
/// <param name="LocalDir">Its local directory (<c>yarn.nodemanager.local-dirs</c>, one here).</param>
/// <param name="LogDir">Its log directory (<c>yarn.nodemanager.log-dirs</c>, one here).</param>
/// <param name="Inherited">The NodeManager's own variables that containers inherit unless they set them
/// (<c>yarn.nodemanager.env-whitelist</c>: JAVA_HOME, HADOOP_*_HOME, HADOOP_CONF_DIR, PATH, LANG, TZ, ...).</param>
public sealed record NodeLayout(NodeId NodeId, int HttpPort, string LocalDir, string LogDir, IReadOnlyDictionary<string, string> Inherited);

/// <summary>A launch worked out: directories, the whole environment and the program to run.</summary>
/// <param name="WorkDir">The working directory: <c>{local}/usercache/{user}/appcache/{app}/{container}</c>.</param>
/// <param name="LogDir">The container's log directory: <c>{logs}/{app}/{container}</c>.</param>
/// <param name="Environment">Every variable the process gets (nothing else is inherited).</param>
/// <param name="Argv">The program and its arguments: <c>/bin/bash -c JOINED-COMMANDS</c>.</param>
public sealed record LaunchPlan(string WorkDir, string LogDir, IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> Argv)
{
    /// <summary>The variables a NodeManager passes on from its own environment unless the container sets them
    /// (Hadoop's default <c>yarn.nodemanager.env-whitelist</c>).</summary>
    public static readonly IReadOnlyList<string> Whitelist =
        ["JAVA_HOME", "HADOOP_COMMON_HOME", "HADOOP_HDFS_HOME", "HADOOP_CONF_DIR", "CLASSPATH_PREPEND_DISTCACHE", "HADOOP_YARN_HOME", "HADOOP_HOME", "PATH", "LANG", "TZ"];

    /// <summary>Names a container may not set: the NodeManager's own (Hadoop overwrites them too).</summary>
    private static readonly HashSet<string> NodeManagerOwned =
        ["CONTAINER_ID", "NM_HOST", "NM_PORT", "NM_HTTP_PORT", "LOCAL_DIRS", "LOCAL_USER_DIRS", "LOG_DIRS", "USER", "LOGNAME", "PWD"];

    /// <summary>
    /// Works out how to run <paramref name="launch"/> on <paramref name="node"/>, following Hadoop's
    /// ContainerLaunch: the NodeManager's variables (CONTAINER_ID, NM_HOST, NM_PORT, NM_HTTP_PORT, LOCAL_DIRS,
    /// LOCAL_USER_DIRS, LOG_DIRS, USER, LOGNAME, HOME, PWD), the whitelisted ones it inherits, then the container's
    /// own; commands joined with spaces; <c>&lt;LOG_DIR&gt;</c> becomes the log directory, <c>&lt;CPS&gt;</c> a colon,
    /// <c>{{VAR}}</c> becomes <c>$VAR</c> (Hadoop's cross-platform forms).
    /// </summary>
    /// <exception cref="ArgumentException">No commands, a blank command, a variable name that is not
    /// <c>[A-Za-z_][A-Za-z0-9_]*</c>, a NUL character, a local resource name that is not a plain file name, or a
    /// PATTERN resource; the message names the field.</exception>
    public static LaunchPlan For(ContainerLaunch launch, NodeLayout node)
    {
        Validate(launch);
        var app = launch.ContainerId.ApplicationAttemptId.ApplicationId.ToString();
        var id = launch.ContainerId.ToString();
        var appDir = Path.Combine(node.LocalDir, "usercache", launch.User, "appcache", app);
        var workDir = Path.Combine(appDir, id);
        var logDir = Path.Combine(node.LogDir, app, id);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Whitelist)
            if (node.Inherited.TryGetValue(name, out var value)) env[name] = value;
        foreach (var (name, value) in launch.Context.Environment)
            if (!NodeManagerOwned.Contains(name)) env[name] = Expand(value, logDir);
        env["CONTAINER_ID"] = id;
        env["NM_HOST"] = node.NodeId.Host;
        env["NM_PORT"] = node.NodeId.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["NM_HTTP_PORT"] = node.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["LOCAL_DIRS"] = appDir;
        env["LOCAL_USER_DIRS"] = Path.Combine(node.LocalDir, "usercache", launch.User);
        env["LOG_DIRS"] = logDir;
        env["USER"] = launch.User;
        env["LOGNAME"] = launch.User;
        env.TryAdd("HOME", "/home/");
        env["PWD"] = workDir;
        var command = string.Join(' ', launch.Context.Commands.Select(c => Expand(c, logDir)));
        return new LaunchPlan(workDir, logDir, env, ["/bin/bash", "-c", command]);
    }

    private static readonly Regex VariableName = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);
    private static readonly Regex UserName = new(@"^(?!\.{1,2}$)[^/\x00]+$", RegexOptions.CultureInvariant);
    private static readonly Regex CrossPlatformVariable = new(@"\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}", RegexOptions.CultureInvariant);

    private static void Validate(ContainerLaunch launch)
    {
        var context = launch.Context;
        if (context.Commands.Count == 0) throw new ArgumentException("commands: the launch context has no command");
        for (var i = 0; i < context.Commands.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(context.Commands[i])) throw new ArgumentException($"commands[{i}] is blank");
            if (context.Commands[i].Contains('\0')) throw new ArgumentException($"commands[{i}] contains a NUL character");
        }
        if (!UserName.IsMatch(launch.User)) throw new ArgumentException($"user '{launch.User}' is not a plain name");
        foreach (var (name, value) in context.Environment)
        {
            if (!VariableName.IsMatch(name)) throw new ArgumentException($"environment: '{name}' is not a variable name ([A-Za-z_][A-Za-z0-9_]*)");
            if (value.Contains('\0')) throw new ArgumentException($"environment[{name}] contains a NUL character");
        }
        foreach (var (name, resource) in context.LocalResources)
        {
            if (Bridge.Yarn.Protocol.Conversion.LaunchContextConversion.LinkNameProblem(name) is { } problem) throw new ArgumentException($"local-resources: '{name}' {problem}");
            if (resource.Type == LocalResourceType.Pattern)
                throw new ArgumentException($"local-resources[{name}]: type PATTERN is not supported (use FILE or ARCHIVE)");
            if (!resource.Url.IsFile && resource.Url.Scheme is not ("http" or "https"))
                throw new ArgumentException($"local-resources[{name}]: scheme '{resource.Url.Scheme}' is not supported (file, http, https; this NodeManager has no HDFS)");
        }
    }

    /// <summary>Expands Hadoop's cross-platform forms in <paramref name="text"/>.</summary>
    internal static string Expand(string text, string logDir)
    {
        var sb = new StringBuilder(text);
        sb.Replace("<LOG_DIR>", logDir).Replace("<CPS>", ":");
        return CrossPlatformVariable.Replace(sb.ToString(), m => "$" + m.Groups[1].Value);
    }
}
