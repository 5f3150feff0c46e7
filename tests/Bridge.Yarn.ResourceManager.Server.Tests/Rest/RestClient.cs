using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Bridge.Yarn.ResourceManager.Server.Tests.Rest;

/// <summary>HTTP helpers for the REST tests: every answer is read as JSON (or empty).</summary>
internal static class RestClient
{
    public static async Task<(HttpStatusCode Status, JsonElement Json, HttpResponseMessage Response)> SendAsync(this HttpClient http, HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, json, response);
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient http, string path)
    {
        var (status, json, _) = await http.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, status);
        return json;
    }

    /// <summary>POST new-application and return the id.</summary>
    public static async Task<string> NewApplicationAsync(this HttpClient http)
    {
        var (status, json, _) = await http.SendAsync(HttpMethod.Post, "/ws/v1/cluster/apps/new-application");
        Assert.Equal(HttpStatusCode.OK, status);
        return json.GetProperty("application-id").GetString()!;
    }

    /// <summary>A minimal submission body for <paramref name="id"/>.</summary>
    public static string MinimalSubmission(string id, string extra = "") =>
        $$$"""{"application-id":"{{{id}}}","am-container-spec":{"commands":{"command":"/bin/am"}}{{{extra}}}}""";

    /// <summary>The RemoteException's (exception, message, javaClassName).</summary>
    public static (string Exception, string Message, string JavaClassName) RemoteException(JsonElement json)
    {
        var e = json.GetProperty("RemoteException");
        return (e.GetProperty("exception").GetString()!, e.GetProperty("message").GetString()!, e.GetProperty("javaClassName").GetString()!);
    }

    /// <summary>The RemoteException's (exception, message).</summary>
    public static (string Exception, string Message) RemoteError(JsonElement json)
    {
        var (exception, message, _) = RemoteException(json);
        return (exception, message);
    }

    public static string[] Names(JsonElement obj) => obj.EnumerateObject().Select(p => p.Name).ToArray();
}
