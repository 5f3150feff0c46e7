namespace Bridge.Kernel;

/// <summary>
/// Text in the Mesos resource or attribute syntax could not be parsed. The message names
/// the offending token and its position, e.g.
/// <c>bad resource 'cpus:x' at position 0: 'x' is not a non-negative number</c>.
/// </summary>
public sealed class ResourceParseException : FormatException
{
    /// <summary>The offending token (one <c>;</c>-separated entry, or the whole text).</summary>
    public string Token { get; }

    /// <summary>Zero-based character position of <see cref="Token"/> in the parsed text.</summary>
    public int Position { get; }

    /// <summary>Creates the exception.</summary>
    public ResourceParseException(string message, string token, int position) : base(message)
    {
        Token = token;
        Position = position;
    }
}
