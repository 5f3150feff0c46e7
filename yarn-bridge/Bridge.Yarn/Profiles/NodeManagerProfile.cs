using System.Diagnostics.CodeAnalysis;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Profiles;

/// <summary>
/// A NodeManager profile (Myriad's <c>NMProfile</c>): the capacity a NodeManager of this profile advertises to
/// YARN (<c>yarn.nodemanager.resource.cpu-vcores</c> and <c>.memory-mb</c>). The NodeManager's own overhead comes on
/// top (see <see cref="NodeManagerOverhead"/>). A zero profile (0 cpus, 0 MB) registers with no capacity and gets it
/// from offers one container at a time (fine-grained scaling).
/// </summary>
/// <param name="Name">Its name, as flexup and flexdown requests give it: 1 to 64 of <c>[A-Za-z0-9_-]</c>.</param>
/// <param name="Cpus">Virtual cores advertised to YARN (one kernel cpu each).</param>
/// <param name="MemoryMb">Memory advertised to YARN, in MB.</param>
public sealed record NodeManagerProfile(string Name, int Cpus, long MemoryMb)
{
    /// <summary>True for a zero profile: its NodeManagers are scaled fine-grained.</summary>
    public bool IsZero => Cpus == 0 && MemoryMb == 0;

    /// <summary>The capacity advertised to YARN, <c>&lt;memory:MemoryMb, vCores:Cpus&gt;</c>.</summary>
    public Resource Capability => new(MemoryMb, Cpus);

    /// <summary>Null when the profile is valid; otherwise why not, naming the field.</summary>
    public string? Validate()
    {
        if (string.IsNullOrEmpty(Name) || Name.Length > 64 || !Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            return $"profile name '{Name}' must be 1 to 64 letters, digits, '_' or '-'";
        if (Cpus < 0 || MemoryMb < 0) return $"profile '{Name}': cpu={Cpus} and mem={MemoryMb} must not be negative";
        if ((Cpus == 0) != (MemoryMb == 0))
            return $"profile '{Name}': cpu={Cpus}, mem={MemoryMb}: both must be 0 (a zero profile, fine-grained scaling) or both positive";
        return null;
    }
}

/// <summary>
/// The profiles a bridge knows (Myriad's <c>NMProfileManager</c>), by name, ordinal. Immutable.
/// <see cref="Default"/> holds Myriad's four (zero 0/0, small 2/2048, medium 4/4096, large 10/12288); a configuration
/// may replace them or add its own.
/// </summary>
public sealed class NodeManagerProfiles
{
    private readonly Dictionary<string, NodeManagerProfile> _byName;

    private NodeManagerProfiles(Dictionary<string, NodeManagerProfile> byName) => _byName = byName;

    /// <summary>zero (0 cpus, 0 MB), small (2, 2048), medium (4, 4096), large (10, 12288).</summary>
    public static NodeManagerProfiles Default { get; } = Create(
        new NodeManagerProfile("zero", 0, 0), new NodeManagerProfile("small", 2, 2048),
        new NodeManagerProfile("medium", 4, 4096), new NodeManagerProfile("large", 10, 12288));

    /// <summary>Every profile, by name (ordinal order).</summary>
    public IReadOnlyList<NodeManagerProfile> All => _byName.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();

    /// <summary>True when a profile is called <paramref name="name"/> (case-sensitive, as Myriad).</summary>
    public bool Exists([NotNullWhen(true)] string? name) => name is not null && _byName.ContainsKey(name);

    /// <summary>The profile called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such profile.</exception>
    public NodeManagerProfile this[string name] => _byName[name];

    /// <summary>The profile called <paramref name="name"/>, or null.</summary>
    public NodeManagerProfile? Find(string? name) => name is not null && _byName.TryGetValue(name, out var p) ? p : null;

    /// <summary>These profiles plus <paramref name="more"/> (a name given again replaces the profile).</summary>
    /// <exception cref="ArgumentException">A profile is invalid (the message says why).</exception>
    public NodeManagerProfiles With(params NodeManagerProfile[] more) => Create([.. _byName.Values, .. more]);

    /// <summary>Exactly <paramref name="profiles"/>; a name given twice keeps the last.</summary>
    /// <exception cref="ArgumentException">A profile is invalid, or none is given.</exception>
    public static NodeManagerProfiles Create(params NodeManagerProfile[] profiles) =>
        TryCreate(profiles, out var created, out var error) ? created : throw new ArgumentException(error, nameof(profiles));

    /// <summary>
    /// Profiles from a configuration in Myriad's shape, <c>profiles: {small: {cpu: "2", mem: "2048"}, …}</c> (the
    /// figures as text, as Myriad's <c>Map&lt;String, Map&lt;String, String&gt;&gt;</c> holds them; memory in MB).
    /// </summary>
    /// <returns>False with the first problem, naming it (<c>profiles.small.cpu='two' is not a whole number</c>, a missing
    /// figure, an unknown key, an invalid profile).</returns>
    public static bool TryFromConfiguration(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> configuration,
        [NotNullWhen(true)] out NodeManagerProfiles? created, [NotNullWhen(false)] out string? error)
    {
        created = null;
        var profiles = new List<NodeManagerProfile>();
        foreach (var (name, figures) in configuration.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (figures.Keys.FirstOrDefault(k => k is not ("cpu" or "mem")) is { } unknown)
            {
                error = $"profiles.{name}.{unknown} is not a profile setting (cpu, mem)";
                return false;
            }
            if (!TryFigure(figures, name, "cpu", out var cpu, out error) || !TryFigure(figures, name, "mem", out var mem, out error)) return false;
            if (cpu > int.MaxValue)
            {
                error = $"profiles.{name}.cpu={cpu} is too large";
                return false;
            }
            profiles.Add(new NodeManagerProfile(name, (int)cpu, mem));
        }
        return TryCreate(profiles, out created, out error);
    }

    private static bool TryFigure(IReadOnlyDictionary<string, string> figures, string profile, string key, out long value, [NotNullWhen(false)] out string? error)
    {
        value = 0;
        if (!figures.TryGetValue(key, out var text))
        {
            error = $"profiles.{profile}.{key} is missing";
            return false;
        }
        if (!long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value))
        {
            error = $"profiles.{profile}.{key}='{text}' is not a whole number";
            return false;
        }
        error = null;
        return true;
    }

    /// <summary>Exactly <paramref name="profiles"/>, or why not (the first invalid profile, or none given).</summary>
    public static bool TryCreate(IEnumerable<NodeManagerProfile> profiles, [NotNullWhen(true)] out NodeManagerProfiles? created, [NotNullWhen(false)] out string? error)
    {
        created = null;
        var byName = new Dictionary<string, NodeManagerProfile>(StringComparer.Ordinal);
        foreach (var p in profiles)
        {
            error = p.Validate();
            if (error is not null) return false;
            byName[p.Name] = p;
        }
        if (byName.Count == 0)
        {
            error = "no NodeManager profiles are configured";
            return false;
        }
        created = new NodeManagerProfiles(byName);
        error = null;
        return true;
    }
}
