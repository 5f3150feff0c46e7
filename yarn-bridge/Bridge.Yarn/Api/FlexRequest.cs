using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Bridge.Yarn.Constraints;
using Bridge.Yarn.Profiles;

namespace Bridge.Yarn.Api;

/// <summary>
/// A validated flexup or flexdown request (Myriad's <c>FlexUpClusterRequest</c> / <c>FlexDownClusterRequest</c>), the
/// body of <c>PUT /api/cluster/flexup</c> and <c>PUT /api/cluster/flexdown</c>:
/// <code>{"instances": 2, "profile": "medium", "constraints": ["hostname LIKE host-[0-9]+"]}</code>
/// </summary>
/// <param name="Instances">How many NodeManagers, at least 1.</param>
/// <param name="Profile">The profile (it exists).</param>
/// <param name="Constraint">The one LIKE constraint, or null.</param>
public sealed record FlexRequest(int Instances, NodeManagerProfile Profile, LikeConstraint? Constraint)
{
    private static readonly string[] Fields = ["instances", "profile", "constraints"];

    /// <summary>
    /// Parses and validates a body as Myriad's <c>ClustersResource</c> does, in its order (profile, instances,
    /// constraints) and with its messages: <c>'profile' is null or empty</c>, <c>Profile does not exist: 'x'</c>,
    /// <c>'instances' is null</c>, <c>Invalid instance size: 0</c>, <c>Only 1 constraint is currently supported.
    /// Received: [a, b]</c>, and <see cref="LikeConstraint.TryParse"/>'s. Also refused, with a message naming the field:
    /// an empty body, one that is not a JSON object, a field that is not one of the three, a value of the wrong type.
    /// </summary>
    /// <returns>False with the reason (the REST layer answers 400 with it as text).</returns>
    public static bool TryParse(ReadOnlySpan<byte> body, NodeManagerProfiles profiles, [NotNullWhen(true)] out FlexRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (body.Trim(" \t\r\n"u8).IsEmpty) return Fail("request object cannot be null or empty", out error);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException e)
        {
            return Fail($"request body is not JSON: {e.Message}", out error);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Null) return Fail("request object cannot be null or empty", out error);
            if (root.ValueKind != JsonValueKind.Object) return Fail($"request body must be a JSON object, not {Kind(root)}", out error);
            foreach (var p in root.EnumerateObject())
                if (!Fields.Contains(p.Name)) return Fail($"unknown field '{p.Name}' (a flex request has {string.Join(", ", Fields)})", out error);

            if (!TryProfile(root, profiles, out var profile, out error)) return false;
            if (!TryInstances(root, out var instances, out error)) return false;
            if (!TryConstraint(root, out var constraint, out error)) return false;
            request = new FlexRequest(instances, profile, constraint);
            return true;
        }
    }

    private static bool TryProfile(JsonElement root, NodeManagerProfiles profiles, [NotNullWhen(true)] out NodeManagerProfile? profile, [NotNullWhen(false)] out string? error)
    {
        profile = null;
        if (!root.TryGetProperty("profile", out var value) || value.ValueKind == JsonValueKind.Null || value.ValueKind == JsonValueKind.String && value.GetString() == "")
            return Fail("'profile' is null or empty", out error);
        if (value.ValueKind != JsonValueKind.String) return Fail($"'profile' must be a string, not {Kind(value)}", out error);
        profile = profiles.Find(value.GetString());
        return profile is not null ? Ok(out error) : Fail($"Profile does not exist: '{value.GetString()}'", out error);
    }

    private static bool TryInstances(JsonElement root, out int instances, [NotNullWhen(false)] out string? error)
    {
        instances = 0;
        if (!root.TryGetProperty("instances", out var value) || value.ValueKind == JsonValueKind.Null) return Fail("'instances' is null", out error);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out instances))
            return Fail($"'instances' must be a 32-bit integer, not {(value.ValueKind == JsonValueKind.Number ? value.GetRawText() : Kind(value))}", out error);
        return instances > 0 ? Ok(out error) : Fail($"Invalid instance size: {instances}", out error);
    }

    private static bool TryConstraint(JsonElement root, out LikeConstraint? constraint, [NotNullWhen(false)] out string? error)
    {
        constraint = null;
        if (!root.TryGetProperty("constraints", out var value) || value.ValueKind == JsonValueKind.Null) return Ok(out error);
        if (value.ValueKind != JsonValueKind.Array) return Fail($"'constraints' must be a list of strings, not {Kind(value)}", out error);
        var items = value.EnumerateArray().ToList();
        if (items.Any(i => i.ValueKind != JsonValueKind.String)) return Fail("'constraints' must be a list of strings", out error);
        var texts = items.Select(i => i.GetString()!).ToList();
        if (texts.Count == 0) return Ok(out error);
        if (texts.Count > 1) return Fail($"Only 1 constraint is currently supported. Received: [{string.Join(", ", texts)}]", out error);
        return LikeConstraint.TryParse(texts[0], out constraint, out error);
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }

    private static bool Ok(out string? error)
    {
        error = null;
        return true;
    }
}
