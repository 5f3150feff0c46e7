namespace Bridge.Host;

/// <summary>What the client verbs of the schedulers (<c>bridge app</c>, <c>bridge job</c>) share: an
/// HttpClient on the scheduler's REST API, and errors as one line on stderr with an exit code.</summary>
internal static class RestClient
{
    /// <summary>Runs <paramref name="action"/> with a client on <paramref name="address"/>; an unreachable
    /// scheduler is exit 1, a malformed address or JSON document exit 2, each said on stderr as <paramref name="command"/>.</summary>
    public static async Task<int> RunAsync(string command, string address, string what, Func<HttpClient, Task<int>> action)
    {
        if (!Uri.TryCreate(ServicesCommand.Address(address).TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress))
            return Fail(command, $"'{address}' is not an address", 2);
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            return await action(http);
        }
        catch (HttpRequestException e)
        {
            return Fail(command, $"cannot reach the {what} at {baseAddress}: {e.Message} (is ./bridge up running?)");
        }
        catch (System.Text.Json.JsonException e)
        {
            return Fail(command, $"not a JSON document: {e.Message}", 2);
        }
    }

    /// <summary>Prints <c>COMMAND: MESSAGE</c> on stderr and returns <paramref name="code"/>.</summary>
    public static int Fail(string command, string message, int code = 1)
    {
        Console.Error.WriteLine($"{command}: {message}");
        return code;
    }
}
