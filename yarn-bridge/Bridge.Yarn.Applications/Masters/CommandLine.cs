using System.Globalization;

namespace Bridge.Yarn.Applications.Masters;

/// <summary>
/// The option syntax the masters and containers accept, as Hadoop's commons-cli GnuParser does for its tools:
/// <c>-name value</c>, <c>--name value</c> or <c>--name=value</c>; a name may repeat (each value kept, in order);
/// <c>-D key=value</c> sets a property (Hadoop's generic option). Words that are not options are positional.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);

    private CommandLine() { }

    /// <summary>Arguments that are not options, in order.</summary>
    public List<string> Positional { get; } = [];

    /// <summary><c>-D key=value</c> properties; a later one wins.</summary>
    public Dictionary<string, string> Properties { get; } = new(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="flags">Options that take no value.</param>
    /// <param name="line">The parsed line.</param>
    /// <param name="error">Set when an option lacks its value or a <c>-D</c> is not <c>key=value</c>, naming it.</param>
    public static bool TryParse(IReadOnlyList<string> args, IReadOnlySet<string> flags, out CommandLine line, out string? error)
    {
        line = new CommandLine();
        error = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-D" || (arg.StartsWith("-D", StringComparison.Ordinal) && arg.Length > 2 && !arg.StartsWith("--", StringComparison.Ordinal)))
            {
                string property = arg.Length > 2 ? arg[2..] : i + 1 < args.Count ? args[++i] : "";
                int eq = property.IndexOf('=');
                if (eq <= 0)
                {
                    error = $"-D {property}: expected key=value";
                    return false;
                }
                line.Properties[property[..eq]] = property[(eq + 1)..];
                continue;
            }
            if (arg.Length < 2 || arg[0] != '-' || arg == "--" || IsNumber(arg))
            {
                line.Positional.Add(arg);
                continue;
            }
            string name = arg.TrimStart('-');
            string? value = null;
            int equals = name.IndexOf('=');
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (!flags.Contains(name))
            {
                if (i + 1 >= args.Count)
                {
                    error = $"--{name}: a value is required";
                    return false;
                }
                value = args[++i];
            }
            if (!line._options.TryGetValue(name, out var values)) line._options[name] = values = [];
            values.Add(value ?? "true");
        }
        return true;
    }

    private static bool IsNumber(string arg) => double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>Option names given.</summary>
    public IEnumerable<string> Names => _options.Keys;

    /// <summary>Whether <paramref name="name"/> was given.</summary>
    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>The last value of <paramref name="name"/>, or null.</summary>
    public string? Last(string name) => _options.TryGetValue(name, out var v) ? v[^1] : null;

    /// <summary>Every value of <paramref name="name"/>, in order.</summary>
    public IReadOnlyList<string> All(string name) => _options.TryGetValue(name, out var v) ? v : [];

    /// <summary>
    /// The last value of <paramref name="name"/> as an integer in [<paramref name="min"/>, <paramref name="max"/>],
    /// or <paramref name="fallback"/> when absent; false with an error naming the option otherwise.
    /// </summary>
    public bool TryInt(string name, int fallback, int min, int max, out int value, out string? error)
    {
        error = null;
        value = fallback;
        if (Last(name) is not { } text) return true;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            error = max == int.MaxValue
                ? $"--{name} {text}: expected an integer of at least {min}"
                : $"--{name} {text}: expected an integer from {min} to {max}";
            return false;
        }
        return true;
    }
}
