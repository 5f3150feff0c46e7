namespace Bridge.Eventing.Bus.Policy;

/// <summary>What the bus requires of a topic's sessions and does to its records.</summary>
public sealed record TopicPolicy
{
    /// <summary>Encrypt record values (AES-256-GCM) before Kafka: true, false (plaintext, readable by plain
    /// Kafka tools), or null for "whenever a key ring is configured" (the default).</summary>
    public bool? Encrypt { get; init; }

    /// <summary>Sessions need an OAuth2 bearer token (JWT) whose scopes allow the topic (default: false).</summary>
    public bool RequireToken { get; init; }

    /// <summary>Every request carries a valid HMAC-SHA256 signature with a fresh nonce (default: false).</summary>
    public bool RequireSignature { get; init; }

    /// <summary>Requests arrive over TLS (default: false).</summary>
    public bool RequireTls { get; init; }

    /// <summary>Whether records are encrypted, given whether a key ring is configured.</summary>
    public bool Encrypts(bool keyRingConfigured) => Encrypt ?? keyRingConfigured;
}

/// <summary>
/// Per-topic policies: rules matched by exact topic name first, then by the longest prefix pattern
/// (<c>bridge.secure.*</c>), then the default (encrypt when a key ring is configured, nothing required).
/// Written on the command line and in configuration as <c>PATTERN=FLAG[,FLAG...]</c> with flags
/// <c>encrypt</c>, <c>plaintext</c>, <c>token</c>, <c>signature</c>, <c>tls</c>, and <c>sensitive</c>
/// (all of encrypt, token, signature, tls: the Autodesk design's sensitive topics).
/// </summary>
public sealed class TopicPolicies
{
    private readonly Dictionary<string, TopicPolicy> _exact = new(StringComparer.Ordinal);
    private readonly List<(string Prefix, TopicPolicy Policy)> _prefixes = [];

    /// <summary>No rules: every topic gets <see cref="Default"/>.</summary>
    public static TopicPolicies None { get; } = new([], new TopicPolicy());

    /// <summary>Policies from rules (pattern → policy) and a default.</summary>
    /// <exception cref="ArgumentException">A pattern is empty, or a <c>*</c> appears other than at the end.</exception>
    public TopicPolicies(IEnumerable<KeyValuePair<string, TopicPolicy>> rules, TopicPolicy @default)
    {
        Default = @default;
        foreach (var (pattern, policy) in rules)
        {
            if (PatternProblem(pattern) is { } problem) throw new ArgumentException(problem);
            var star = pattern.IndexOf('*');
            if (star < 0) _exact[pattern] = policy;
            else _prefixes.Add((pattern[..^1], policy));
        }
        _prefixes.Sort((a, b) => b.Prefix.Length.CompareTo(a.Prefix.Length));
    }

    /// <summary>The policy of topics no rule matches.</summary>
    public TopicPolicy Default { get; }

    /// <summary>The policy of <paramref name="topic"/>.</summary>
    public TopicPolicy For(string topic)
    {
        if (_exact.TryGetValue(topic, out var exact)) return exact;
        foreach (var (prefix, policy) in _prefixes)
            if (topic.StartsWith(prefix, StringComparison.Ordinal)) return policy;
        return Default;
    }

    /// <summary>Policies from <c>PATTERN=FLAG[,FLAG...]</c> specs (see the class summary).</summary>
    /// <exception cref="FormatException">A spec is malformed or names an unknown flag; the message quotes it.</exception>
    public static TopicPolicies Parse(IEnumerable<string> specs)
    {
        var rules = new List<KeyValuePair<string, TopicPolicy>>();
        foreach (var spec in specs)
        {
            var eq = spec.IndexOf('=');
            if (eq <= 0) throw new FormatException($"topic policy '{spec}': expected PATTERN=FLAG[,FLAG...]");
            var policy = new TopicPolicy();
            foreach (var flag in spec[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                policy = flag switch
                {
                    "encrypt" => policy with { Encrypt = true },
                    "plaintext" => policy with { Encrypt = false },
                    "token" => policy with { RequireToken = true },
                    "signature" => policy with { RequireSignature = true },
                    "tls" => policy with { RequireTls = true },
                    "sensitive" => policy with { Encrypt = true, RequireToken = true, RequireSignature = true, RequireTls = true },
                    _ => throw new FormatException($"topic policy '{spec}': unknown flag '{flag}' (encrypt, plaintext, token, signature, tls, sensitive)"),
                };
            }
            var pattern = spec[..eq].Trim();
            if (PatternProblem(pattern) is { } problem) throw new FormatException(problem);
            rules.Add(new(pattern, policy));
        }
        return new TopicPolicies(rules, new TopicPolicy());
    }

    private static string? PatternProblem(string pattern) =>
        pattern.Length == 0 || (pattern.IndexOf('*') is var star and >= 0 && star != pattern.Length - 1)
            ? $"topic pattern '{pattern}': a topic name, or a prefix ending in '*'"
            : null;
}
